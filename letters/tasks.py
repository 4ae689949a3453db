"""The mass mailing's job. Its rows are the truth (letters.mailing): a task only moves them along, so a
task lost, run twice or killed mid-way loses and duplicates nothing; the sweep wakes open mailings."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import mailing

logger = logging.getLogger(__name__)

# While letters wait for their conversion or their send, the job looks again this often (seconds).
POLL_SECONDS = 1.0


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_mailing(mailing_id: int) -> bool:
    """One step of the mailing, then the next queued once this one's work (conversions, sends) is."""
    finished, moved = mailing.mailing_step(mailing_id=mailing_id)
    # Run eagerly, the conversions and sends this step queued run before the next step, which then
    # finds them done; a step that moved nothing would only wait, which eager tasks can not.
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    if not finished and (moved or not eager):
        transaction.on_commit(lambda: run_mailing.apply_async((mailing_id,), countdown=POLL_SECONDS))
    return finished


@shared_task(ignore_result=True)
def sweep_mailings() -> int:
    """For beat: wakes every mailing with a letter left untouched for a while (its task was lost)."""
    stale = mailing.mailings_stalled(before=timezone.now() - timezone.timedelta(minutes=2))
    for mailing_id in stale:
        run_mailing.delay(mailing_id)
    return len(stale)
