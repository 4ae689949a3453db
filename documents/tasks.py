"""Conversion tasks. They take ids, are idempotent, and are queued once the upload has committed.

The document's row is the queue's truth (its lease, see `selectors.conversions_due`); a message is only
a wake-up. A worker killed mid-task gives its message back (acks late, rejected on a lost worker) and
stops renewing the document's lease, so the sweep queues it again within about a minute either way.
"""

import logging

from celery import shared_task
from django.conf import settings

from . import selectors, services

logger = logging.getLogger(__name__)

# Tries of one message before the document is left waiting for the sweep (with its note, « En attente
# du convertisseur »): the sweep goes on queueing it, every CONVERSION_LEASE_SECONDS, until it converts.
MAX_RETRIES = 6


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    # The conversion has its own limits (LibreOffice's, the wait for a listener); these catch a worker
    # stuck anywhere else.
    soft_time_limit=settings.CONVERSION_TIMEOUT + settings.CONVERTER_WAIT + 60,
    time_limit=settings.CONVERSION_TIMEOUT + settings.CONVERTER_WAIT + 90,
)
def convert_document(self, document_id: int, version: int, original: str = "") -> str | None:
    """Converts one document version to PDF. A crash mid-way re-runs it: acknowledged only when done.
    `original`, the stored original's name (the upload's message; not the sweep's), lets the conversion
    start while the lease is taken."""
    retries = self.request.retries or 0
    # Only a first delivery starts converting before the lease: a retry or a message given back by a
    # lost worker may find the document held, and would keep a second listener busy for nothing.
    if retries or (self.request.delivery_info or {}).get("redelivered"):
        original = ""
    countdown = min(5 * 2**retries, 120)
    last = retries >= self.max_retries
    try:
        document = services.document_convert(
            document_id=document_id, version=version, retry_in=0 if last else countdown, original=original
        )
    except services.ConversionPostponed as postponed:
        if last:
            logger.warning("Conversion of document %s left to the sweep: %s", document_id, postponed.cause)
            return "waiting"
        raise self.retry(countdown=countdown, exc=postponed) from postponed
    return document.status if document is not None else None


@shared_task(ignore_result=True)
def requeue_stale_conversions() -> int:
    """Queues again the conversions nobody holds (a lost message, a dead worker, a broker that could not
    be reached at the upload); runs every CONVERSION_SWEEP_SECONDS."""
    count = 0
    for document_id, version in selectors.conversions_due().values_list("pk", "version"):
        if not services.document_conversion_requeue(document_id=document_id, version=version):
            continue
        try:
            convert_document.delay(document_id, version)
        except Exception:  # noqa: BLE001 - the broker is down: its lease runs out again, next sweep
            logger.warning("Could not queue the conversion of document %s", document_id, exc_info=True)
            break
        count += 1
    if count:
        logger.warning("Re-queued %s conversions nobody held", count)
    return count
