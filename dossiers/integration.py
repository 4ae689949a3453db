"""Keeping the BCSS directory of references in step with the centre's dossiers (ManageAccess).

An open dossier's beneficiary is registered for the centre from `integration_start` on; a closed dossier's
is unregistered up to the closing date. The work happens in a Celery task queued on commit
(`integration_queue`), and again from the beat sweep (`integration_sweep`) for whatever is left
« à refaire ». Whatever the outcome, the dossier itself is never touched but for its integration fields.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from primaweb.models import AuditEvent, User
from primaweb.services import audit_record

from . import bcss, bcss_access
from .models import Dossier

logger = logging.getLogger(__name__)

State = Dossier.Integration
REASON = "the BCSS integration worker acts for the dossier it was given, whichever centre holds it"


def integration_queue(*, dossier_id: int, by_id: int | None = None) -> None:
    """Queues the integration work of one dossier once the current transaction has committed; `by_id`,
    the user the BCSS is asked for (the dossier's creator or closer when not given)."""
    from . import tasks

    transaction.on_commit(lambda: tasks.sync_integration.delay(dossier_id, by_id))


def _proof(dossier: Dossier) -> bcss_access.Proof:
    person = dossier.beneficiary
    first = person.first_names.split(" ")[0] if person.first_names else ""
    return bcss_access.Proof(last_name=person.last_name, first_name=first, birth_date=person.birth_date)


def _wanted(dossier: Dossier) -> str:
    return State.UNREGISTERED if dossier.is_closed else State.INTEGRATED


def _accepted(reply: bcss_access.AccessReply, *, closing: bool, start, bce_number: str) -> bool:
    """Whether the directory now holds what was asked. A refusal may say so too: a registration
    overlapping the very inscription asked for (a reply lost earlier, the request sent again), or an
    unregistration finding no inscription at all (the registration never went through)."""
    if reply.ok != "NO":
        return True
    if closing:
        return not reply.registrations
    asked = (start.isoformat(), bce_number)
    return any((found.start_date, found.org_unit) == asked for found in reply.registrations)


def integration_sync(*, dossier_id: int, by_id: int | None = None) -> str:
    """Does what the dossier's integration needs (register or unregister); returns the state it leaves.

    The outcome is written only if the dossier did not change meanwhile (closed or reopened): otherwise the
    work is queued again for the new situation.
    """
    dossier = (
        Dossier.objects.across_centres(reason=REASON)
        .select_related("centre", "beneficiary", "created_by", "closed_by")
        .get(pk=dossier_id)
    )
    if dossier.integration_settled and dossier.integration_state == _wanted(dossier):
        return dossier.integration_state
    closing = dossier.is_closed
    start = dossier.integration_start or timezone.localdate(dossier.created_at)
    end = timezone.localdate(dossier.closed_at) if closing else None
    if end is not None and end < start:
        # Closed again before the period of a reopening began: that inscription goes altogether.
        end = None
    by = dossier.closed_by if closing else dossier.created_by
    if by_id is not None:
        by = User.objects.filter(pk=by_id).first() or by
    if closing:
        done, failed = State.UNREGISTERED, State.UNREGISTER_TO_REDO
    else:
        done, failed = State.INTEGRATED, State.TO_REDO
    error, reply = "", None
    try:
        caller = bcss.Caller(user_niss=by.niss, email=by.email, bce_number=dossier.centre.bce_number)
        call = bcss_access.unregister if closing else bcss_access.register
        ssin, proof = dossier.beneficiary.niss, _proof(dossier)
        reply = call(ssin=ssin, caller=caller, start_date=start, end_date=end, proof=proof)
    except bcss.InvalidCaller as exc:
        error = f"caller: {', '.join(exc.problems)}"
    except bcss.BcssUnavailable as exc:
        error = f"unavailable: {exc}"[:300]
    bce_number = dossier.centre.bce_number
    if reply is not None and not _accepted(reply, closing=closing, start=start, bce_number=bce_number):
        error = f"{','.join(reply.reason_codes)} {reply.error_diagnostic}".strip()[:300]
    state = failed if error else done
    written = (
        Dossier.objects.across_centres(reason=REASON)
        .filter(pk=dossier.pk, closed_at=dossier.closed_at, integration_state=dossier.integration_state)
        .update(
            integration_state=state,
            integration_error=error,
            integration_start=start,
            integration_attempted_at=timezone.now(),
        )
    )
    if not written:
        integration_queue(dossier_id=dossier.pk, by_id=by_id)
        return "changed"
    audit_record(
        action=AuditEvent.Action.BCSS_CONSULTATION,
        by=by,
        centre=dossier.centre,
        target=dossier,
        details={
            "service": "ManageAccess",
            "action": "UNREGISTER" if closing else "REGISTER",
            "period": [start.isoformat(), end.isoformat() if end else None],
            "outcome": reply.ok if reply is not None else "unavailable",
            "reason_codes": list(reply.reason_codes) if reply is not None else [],
            "error": error,
        },
    )
    if error:
        logger.info("dossier %s: BCSS integration to redo (%s)", dossier.pk, error)
    return state


def integration_sweep(*, limit: int = 200) -> int:
    """Queues again the dossiers whose integration is to redo, or pending for longer than a sweep."""
    stale = timezone.now() - timedelta(seconds=settings.BCSS_INTEGRATION_SWEEP_SECONDS)
    unsettled = (
        Dossier.objects.across_centres(reason="the beat sweep retries every centre's BCSS integrations")
        .exclude(integration_state__in=[State.INTEGRATED, State.UNREGISTERED])
        .filter(
            Q(integration_attempted_at__lt=stale)
            | Q(integration_attempted_at__isnull=True, created_at__lt=stale)
        )
        .values_list("pk", flat=True)
        .order_by("pk")[:limit]
    )
    ids = list(unsettled)
    for dossier_id in ids:
        integration_queue(dossier_id=dossier_id)
    return len(ids)
