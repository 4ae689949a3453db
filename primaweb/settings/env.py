"""Where the settings read the environment from, and the folders and addresses every settings module uses."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PRIMAWEB_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SITE_URL = os.environ.get("PRIMAWEB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Redis, when set: the Celery broker (work.py) and the cache every process shares (base.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
