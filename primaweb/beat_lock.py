"""One Celery beat at a time across machines: the beat holds a lock in Redis while it runs.

Beat is the one role that must not be doubled (two beats queue every periodic task twice). Start one on
each of two machines for availability: the second waits for the lock, and takes over within
BEAT_LOCK_SECONDS of the first one's death. A beat that loses its lock (Redis unreachable longer than the
lock lives, or taken over) stops, so that two never run together; its supervisor starts it again, and it
waits.
"""

import logging
import os
import signal
import socket
import threading

import redis

logger = logging.getLogger(__name__)

LOCK_NAME = "primaweb:celery-beat"


def beat_lock_hold(*, redis_url: str, lifetime: float, stop=None) -> threading.Event:
    """Blocks until this process holds the beat lock, then renews it every third of `lifetime` seconds
    from a daemon thread. Returns an event set once the lock is lost; by default losing it also sends
    this process SIGTERM (`stop` replaces that, for a caller that stops otherwise)."""
    client = redis.Redis.from_url(redis_url)
    lock = client.lock(LOCK_NAME, timeout=lifetime, thread_local=False)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    waited = False
    while not lock.acquire(blocking=True, blocking_timeout=lifetime / 3):
        if not waited:
            logger.warning("Another Celery beat holds the lock %s; %s waits to take over", LOCK_NAME, owner)
            waited = True
    logger.warning("Celery beat %s holds the lock %s", owner, LOCK_NAME)
    lost = threading.Event()
    stop = stop or (lambda: os.kill(os.getpid(), signal.SIGTERM))

    def renew() -> None:
        while not lost.wait(lifetime / 3):
            try:
                if not lock.reacquire():
                    raise redis.exceptions.LockError("not renewed")
            except redis.exceptions.RedisError:
                logger.exception("Celery beat %s lost the lock %s: stopping", owner, LOCK_NAME)
                lost.set()
                stop()

    threading.Thread(target=renew, name="beat-lock", daemon=True).start()
    return lost
