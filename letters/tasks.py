"""The mass mailing's job. Its rows are the truth (letters.mailing): a task only moves them along, so a
task lost, run twice or killed mid-way loses and duplicates nothing; the sweep wakes open mailings."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import mailing

logger = logging.getLogger(__name__)

# While letters wait for their conversion or their send, the job looks again this often (seconds).
POLL_SECONDS = 1.0


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_mailing(mailing_id: int) -> bool:
    finished = mailing.mailing_step(mailing_id=mailing_id)
    # Run eagerly (the tests), a step goes to the end at once: conversions and sends ran in it.
    if not finished and not settings.CELERY_TASK_ALWAYS_EAGER:
        run_mailing.apply_async((mailing_id,), countdown=POLL_SECONDS)
    return finished


@shared_task(ignore_result=True)
def sweep_mailings() -> int:
    """For beat: wakes every mailing with a letter left untouched for a while (its task was lost)."""
    stale = mailing.mailings_stalled(before=timezone.now() - timezone.timedelta(minutes=2))
    for mailing_id in stale:
        run_mailing.delay(mailing_id)
    return len(stale)
