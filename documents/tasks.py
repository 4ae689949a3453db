"""Conversion tasks. They take ids, are idempotent, and are queued once the upload has committed."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from . import conversion, services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(conversion.ConverterUnavailable,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    # LibreOffice has its own limit; this one catches a worker stuck anywhere else.
    soft_time_limit=settings.CONVERSION_TIMEOUT + 30,
    time_limit=settings.CONVERSION_TIMEOUT + 60,
)
def convert_document(self, document_id: int, version: int) -> str | None:
    """Converts one document version to PDF. A crash mid-way re-runs it: acknowledged only when done."""
    try:
        document = services.document_convert(document_id=document_id, version=version)
    except conversion.ConverterUnavailable as exc:
        if self.request.retries >= self.max_retries:
            services.document_conversion_failed(
                document_id=document_id,
                version=version,
                reason=gettext("Le service de conversion ne répond pas : %(error)s") % {"error": exc},
            )
            return "failed"
        raise
    return document.status if document is not None else None


@shared_task(ignore_result=True)
def requeue_stale_conversions() -> int:
    """Queues again the conversions that should have finished long ago (a lost message, a dead worker)."""
    count = 0
    for document in services.stale_conversions(older_than=timezone.timedelta(minutes=10)):
        convert_document.delay(document.pk, document.version)
        count += 1
    if count:
        logger.warning("Re-queued %s stale conversions", count)
    return count
