"""The admin's pages of centre data leave a « Consultation » in the audit trail of each centre shown.

A list or an object's page in the admin shows persons' data (a citizen's NISS on a publication, the
persons of an audit event, a worker's identity) as surely as the back office's screens do, and a search
box takes a NISS: each GET of a list or of an object's page is traced through `audit_consultation`, for
centre administrators and superusers alike.

Under which centre: every centre whose rows the page shows gets its own event, naming only its own rows
and persons. A superuser's list spanning twenty centres therefore writes twenty events, each in the
trail (and the Admin-Logs) of the centre it concerns; a single event without a centre would be read by
no centre's administrator (a centre's trail holds the centre-less events of its own members only, and a
superuser is usually no member), and one event listing every centre's rows would tell each centre of the
others'. A page showing no row (an empty search) is traced under each centre the search ran over: the
administrator's centres, or none for a superuser.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_noop

from .models import AuditEvent, Centre, Membership, User
from .selectors import administered_centres, centres_of_user
from .services import audit_consultation

LIST_SCREEN = gettext_noop("Administration : liste")
OBJECT_SCREEN = gettext_noop("Administration : fiche")


def centres_touched(obj) -> list:
    """The centres whose audit trail an admin action on (or a look at) `obj` belongs to (None: none)."""
    if isinstance(obj, Centre):
        return [obj]
    if isinstance(obj, User):
        # An account is shared by every centre it has an access to: each sees what was done to it.
        return list(centres_of_user(user=obj)) or [None]
    if getattr(obj, "centre_id", None) is not None:
        return [obj.centre]
    if isinstance(obj, AuditEvent) and obj.user_id is not None:
        # A sign-in belongs to no centre: each centre of the member reads it (AuditEvent.for_centre).
        return list(centres_of_user(user=obj.user)) or [None]
    return [None]


def persons_of(obj) -> list[str]:
    """The NISS a row shows: its own NISS fields, the persons an audit event names, and the account
    behind an access (a membership, or a grant given to a membership)."""
    found = [
        getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.name == "niss" or field.name.endswith("_niss")
    ]
    details = getattr(obj, "details", None)
    if isinstance(details, dict) and isinstance(details.get("persons"), list):
        found.extend(str(niss) for niss in details["persons"])
    for field in obj._meta.concrete_fields:
        if (
            field.is_relation
            and field.related_model in (User, Membership)
            and field.name in ("user", "membership")
        ):
            related = getattr(obj, field.name)
            if related is not None:
                found.extend(persons_of(related))
    return [niss for niss in found if niss]


class ConsultationAuditMixin:
    """GETs of the changelist and of an object's page write one consultation per centre shown."""

    def consulted_persons(self, obj) -> list[str]:
        return persons_of(obj)

    def _consulted_centres(self, request, obj) -> list:
        centres = centres_touched(obj)
        if request.user.is_superuser:
            return centres
        # What a centre administrator is shown of a row is their centres' business, not the others'.
        mine = list(administered_centres(user=request.user))
        return [centre for centre in centres if centre in mine] or mine

    def _trace(self, request, *, what, rows: Iterable[models.Model], target=None, criteria=None):
        groups: dict = {}
        for row in rows:
            for centre in self._consulted_centres(request, row):
                groups.setdefault(centre, []).append(row)
        if not groups:
            searched = [None] if request.user.is_superuser else administered_centres(user=request.user)
            groups = {centre: [] for centre in searched}
        for centre, shown in groups.items():
            audit_consultation(
                request=request,
                what=what,
                target=target,
                persons=[niss for row in shown for niss in self.consulted_persons(row)],
                shown=[] if target is not None else shown,
                criteria=criteria,
                details={"admin": self.opts.label},
                centre=centre,
            )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if request.method == "GET" and response.status_code == 200 and "cl" in context:
            self._trace(
                request, what=LIST_SCREEN, rows=context["cl"].result_list, criteria=dict(request.GET.items())
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        if request.method == "GET" and response.status_code == 200 and context.get("original") is not None:
            original = context["original"]
            self._trace(request, what=OBJECT_SCREEN, rows=[original], target=original)
        return response
