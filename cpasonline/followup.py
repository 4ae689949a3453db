"""The worker's follow-up of a CPAS Online request: read, linked to a dossier, decided, notified.

Primaweb does not hold the decision itself (the council's or the delegated worker's): the worker records
the day it was taken, and the day it was notified to the applicant (by the eBox, by post or handed
over). These two dates are what the law's delays are measured against (deadlines.rules).
"""

from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Dossier
from primaweb.models import AuditEvent, User
from primaweb.services import audit_record

from .models import OnlineRequest


class FollowupRefused(Exception):
    """The day does not fit the request as its locked row stands now (another worker, or the eBox, may
    have recorded the other day meanwhile); the message says why, in the user's language."""


def _locked(online_request: OnlineRequest) -> OnlineRequest:
    return (
        OnlineRequest.objects.for_centre(online_request.centre_id)
        .select_for_update()
        .get(pk=online_request.pk)
    )


def _record_day(
    row: OnlineRequest, *, step: str, day: date, by: User, request: HttpRequest | None
) -> OnlineRequest:
    """Sets ``<step>_on`` and ``<step>_by`` on the locked row and audits the change with the day it
    replaces: decision and notification are recorded (and corrected) the same way."""
    day_field, by_field = f"{step}_on", f"{step}_by"
    previous = getattr(row, day_field)
    setattr(row, day_field, day)
    setattr(row, by_field, by)
    row.save(update_fields=[day_field, by_field])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=by,
        centre=row.centre,
        target=row,
        request=request,
        details={day_field: day.isoformat(), "previous": previous.isoformat() if previous else ""},
    )
    return row


@transaction.atomic
def online_request_record_decision(
    *, online_request: OnlineRequest, decided_on: date, by: User, request: HttpRequest | None = None
) -> OnlineRequest:
    """Records (or corrects) the day the decision was taken and who recorded it.

    The caller has checked the date itself (not in the future, not before the submission). The order of
    the two days is checked here, on the locked row: FollowupRefused when a notification recorded before
    `decided_on` (the database refuses that row in any case).
    """
    row = _locked(online_request)
    if row.notified_on and decided_on > row.notified_on:
        raise FollowupRefused(
            _("La décision ne peut pas suivre sa notification (le %(date)s).")
            % {"date": row.notified_on.strftime("%d/%m/%Y")}
        )
    return _record_day(row, step="decided", day=decided_on, by=by, request=request)


@transaction.atomic
def online_request_record_notification(
    *,
    online_request: OnlineRequest,
    notified_on: date,
    by: User,
    request: HttpRequest | None = None,
    unless_recorded: bool = False,
) -> OnlineRequest:
    """Records (or corrects) the day the decision was notified. FollowupRefused, checked on the locked
    row, when no decision is recorded or when it was taken after `notified_on`. `unless_recorded`: leaves
    a notification already recorded as it is (a delivery noticed after a worker recorded the day)."""
    row = _locked(online_request)
    if unless_recorded and row.notified_on is not None:
        return row
    if row.decided_on is None:
        raise FollowupRefused(_("Enregistrez d'abord la date de la décision."))
    if notified_on < row.decided_on:
        raise FollowupRefused(
            _("La notification ne peut pas précéder la décision (le %(date)s).")
            % {"date": row.decided_on.strftime("%d/%m/%Y")}
        )
    return _record_day(row, step="notified", day=notified_on, by=by, request=request)


def online_request_mark_read(
    *, online_request: OnlineRequest, by: User, request: HttpRequest | None = None
) -> bool:
    """« Marquer comme lu »: records the date and the worker; True if it was unread until now."""
    unread = OnlineRequest.objects.for_centre(online_request.centre_id).filter(read_at__isnull=True)
    # A saved row (not an UPDATE query): whoever follows the request's changes (its deadlines) sees it.
    with transaction.atomic():
        row = unread.select_for_update().filter(pk=online_request.pk).first()
        if row is not None:
            row.read_at, row.read_by = timezone.now(), by
            row.save(update_fields=["read_at", "read_by"])
    updated = row is not None
    if updated:
        online_request.read_at, online_request.read_by = row.read_at, by
        audit_record(
            action=AuditEvent.Action.CHANGE,
            by=by,
            centre=online_request.centre,
            target=online_request,
            request=request,
            details={"read": True},
        )
    return bool(updated)


def online_request_link_dossier(
    *, online_request: OnlineRequest, dossier: Dossier, by: User, request: HttpRequest | None = None
) -> None:
    """Links the request to the dossier created (or found) for it; both belong to the same centre."""
    if online_request.centre_id != dossier.centre_id:
        raise ValueError("A request links only to a dossier of its own centre.")
    if online_request.dossier_id == dossier.pk:
        return
    online_request.dossier = dossier
    online_request.save(update_fields=["dossier"])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=by,
        centre=online_request.centre,
        target=online_request,
        request=request,
        details={"dossier": dossier.number},
    )
