import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.dev")

app = Celery("primaweb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task works for no request, hence for no chosen centre: tenancy is enforced for its whole run, so a
# task's reads say which centre they serve, or that they span centres on purpose (primaweb.tenancy).
_tenancy_tokens = {}


@signals.task_prerun.connect(weak=False, dispatch_uid="primaweb_tenancy_task_prerun")
def _enforce_tenancy(task_id=None, **kwargs):
    from .tenancy import _enforced

    # A list: an eager retry runs the same task id again inside the first run.
    _tenancy_tokens.setdefault(task_id, []).append(_enforced.set(True))


@signals.task_postrun.connect(weak=False, dispatch_uid="primaweb_tenancy_task_postrun")
def _release_tenancy(task_id=None, **kwargs):
    from .tenancy import _enforced

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
