"""Polling the register for each centre's mutations, on beat; retried with back-off when it is down."""

import logging

from celery import shared_task
from django.db import transaction

from primaweb.models import Centre

from . import register, services

logger = logging.getLogger(__name__)
MAX_RETRIES = 6


def retry_delay(retries: int) -> float:
    return min(30 * 2**retries, 1800)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=MAX_RETRIES
)
def poll_centre(self, centre_id: int) -> int:
    """Stores the centre's new mutations; safe to run twice (the cursor and the constraint see to it)."""
    centre = Centre.objects.get(pk=centre_id)
    retries = self.request.retries or 0
    try:
        result = services.mutations_poll(centre=centre)
    except register.RegisterUnavailable as exc:
        if retries >= MAX_RETRIES:
            logger.error("Mutations: the register is still down for centre %s: %s", centre_id, exc)
            return 0
        raise self.retry(countdown=retry_delay(retries), exc=exc) from exc
    if result.more:  # more than one poll's worth waits: go on at once
        transaction.on_commit(lambda: poll_centre.delay(centre_id))
    return result.stored


@shared_task(ignore_result=True)
def poll_all_centres() -> int:
    """Beat: one poll per centre that has a BCE number (the organisation the register knows)."""
    centre_ids = list(Centre.objects.exclude(bce_number="").values_list("pk", flat=True))
    for centre_id in centre_ids:
        poll_centre.delay(centre_id)
    return len(centre_ids)
