"""eBox tasks. They take ids, are idempotent, and are queued once the request has committed."""

import logging
import random

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext

from . import client, services

logger = logging.getLogger(__name__)

BACKOFF_BASE = 10  # seconds before the second attempt
BACKOFF_MAX = 900
RETRY_AFTER_MAX = 3600


def retry_delay(retries: int, retry_after: float | None = None) -> float:
    """Exponential back-off with jitter; the service's Retry-After, when given, is a floor."""
    delay = min(BACKOFF_MAX, BACKOFF_BASE * 2**retries)
    delay = random.uniform(delay / 2, delay)  # noqa: S311 - jitter, not cryptography
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_MAX))
    return delay


# Retries are explicit rather than `autoretry_for`, which can not honour the service's Retry-After.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_publication(self, publication_id: int) -> str:
    """Delivers one publication. Every attempt re-uses its idempotency key, so a crash or a retry can
    never deliver it twice; after EBOX_MAX_ATTEMPTS transient failures it becomes « envoi échoué »."""
    try:
        publication = services.publication_send(publication_id=publication_id)
    except (client.EboxTransientError, DatabaseError) as exc:
        # A database hiccup is as passing as a network one: retried the same way, never left « sending ».
        if self.request.retries + 1 >= settings.EBOX_MAX_ATTEMPTS:
            reason = gettext("L'eBox ne répond pas après %(attempts)s tentatives : %(error)s") % {
                "attempts": self.request.retries + 1,
                "error": exc,
            }
            return services.publication_give_up(publication_id=publication_id, reason=reason).state
        countdown = retry_delay(self.request.retries, getattr(exc, "retry_after", None))
        logger.info("eBox publication %s: %s; retry in %.0f s", publication_id, exc, countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc
    return publication.state


@shared_task(ignore_result=True)
def sync_publication_statuses() -> dict[str, int]:
    """For beat: asks the eBox which sent documents were read."""
    counts = services.publications_sync_status()
    if counts["read"]:
        logger.info("eBox: %(read)s of %(checked)s sent publications now read", counts)
    return counts
