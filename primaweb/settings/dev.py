"""The embedded default for a developer's machine: `make run`."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "primaweb-development-only-secret-key-not-for-production")

from .base import *  # noqa: E402,F403
