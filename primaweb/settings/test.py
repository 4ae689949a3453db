"""The test suite: PostgreSQL when DATABASE_URL points at one (as `make test` does), SQLite otherwise."""

import os
import tempfile
import uuid

os.environ.setdefault("SECRET_KEY", "primaweb-test-only-secret-key")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# A folder of each run's own (two runs at once must not share key files or a beat schedule), named here
# and made when the app starts; the processes a run starts inherit it through the environment.
os.environ.setdefault(
    "PRIMAWEB_VAR_DIR", os.path.join(tempfile.gettempdir(), f"primaweb-test-{uuid.uuid4().hex[:12]}")
)

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# The cache of this process alone, whatever REDIS_URL says: each test empties it (tests/conftest.py), which
# must never empty a Redis another run or a developer's server shares.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks run eagerly; the walks that need a real worker start one in-process on this in-memory broker.
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_RESULT_BACKEND = "cache+memory://"

# The eBox simulator raises when it answers outside its own OpenAPI document: a test catches the bug.
EBOX_SIMULATOR_STRICT_CONTRACT = True
