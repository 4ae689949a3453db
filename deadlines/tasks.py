"""The Échéancier's periodic work: derive again the open sources' deadlines, send the daily summaries."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from primaweb.models import Centre

from . import digest, services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sweep_deadlines() -> int:
    """Every centre's open sources derived again (changes made without a save, rows from before)."""
    count = 0
    for centre in Centre.objects.all():
        with transaction.atomic():
            count += services.deadlines_sweep(centre=centre)
    return count


@shared_task(ignore_result=True)
def send_daily_summaries() -> int:
    """Queues today's summaries still owed, once the morning's hour has come; runs every hour or so."""
    now = timezone.localtime()
    if now.hour < settings.DEADLINES_DIGEST_HOUR:
        return 0
    today = now.date()
    ids = list(digest.digests_due(today=today))
    for preference_id in ids:
        transaction.on_commit(lambda pk=preference_id: send_daily_summary.delay(pk, today.isoformat()))
    return len(ids)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=5)
def send_daily_summary(self, preference_id: int, day: str) -> None:
    from datetime import date

    try:
        digest.digest_send(preference_id=preference_id, today=date.fromisoformat(day))
    except OSError as exc:
        raise self.retry(countdown=600, exc=exc) from exc
