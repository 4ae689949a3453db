"""« Historique » of an object in the admin, for a centre administrator: their centres' audit trail."""

import json

from django.contrib.admin.models import LogEntry
from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.models import _get_foreign_key
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .selectors import administered_centres

# What an object's history shows: what was done to it, not who looked at it.
HISTORY_ACTIONS = (AuditEvent.Action.CREATE, AuditEvent.Action.CHANGE, AuditEvent.Action.DELETE)


def change_message_text(message) -> str:
    """An admin change message, as the admin's history writes it, in the reader's language."""
    if isinstance(message, list):
        return LogEntry(change_message=json.dumps(message)).get_change_message()
    return str(message or "")


def centre_history_view(model_admin, request, obj, extra_context=None):
    """The audit trail of the administrator's own centres about `obj` (and its inline rows they see).

    Django's log keeps one message per change with no centre: a user shared with another centre
    would show there what that centre's administrator did to the user's accesses in it. The audit
    trail records each change under every centre it touches (`AuditedAdminMixin`), so a centre's
    history is exactly what its Admin-Logs hold about the object.
    """
    targets = Q(object_type=model_admin.opts.label, object_id=str(obj.pk))
    for inline in model_admin.get_inline_instances(request, obj):
        fk = _get_foreign_key(model_admin.model, inline.model, fk_name=inline.fk_name)
        rows = inline.get_queryset(request).filter(**{fk.name: obj}).values_list("pk", flat=True)
        targets |= Q(object_type=inline.model._meta.label, object_id__in=[str(pk) for pk in rows])
    events = (
        AuditEvent.objects.for_centres(administered_centres(user=request.user))
        .filter(targets, action__in=HISTORY_ACTIONS)
        .select_related("user", "centre")
        .order_by("at", "pk")
    )
    page = Paginator(events, model_admin.list_per_page).get_page(request.GET.get(PAGE_VAR))
    entries = [
        {
            "event": event,
            "text": change_message_text(event.details.get("admin"))
            if isinstance(event.details, dict) and "admin" in event.details
            else event.object_repr,
        }
        for event in page
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Historique : %s") % obj,
        "subtitle": None,
        "module_name": str(capfirst(model_admin.opts.verbose_name_plural)),
        "object": obj,
        "opts": model_admin.opts,
        "page": page,
        "entries": entries,
        "page_var": PAGE_VAR,
        **(extra_context or {}),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/primaweb/centre_history.html", context)
