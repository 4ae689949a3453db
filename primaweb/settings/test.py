"""The test suite: PostgreSQL when DATABASE_URL points at one (as `make test` does), SQLite otherwise."""

import os

os.environ.setdefault("SECRET_KEY", "primaweb-test-only-secret-key")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("PRIMAWEB_VAR_DIR", "/tmp/primaweb-test-var")  # noqa: S108

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# Tasks run eagerly; the walks that need a real worker start one in-process on this in-memory broker.
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_RESULT_BACKEND = "cache+memory://"

# The eBox simulator raises when it answers outside its own OpenAPI document: a test catches the bug.
EBOX_SIMULATOR_STRICT_CONTRACT = True
