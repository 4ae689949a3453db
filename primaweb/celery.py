import os

from celery import Celery, signals
from kombu.transport import TRANSPORT_ALIASES

# The broker in files of the embedded default ("filesystem://") writes each message whole (broker_files).
TRANSPORT_ALIASES["filesystem"] = "primaweb.broker_files:Transport"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.dev")

app = Celery("primaweb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task works for no request, hence for no chosen centre: tenancy is enforced for its whole run, so a
# task's reads say which centre they serve, or that they span centres on purpose (primaweb.tenancy).
_tenancy_tokens = {}


@signals.task_prerun.connect(weak=False, dispatch_uid="primaweb_tenancy_task_prerun")
def _enforce_tenancy(task_id=None, **kwargs):
    from .tenancy.scope import _enforced

    # A list: an eager retry runs the same task id again inside the first run.
    _tenancy_tokens.setdefault(task_id, []).append(_enforced.set(True))


@signals.task_prerun.connect(weak=False, dispatch_uid="primaweb_database_task_prerun")
@signals.task_postrun.connect(weak=False, dispatch_uid="primaweb_database_task_postrun")
def _recycle_database_connections(task=None, **kwargs):
    """Around each task, what Django does around each request: a connection past CONN_MAX_AGE, or broken,
    is closed; the others are kept, health-checked before their next use (CONN_HEALTH_CHECKS). Celery's
    own fixup, which would close them all, is told to reuse them (CELERY_DB_REUSE_MAX). An eager task
    runs inside its caller's request and transaction: its connection is the caller's to manage."""
    if task is None or getattr(task.request, "is_eager", False):
        return
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


@signals.task_postrun.connect(weak=False, dispatch_uid="primaweb_tenancy_task_postrun")
def _release_tenancy(task_id=None, **kwargs):
    from .tenancy.scope import _enforced

    tokens = _tenancy_tokens.get(task_id)
    if tokens:
        _enforced.reset(tokens.pop())
        if not tokens:
            del _tenancy_tokens[task_id]


@signals.beat_init.connect(weak=False, dispatch_uid="primaweb_single_beat")
def _hold_beat_lock(sender=None, **kwargs):
    """With Redis (several machines), a beat runs only while it holds the lock (primaweb.beat_lock)."""
    from django.conf import settings

    if settings.REDIS_URL and settings.BEAT_LOCK_SECONDS:
        from .beat_lock import beat_lock_hold

        beat_lock_hold(redis_url=settings.REDIS_URL, lifetime=settings.BEAT_LOCK_SECONDS)
