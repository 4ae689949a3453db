"""Settings shared by every environment.

Every deployment value comes from the environment with a safe default: with no variables at all Primaweb
runs on SQLite, keeps files on the local disk and uses a Celery broker that needs no server.

Django's own settings are here; those of the outside services (and of CPAS Online's public side) are in
`outside.py`, those of the workers, beat and the converter in `work.py`, both imported at the end. A
folder a setting names is made by the code that writes into it (`primaweb.folders`), never here.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, REDIS_URL, VAR_DIR, env_bool, env_list

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "primaweb.apps.PrimawebAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "primaweb",
    "dossiers",
    "documents",
    "ebox",
    "centrebox",
    "cpasonline",
    "mutations",
    "deadlines",
    "letters",
]

# The stand-ins for the federal services: on in development and tests, off in production. They share
# nothing with the apps but HTTP: pointing the URLs below at the real services needs no code change.
SIMULATORS_ENABLED = env_bool("PRIMAWEB_SIMULATORS", True)
if SIMULATORS_ENABLED:
    INSTALLED_APPS += ["simulators.bcss", "simulators.ebox"]
# The sign-in page lists the demo accounts (seed_demo) while the simulators are on in development, so
# that a newcomer can sign in; production.py turns it off whatever the environment says.
SHOW_DEMO_LOGINS = env_bool("PRIMAWEB_SHOW_DEMO_LOGINS", DEBUG and SIMULATORS_ENABLED)

# The release shown in every page's footer: the installed package's version, unless the deployment names
# its own build (PRIMAWEB_VERSION, e.g. a git tag).
PRIMAWEB_VERSION = os.environ.get("PRIMAWEB_VERSION", "").strip()

# Over-size bodies are cut off before they are read whole: 1.5 MB of file plus the form around it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "documents.upload_handlers.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above XFrameOptionsMiddleware, whose header decides the policy's frame-ancestors.
    "primaweb.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "primaweb.tenancy.CurrentCentreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "primaweb.urls"
WSGI_APPLICATION = "primaweb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "primaweb.context_processors.primaweb",
            ],
        },
    },
]

# Connections are kept between requests (opening one to PostgreSQL costs about 10 ms, as much as a whole
# page), checked before each reuse so that a restarted server costs one reconnection, not an error page.
# Measured in docs/deployment.md; DATABASE_CONN_MAX_AGE=0 closes each connection after its request.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'primaweb.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server and a worker write to the same file: wait for the lock rather than fail at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "primaweb.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out address never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    # Production sign-in goes through the federal CSAM: an OIDC backend is added here by configuration.
    *env_list("PRIMAWEB_EXTRA_AUTH_BACKENDS"),
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = os.environ.get("PRIMAWEB_LOGIN_URL", "login")
LOGIN_REDIRECT_URL = "primaweb:choose_centre"
LOGOUT_REDIRECT_URL = "login"
# Argon2id at OWASP's parameters (primaweb/hashers.py); older PBKDF2 hashes still check and are upgraded.
PASSWORD_HASHERS = [
    "primaweb.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock-out after repeated failures, by user name and address together, so that one person mistyping
# cannot lock a whole office sharing one public address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies stand in front of Primaweb, each appending to X-Forwarded-For: the client is
# that many entries from the right. One setting for the lock-out, the public rate limits and the audit
# trail (`primaweb.network.client_address`). AXES_PROXY_COUNT is its former name.
_trusted_proxies = os.environ.get("PRIMAWEB_TRUSTED_PROXIES") or os.environ.get("AXES_PROXY_COUNT") or "0"
if not _trusted_proxies.strip().isdigit():
    raise ImproperlyConfigured("PRIMAWEB_TRUSTED_PROXIES must be a whole number, 0 or more.")
PRIMAWEB_TRUSTED_PROXIES = int(_trusted_proxies)
# The lock-out counts an IPv6 client by its /64, as the rate limits do; the audit trail keeps the address.
AXES_CLIENT_IP_CALLABLE = "primaweb.network.lockout_address"

# How many « Ajouter une personne existante » look-ups an administrator may make in an hour: enough to
# add a team, too few to sift the platform's NISS or e-mail addresses.
EXISTING_PERSON_LOOKUP_LIMIT = int(os.environ.get("PRIMAWEB_EXISTING_PERSON_LOOKUP_LIMIT", "10"))
# How long an invitation's link opens: long enough for a week's leave, short enough to not lie around.
INVITATION_DAYS = int(os.environ.get("PRIMAWEB_INVITATION_DAYS", "7"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy of every page (primaweb.headers): scripts and styles only from our own static
# files, never inline, so that injected markup can neither run nor restyle anything. frame-ancestors
# follows X-Frame-Options. A response that sets its own policy (the PDFs) keeps it.
PRIMAWEB_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
}
# No page needs a camera, a microphone, the position or a payment: refuse them to every frame.
PRIMAWEB_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("nl", _("Nederlands")), ("de", _("Deutsch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Files: the local disk by default; S3-compatible storage when a bucket is configured.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            # The application serves every file itself; a signed URL (the administration's, a script's)
            # is valid this many seconds only.
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300")),
            "file_overwrite": False,
        },
    }
else:
    _file_storage = {"BACKEND": "documents.durable_storage.DurableFileSystemStorage"}
STORAGES = {
    "default": _file_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "primaweb@localhost")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "primaweb": {
            "()": "primaweb.logformat.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "primaweb"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own defaults print its records a second time (its « console » handler, in debug) and the
    # development server's lines in local time: every record goes to the one handler above instead.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
AXES_VERBOSE = False

# What several web and worker machines must share lives in PostgreSQL or Redis, never in a process or on
# a local disk (docs/deployment.md, « Several machines »): sessions (and the flows' saved criteria in
# them) and the sign-in lock-outs in the database; the cache (rate limits, eBox tokens) in Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

from .outside import *  # noqa: E402,F403
from .work import *  # noqa: E402,F403

CELERY_TIMEZONE = TIME_ZONE
