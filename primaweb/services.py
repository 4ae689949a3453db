"""Writes of the core: the audit trail, centres and memberships."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from .models import AuditEvent, Centre, Membership, User

# The one way to get a request's address, re-exported for the apps that already ask the core for it.
from .network import client_address as client_address

# The shared counter, re-exported for the apps that ask the core for it (CPAS Online's public pages).
from .ratelimit import rate_limit_allows as rate_limit_allows

# `audit_consultation`'s centre when the caller names none: the one the user chose.
_CHOSEN_CENTRE: Any = object()


def audit_record(
    *,
    action: str,
    by: User | None,
    centre: Centre | None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    username: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Appends one event to the audit trail and returns it.

    The event is written in the caller's transaction: if the action rolls back, so does its trace.
    """
    return AuditEvent.objects.create(
        centre=centre,
        user=by if by is not None and by.pk else None,
        username=(by.get_username() if by is not None and by.pk else username)[:150],
        action=action,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:300] if target is not None else "",
        details=details or {},
        ip_address=client_address(request),
    )


def audit_consultation(
    *,
    request: HttpRequest,
    what: str,
    target: models.Model | None = None,
    persons: Iterable[str] = (),
    shown: Iterable[models.Model] = (),
    criteria: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    centre: Centre | None = _CHOSEN_CENTRE,
) -> AuditEvent:
    """Records that the signed-in user saw persons' data on a screen: one « Consultation » event.

    Every view that shows a person's data calls it once per page it renders (a list: once for the page,
    naming the persons of that page). The event holds who and from where (the request), the centre
    chosen, the screen (`what`: its title, marked with `gettext_noop`, translated when the log is read),
    the object opened (`target`), the NISS of the persons shown (`persons`), the ids of the rows listed
    (`shown`), the search criteria (`criteria`, empty values left out) and what else the screen keeps
    (`details`: the kind of access, a message's eBox id...).

    The event goes to the centre the user chose (`request.centre`), or to `centre` when the screen shows
    the data of a centre it names itself (the admin shows an administrator's several centres).
    """
    extra = dict(details or {})
    details: dict[str, Any] = {"screen": what}
    if request.resolver_match is not None:
        details["view"] = request.resolver_match.view_name
    nisses = sorted({niss for niss in persons if niss})
    if nisses:
        details["persons"] = nisses
    rows: dict[str, list[str]] = {}
    for row in shown:
        rows.setdefault(row._meta.label, []).append(str(row.pk))
    if rows:
        details["shown"] = rows
    plain = {key: _plain(value) for key, value in (criteria or {}).items() if value not in ("", None)}
    if plain:
        details["criteria"] = plain
    details.update({key: value for key, value in extra.items() if key not in details})
    return audit_record(
        action=AuditEvent.Action.VIEW,
        by=request.user,
        centre=getattr(request, "centre", None) if centre is _CHOSEN_CENTRE else centre,
        target=target,
        request=request,
        details=details,
    )


def _plain(value: Any) -> Any:
    """A criterion as JSON can hold it: dates in ISO form, chosen objects by their name."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def centre_create(
    *,
    name_fr: str,
    name_nl: str,
    bce_number: str,
    nis_code: str,
    language: str = "",
    by: User | None = None,
    **contact: str,
) -> Centre:
    """Creates a validated centre; the working language defaults to the commune's."""
    centre = Centre(
        name_fr=name_fr,
        name_nl=name_nl,
        bce_number=bce_number,
        nis_code=nis_code,
        language=language,
        **contact,
    )
    centre.full_clean()
    centre.save()
    audit_record(action=AuditEvent.Action.CREATE, by=by, centre=centre, target=centre)
    return centre


@transaction.atomic
def membership_grant(
    *, user: User, centre: Centre, role: str, by: User | None = None, request: HttpRequest | None = None
) -> Membership:
    """Gives `user` the `role` in `centre`, reactivating a withdrawn access; idempotent."""
    membership, created = Membership.objects.for_centre(centre).get_or_create(
        user=user, centre=centre, defaults={"role": role, "is_active": True}
    )
    if not created and (membership.role != role or not membership.is_active):
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    elif not created:
        return membership
    audit_record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        by=by,
        centre=centre,
        target=membership,
        request=request,
        details={"role": role},
    )
    return membership
