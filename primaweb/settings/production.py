"""Production: everything comes from the environment; refuses to start without a secret key."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("PRIMAWEB_SIMULATORS", "false")

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from .base import *  # noqa: E402,F403
from .base import env_bool  # noqa: E402

if len(SECRET_KEY) < 50:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")

SHOW_DEMO_LOGINS = False  # the demo accounts' password is public

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-primaweb-session"
CSRF_COOKIE_NAME = "__Host-primaweb-csrf"
