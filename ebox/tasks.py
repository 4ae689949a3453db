"""eBox tasks. They take ids, are idempotent, and are queued once the request has committed."""

import contextlib
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from . import client, delivery, outbox, read_status
from .backoff import retry_delay
from .failures import Failure

logger = logging.getLogger(__name__)


# Retries are explicit rather than `autoretry_for`, which can not honour the service's Retry-After.
# acks_late + reject_on_worker_lost: a worker killed mid-send gives the message back to the broker; the
# publication's lease decides what the re-run may do (ebox.outbox).
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_publication(self, publication_id: int, outcome: dict | None = None) -> str:
    """Delivers one publication. Retries only what can not duplicate a message (see ebox.delivery);
    after EBOX_MAX_ATTEMPTS transient failures it becomes « envoi échoué »."""
    try:
        if outcome is not None:
            publication = delivery.publication_record_outcome(publication_id=publication_id, outcome=outcome)
        else:
            publication = delivery.publication_send(publication_id=publication_id)
    except delivery.OutcomeNotRecorded as exc:
        # The eBox answered; only writing it failed. Write it again later, never send again. If that
        # keeps failing, the lease lapses and the sweep leaves the publication « à vérifier ».
        if self.request.retries + 1 >= settings.EBOX_MAX_ATTEMPTS:
            logger.error("eBox publication %s: answer could not be recorded", publication_id)
            return "unrecorded"
        countdown = retry_delay(self.request.retries)
        raise self.retry(kwargs={"outcome": exc.outcome}, countdown=countdown) from exc
    except (client.EboxTransientError, DatabaseError) as exc:
        # A database hiccup is as passing as a network one: retried the same way.
        if self.request.retries + 1 >= settings.EBOX_MAX_ATTEMPTS:
            reason = Failure("ebox_silent", {"attempts": self.request.retries + 1, "error": str(exc)})
            return delivery.publication_give_up(publication_id=publication_id, reason=reason).state
        countdown = retry_delay(self.request.retries, getattr(exc, "retry_after", None))
        logger.info("eBox publication %s: %s; retry in %.0f s", publication_id, exc, countdown)
        _postpone(publication_id, countdown, exc)
        raise self.retry(exc=exc, countdown=countdown) from exc
    return publication.state


def _postpone(publication_id: int, countdown: float, exc: Exception) -> None:
    moment = timezone.localtime(timezone.now() + timedelta(seconds=countdown))
    reason = Failure("ebox_retry_at", {"error": str(exc), "time": moment.strftime("%H:%M")})
    # If the database fails here, the sweep may queue it earlier: a spare wake-up, harmless.
    with contextlib.suppress(DatabaseError):
        outbox.publication_postpone(publication_id=publication_id, seconds=countdown, reason=reason)


@shared_task(ignore_result=True, acks_late=False)
def sweep_publications() -> dict[str, int]:
    """For beat: takes back the publications whose task was never queued, got lost, or whose worker died."""
    counts = outbox.publications_sweep()
    if any(counts.values()):
        logger.info("eBox sweep: %(queued)s queued again, %(to_verify)s to verify", counts)
    return counts


@shared_task(ignore_result=True)
def sync_publication_statuses() -> dict[str, int]:
    """For beat: asks the eBox which sent documents were read."""
    counts = read_status.publications_sync_status()
    if counts["read"]:
        logger.info("eBox: %(read)s of %(checked)s sent publications now read", counts)
    return counts
