"""Tasks of the centre's e-Box. Idempotent: an import re-run after a crash or a retry duplicates nothing."""

import logging

from celery import shared_task
from django.conf import settings

from ebox.backoff import retry_delay
from ebox.client import EboxTransientError
from ebox.senders import BoxUnavailable
from primaweb.models import Centre

from . import selectors, services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def import_centre_inboxes() -> int:
    """For beat: queues one import per centre, so a centre whose import fails does not hold the others."""
    centre_ids = list(selectors.centres_with_inbox().values_list("pk", flat=True))
    for centre_id in centre_ids:
        import_centre_inbox.delay(centre_id)
    return len(centre_ids)


# A few retries only: the next beat run starts again from the cursor anyway.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def import_centre_inbox(self, centre_id: int) -> dict[str, int]:
    centre = Centre.objects.get(pk=centre_id)
    try:
        return services.inbox_import(centre=centre)
    except BoxUnavailable as exc:
        # A set-up to complete, not a passing failure: the next beat run tries again, no retries before.
        logger.info("Centre e-Box %s not imported: %s", centre_id, exc)
        return {"seen": 0, "created": 0, "linked": 0}
    except EboxTransientError as exc:
        countdown = retry_delay(self.request.retries, exc.retry_after)
        logger.info("Centre e-Box %s: %s; retry in %.0f s", centre_id, exc, countdown)
        raise self.retry(exc=exc, countdown=countdown, max_retries=settings.CENTREBOX_IMPORT_RETRIES) from exc
