"""The acknowledgement of a CPAS Online request, sent outside the citizen's request.

The request's row is the outbox (`acknowledgement_lease_until`, `acknowledged_at`): the task is a
wake-up queued once the request is stored, retried when the mail server fails; the sweep queues again
what a lost message or a dead worker left owed.
"""

import logging

from celery import shared_task
from django.conf import settings

from . import selectors, services

logger = logging.getLogger(__name__)


def retry_delay(retries: int) -> float:
    return min(30 * 2**retries, 1800)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_acknowledgement(self, request_id: int) -> None:
    retries = self.request.retries or 0
    try:
        services.acknowledgement_send(request_id=request_id, retry_in=retry_delay(retries))
    except services.AcknowledgementNotSent as exc:
        if retries + 1 >= settings.CPASONLINE_ACKNOWLEDGEMENT_MAX_ATTEMPTS:
            logger.error("CPAS Online: acknowledgement of request %s given up: %s", request_id, exc)
            return
        # Just after the lease the failure set, so that the retry finds it free.
        raise self.retry(countdown=exc.retry_in + 1, exc=exc) from exc


@shared_task(ignore_result=True)
def requeue_acknowledgements() -> int:
    """Queues again the acknowledgements owed that nobody holds; runs every few minutes."""
    count = 0
    for request_id in selectors.acknowledgements_due().values_list("pk", flat=True)[:200]:
        if services.acknowledgement_requeue(request_id=request_id) and services.acknowledgement_queue(
            request_id=request_id
        ):
            count += 1
    if count:
        logger.warning("CPAS Online: re-queued %s acknowledgements nobody held", count)
    return count
