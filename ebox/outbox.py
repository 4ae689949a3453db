"""The publication row is the queue's truth; the broker is only a wake-up.

A pending publication carries a lease (`lease_until`): the time the broker, a scheduled retry or a worker
may hold it. When the broker did not answer at queueing, lost the message, or a worker died mid-send, the
lease runs out and the sweep (beat, every EBOX_SWEEP_SECONDS) takes the publication back:

- nothing left yet (no request sent in the current attempt) → queued again;
- the request may have left: on the API 2.1, which ignores the idempotency key, « envoi à vérifier » for a
  person to settle; on v3 queued again under the same key (the service answers 409 with the original).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from documents import services as document_services

from .failures import Failure
from .models import Publication

logger = logging.getLogger(__name__)

SWEEP_BATCH = 200


def _all():
    return Publication.objects.across_centres(reason="outbox: publications named by id or swept by beat")


def idempotent_api() -> bool:
    """True when the configured eBox API honours Idempotency-Key (v3): any retry is then safe."""
    return settings.EBOX_API_VERSION != "2.1"


def lease(seconds: float) -> timezone.datetime:
    return timezone.now() + timedelta(seconds=seconds)


def queue_unreachable_reason() -> Failure:
    return Failure("queue_unreachable")


def lost_answer_reason() -> Failure:
    return Failure("lost_answer")


def error_fields(reason: Failure | None) -> dict:
    """A publication's reason as stored: the code shown in the reader's language, the text for the logs."""
    if reason is None:
        return {"last_error": "", "failure": {}}
    return {"last_error": str(reason)[:1000], "failure": reason.as_dict()}


def publication_wake(*, publication_id: int) -> bool:
    """Asks the broker to send the publication now. Never raises: when the broker does not answer, the
    publication stays pending with its reason and the next sweep queues it again. Returns whether the
    broker took it."""
    from .tasks import send_publication

    try:
        send_publication.delay(publication_id)
    except Exception:  # kombu raises OperationalError, OSError, timeouts… all mean « not queued »
        logger.exception("eBox publication %s: could not be queued; the sweep will", publication_id)
        try:
            _all().filter(pk=publication_id, state=Publication.State.PENDING).update(
                lease_until=None, **error_fields(queue_unreachable_reason())
            )
        except DatabaseError:
            logger.exception("eBox publication %s: could not note the queueing failure", publication_id)
        return False
    return True


def publication_queue(publication: Publication) -> None:
    """Wakes a worker for `publication` once the caller's transaction commits; the row stays the truth."""
    transaction.on_commit(lambda: publication_wake(publication_id=publication.pk))


def publication_postpone(*, publication_id: int, seconds: float, reason: Failure) -> None:
    """A retry is scheduled in `seconds`: the sweep leaves the pending publication alone until then."""
    _all().filter(pk=publication_id, state=Publication.State.PENDING).update(
        lease_until=lease(seconds + settings.EBOX_QUEUE_GRACE), **error_fields(reason)
    )


def expired():
    """Pending or sending publications whose lease is over (or that never had one)."""
    return (
        _all()
        .filter(state__in=Publication.OPEN_STATES)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=timezone.now()))
    )


def may_have_left(publication: Publication) -> bool:
    """Whether a lapsed attempt of `publication` may have delivered a message."""
    return publication.state == Publication.State.SENDING and publication.body_sent_at is not None


def hold_for_check(publication: Publication, reason: Failure) -> Publication:
    """« Envoi à vérifier », in the caller's transaction (the row is locked by the caller)."""
    publication.state = Publication.State.TO_VERIFY
    publication.lease_until = None
    for name, value in error_fields(reason).items():
        setattr(publication, name, value)
    publication.save(update_fields=["state", "lease_until", "last_error", "failure"])
    document_services.document_mark_send_to_verify(document_id=publication.document_id)
    logger.warning("eBox publication %s: answer lost after sending; to verify by a person", publication.pk)
    return publication


@transaction.atomic
def _reclaim(publication_id: int) -> str:
    publication = expired().select_for_update(skip_locked=True).filter(pk=publication_id).first()
    if publication is None:
        return "busy"  # settled, renewed or being handled meanwhile
    if may_have_left(publication) and not idempotent_api():
        hold_for_check(publication, lost_answer_reason())
        return "to_verify"
    publication.state = Publication.State.PENDING
    publication.body_sent_at = None
    publication.lease_until = lease(settings.EBOX_QUEUE_GRACE)
    publication.save(update_fields=["state", "body_sent_at", "lease_until"])
    publication_queue(publication)
    return "queued"


def publications_sweep() -> dict[str, int]:
    """Takes back every publication whose lease is over; returns the counts {"queued", "to_verify"}."""
    counts = {"queued": 0, "to_verify": 0}
    for publication_id in expired().order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH]:
        outcome = _reclaim(publication_id)
        if outcome in counts:
            counts[outcome] += 1
    return counts
