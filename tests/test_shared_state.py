"""Several machines: with REDIS_URL and a bucket set, every piece of state that web and workers share is
in PostgreSQL, Redis or S3, never in one process or on one machine's disk; and one Celery beat runs."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import redis

from primaweb.beat_lock import LOCK_NAME, beat_lock_hold

# A Redis database of its own, so that the tests never touch another's keys.
TEST_REDIS_URL = os.environ.get("PRIMAWEB_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

PROBE = """
import json, django
from django.conf import settings
django.setup()
from axes.conf import settings as axes_settings
from django.core.cache import caches
print(json.dumps({
    "cache": settings.CACHES["default"],
    "cache_class": type(caches["default"]).__name__,
    "session_engine": settings.SESSION_ENGINE,
    "axes_handler": axes_settings.AXES_HANDLER,
    "broker": settings.CELERY_BROKER_URL,
    "storage": settings.STORAGES["default"],
    "beat_lock": settings.BEAT_LOCK_SECONDS,
}))
"""


def settings_of(**environment) -> dict:
    """The settings a production process reads from this environment (a process of its own)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "REDIS_", "PRIMAWEB_", "DJANGO_", "SESSION_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="primaweb.settings.production",
        SECRET_KEY="x" * 60,
        PRIMAWEB_VAR_DIR="/tmp/pw-shared-state-probe",  # noqa: S108
        **environment,
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_with_redis_and_a_bucket_every_shared_state_is_in_a_shared_store():
    found = settings_of(
        REDIS_URL="redis://redis.internal:6379/0",
        DATABASE_URL="postgres://primaweb:secret@db.internal:5432/primaweb",
        AWS_STORAGE_BUCKET_NAME="primaweb-files",
        AWS_S3_ENDPOINT_URL="https://s3.example.be",
    )

    # Rate-limit counters and eBox tokens: the cache, in Redis.
    assert found["cache"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis.internal:6379/0",
    }
    assert found["cache_class"] == "RedisCache"
    # Sessions (and the identification flows' criteria kept in them) and lock-outs: the database.
    assert found["session_engine"] == "django.contrib.sessions.backends.db"
    assert found["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"
    assert found["broker"] == "redis://redis.internal:6379/0"
    # Files: the bucket, private, never overwritten, links short-lived.
    assert found["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = found["storage"]["OPTIONS"]
    assert options["bucket_name"] == "primaweb-files"
    assert (options["default_acl"], options["file_overwrite"], options["querystring_auth"]) == (
        "private",
        False,
        True,
    )
    assert 0 < options["querystring_expire"] <= 600
    # One beat: the others wait for its lock.
    assert found["beat_lock"] > 0


def test_without_redis_the_cache_is_the_process_own_and_no_beat_lock_is_taken():
    found = settings_of()
    assert found["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["broker"] == "filesystem://"
    assert found["storage"]["BACKEND"] == "documents.durable_storage.DurableFileSystemStorage"


@pytest.fixture
def redis_db():
    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {TEST_REDIS_URL}")
    client.delete(LOCK_NAME)
    yield client
    client.delete(LOCK_NAME)


def test_a_second_beat_waits_until_the_first_is_gone(redis_db):
    stopped = []
    first_lost = beat_lock_hold(redis_url=TEST_REDIS_URL, lifetime=1.5, stop=lambda: stopped.append("first"))
    second = threading.Event()

    def start_second():
        beat_lock_hold(redis_url=TEST_REDIS_URL, lifetime=1.5, stop=lambda: stopped.append("second"))
        second.set()

    threading.Thread(target=start_second, daemon=True).start()
    # The first renews its lock: the second still waits after several lifetimes.
    assert not second.wait(4)
    # The first dies (its renewals stop, as with a killed process): the second takes over.
    first_lost.set()
    assert second.wait(5)
    assert stopped == []


def test_a_beat_that_lost_its_lock_stops(redis_db):
    stopped = threading.Event()
    beat_lock_hold(redis_url=TEST_REDIS_URL, lifetime=1.5, stop=stopped.set)
    redis_db.set(LOCK_NAME, "another beat")  # taken over while this one was cut off from Redis
    assert stopped.wait(3)
    time.sleep(0.1)
    assert redis_db.get(LOCK_NAME) == b"another beat"
