"""Settings shared by every environment.

Every deployment value comes from the environment with a safe default: with no variables at all Primaweb
runs on SQLite, keeps files on the local disk and uses a Celery broker that needs no server.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PRIMAWEB_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


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

# BCSS (Banque Carrefour de la Sécurité Sociale), IdentifyPerson over SOAP.
SITE_URL = os.environ.get("PRIMAWEB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
BCSS_URL = os.environ.get(
    "BCSS_URL", f"{SITE_URL}/simulators/bcss/connectors/webservice/KSZBCSSWebServiceConnectorPort"
)
BCSS_TIMEOUT = float(os.environ.get("BCSS_TIMEOUT", "10"))

# eBox (REST API 2.1): OAuth2 client credentials for a bearer token, then the publication API. The client
# proves itself with a JWT signed by its certificate's key (private_key_jwt): key and certificate as PEM
# text (EBOX_PRIVATE_KEY, EBOX_CERTIFICATE) or as files; `make run` generates a demo pair in var/ebox/.
EBOX_API_URL = os.environ.get("EBOX_API_URL", f"{SITE_URL}/simulators/ebox/api/publication/v2.1").rstrip("/")
EBOX_TOKEN_URL = os.environ.get("EBOX_TOKEN_URL", f"{SITE_URL}/simulators/ebox/oauth2/token")
# The `aud` of the signed assertion: https://oauth.socialsecurity.be in production; empty: the token URL.
EBOX_TOKEN_AUDIENCE = os.environ.get("EBOX_TOKEN_AUDIENCE", "")
EBOX_CLIENT_ID = os.environ.get("EBOX_CLIENT_ID", "primaweb")
EBOX_PRIVATE_KEY = os.environ.get("EBOX_PRIVATE_KEY", "")
EBOX_PRIVATE_KEY_FILE = os.environ.get("EBOX_PRIVATE_KEY_FILE", str(VAR_DIR / "ebox" / "client-key.pem"))
EBOX_CERTIFICATE = os.environ.get("EBOX_CERTIFICATE", "")
EBOX_CERTIFICATE_FILE = os.environ.get("EBOX_CERTIFICATE_FILE", str(VAR_DIR / "ebox" / "client-cert.pem"))
# Whether the platform's client (above) is a declared mandatary of the centres, and may publish for a
# centre that has no eBox credentials of its own.
EBOX_PLATFORM_MANDATARY = env_bool("EBOX_PLATFORM_MANDATARY", True)
# The BCE number of the organisation the platform's certificate belongs to. The consultation API opens the
# e-Box of the credentials' organisation: the platform's client reads a centre's own e-Box only when it is
# that centre's (a one-centre deployment); being a mandatary lets it publish for a centre, not read it.
EBOX_PLATFORM_BCE = os.environ.get("EBOX_PLATFORM_BCE", "").strip()
EBOX_SCOPE = os.environ.get(
    "EBOX_SCOPE", "scope:document:management:consult:ws-eboxrestentreprise:publicationsender"
)
# The federation API: whether a citizen has an eBox, asked before publishing.
EBOX_FEDERATION_URL = os.environ.get(
    "EBOX_FEDERATION_URL", f"{SITE_URL}/simulators/ebox/api/federation/v1"
).rstrip("/")
EBOX_FEDERATION_SCOPE = os.environ.get(
    "EBOX_FEDERATION_SCOPE", "scope:documentmanagement:ebox:enterprise:federation-rest:preference"
)
EBOX_TIMEOUT = float(os.environ.get("EBOX_TIMEOUT", "15"))
EBOX_MAX_ATTEMPTS = int(os.environ.get("EBOX_MAX_ATTEMPTS", "6"))
# "2.1" ignores Idempotency-Key: a send whose answer was lost after the body left is not sent again by
# itself but becomes « envoi à vérifier ». "3" honours the key: such sends are retried automatically.
# The release shown in every page's footer: the installed package's version, unless the deployment names
# its own build (PRIMAWEB_VERSION, e.g. a git tag).
PRIMAWEB_VERSION = os.environ.get("PRIMAWEB_VERSION", "").strip()

EBOX_API_VERSION = os.environ.get("EBOX_API_VERSION", "2.1").strip()
if EBOX_API_VERSION not in ("2.1", "3"):
    raise ImproperlyConfigured(f"EBOX_API_VERSION must be 2.1 or 3, not {EBOX_API_VERSION!r}")
# A worker holds a publication it sends for this long (more than one attempt can take: the token, a
# renewed token and the publication, each bounded by EBOX_TIMEOUT); once it is over, the sweep (every
# EBOX_SWEEP_SECONDS) takes the publication back. A publication queued and not taken by a worker within
# EBOX_QUEUE_GRACE seconds is queued again: the row, not the broker, is the queue's truth.
EBOX_LEASE_SECONDS = int(os.environ.get("EBOX_LEASE_SECONDS", str(int(4 * EBOX_TIMEOUT) + 30)))
EBOX_QUEUE_GRACE = int(os.environ.get("EBOX_QUEUE_GRACE", "60"))
EBOX_SWEEP_SECONDS = float(os.environ.get("EBOX_SWEEP_SECONDS", "30"))
# The centre's own (enterprise) e-Box: the consultation API, same token; imported every N seconds.
EBOX_CONSULT_URL = os.environ.get(
    "EBOX_CONSULT_URL", f"{SITE_URL}/simulators/ebox/api/consultation/v2.1"
).rstrip("/")
CENTREBOX_IMPORT_SECONDS = float(os.environ.get("CENTREBOX_IMPORT_SECONDS", "300"))
CENTREBOX_IMPORT_RETRIES = int(os.environ.get("CENTREBOX_IMPORT_RETRIES", "3"))

# CPAS Online: the citizen's federal sign-in (FAS / CSAM, OpenID Connect). Off unless these are set: the
# citizen then types their identity. The simulated sign-in (a NISS of the simulated register) exists only
# while the simulators are on.
# The centre (BCE number) whose technical BCSS user CPAS Online consults the register as; empty: the
# first centre that has one (Administration > C.P.A.S.).
CPAS_ONLINE_BCSS_CENTRE = os.environ.get("CPAS_ONLINE_BCSS_CENTRE", "")
CPAS_ONLINE_OIDC_AUTHORIZATION_URL = os.environ.get("CPAS_ONLINE_OIDC_AUTHORIZATION_URL", "")
CPAS_ONLINE_OIDC_TOKEN_URL = os.environ.get("CPAS_ONLINE_OIDC_TOKEN_URL", "")
CPAS_ONLINE_OIDC_USERINFO_URL = os.environ.get("CPAS_ONLINE_OIDC_USERINFO_URL", "")
CPAS_ONLINE_OIDC_CLIENT_ID = os.environ.get("CPAS_ONLINE_OIDC_CLIENT_ID", "")
CPAS_ONLINE_OIDC_CLIENT_SECRET = os.environ.get("CPAS_ONLINE_OIDC_CLIENT_SECRET", "")
CPAS_ONLINE_OIDC_SCOPE = os.environ.get("CPAS_ONLINE_OIDC_SCOPE", "openid profile egovnrn")
# The userinfo claim that carries the national register number (FAS: "egovNRN").
CPAS_ONLINE_OIDC_NISS_CLAIM = os.environ.get("CPAS_ONLINE_OIDC_NISS_CLAIM", "egovNRN")
CPAS_ONLINE_OIDC_TIMEOUT = float(os.environ.get("CPAS_ONLINE_OIDC_TIMEOUT", "10"))

# Documents: the LibreOffice listener (unoserver) that converts uploads to PDF, and its limits.
CONVERTER_URL = os.environ.get("PRIMAWEB_CONVERTER_URL", "http://127.0.0.1:2003").rstrip("/")
# Shared by the converter's gate and its clients; required when the converter listens beyond the loopback.
CONVERTER_SECRET = os.environ.get("PRIMAWEB_CONVERTER_SECRET", "")
CONVERSION_TIMEOUT = float(os.environ.get("PRIMAWEB_CONVERSION_TIMEOUT", "60"))
# LibreOffice listeners run by `manage.py run_converter`, one conversion each at a time: one per core.
CONVERTER_LISTENERS = int(os.environ.get("PRIMAWEB_CONVERTER_LISTENERS", "2"))
# How long the converter's gate waits for a free (or restarted) listener before it says « try later ».
CONVERTER_WAIT = float(os.environ.get("PRIMAWEB_CONVERTER_WAIT", "30"))
# A file that exceeds the time limit, or crashes LibreOffice, this many times is refused for it.
CONVERSION_MAX_TIMEOUTS = int(os.environ.get("PRIMAWEB_CONVERSION_MAX_TIMEOUTS", "2"))
CONVERSION_MAX_CRASHES = int(os.environ.get("PRIMAWEB_CONVERSION_MAX_CRASHES", "2"))
# A failure nobody recognises is tried this many times, then shown as failed (« Réessayer »).
CONVERSION_MAX_UNKNOWN = int(os.environ.get("PRIMAWEB_CONVERSION_MAX_UNKNOWN", "3"))
# A conversion holds its document for this long, renewed while it runs; a lease that runs out means
# the worker died, and the sweep (every CONVERSION_SWEEP_SECONDS) queues the document again.
CONVERSION_LEASE_SECONDS = float(os.environ.get("PRIMAWEB_CONVERSION_LEASE_SECONDS", "60"))
CONVERSION_SWEEP_SECONDS = float(os.environ.get("PRIMAWEB_CONVERSION_SWEEP_SECONDS", "30"))
# Free space under which `manage.py health` turns red (and uploads are refused before they fill it).
STORAGE_MIN_FREE_BYTES = int(os.environ.get("PRIMAWEB_STORAGE_MIN_FREE_BYTES", str(200 * 1024 * 1024)))
# The address space LibreOffice may take, in MiB: one hostile file fails alone instead of taking the
# machine (it idles at about 400 MiB of address space; 0 means no limit).
CONVERTER_MEMORY_LIMIT = int(os.environ.get("PRIMAWEB_CONVERTER_MEMORY_LIMIT", "1536"))
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
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
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
    _file_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
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

# Celery: Redis when REDIS_URL is set; otherwise a broker on the local disk, which needs no server yet
# lets a real worker process take the tasks.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task not acknowledged within this time goes to another worker: it must exceed the longest
    # countdown of a retry (the eBox honours a Retry-After of up to an hour), or a waiting task would be
    # delivered twice. A killed worker's conversion does not wait for it: its lease runs out within
    # CONVERSION_LEASE_SECONDS and the sweep queues it again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    for _folder in ("queue", "control", "processed"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # kombu polls the folder once a second by default: a second added to every upload's conversion.
        # Every 20 ms, a listing of an almost empty folder by one process, adds 10 ms on average.
        "polling_interval": 0.02,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
# Celery's Django fixup closes every database connection before and after each task unless told to reuse
# them: about 7 ms per task, a sixth of a conversion. primaweb.celery treats each task as Django treats a
# request instead (closed past CONN_MAX_AGE or when unusable, health-checked before reuse).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers and beat log through the project's LOGGING (one format, UTC times), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# The CPAS Online acknowledgement (cpasonline.tasks): tries before it is shown « non envoyé », how long
# one attempt may hold it, the wait for the task queued at submission, and the sweep's period.
CPASONLINE_ACKNOWLEDGEMENT_MAX_ATTEMPTS = int(os.environ.get("CPASONLINE_ACKNOWLEDGEMENT_MAX_ATTEMPTS", "8"))
CPASONLINE_ACKNOWLEDGEMENT_LEASE_SECONDS = 300
CPASONLINE_ACKNOWLEDGEMENT_QUEUE_GRACE = 120
CPASONLINE_ACKNOWLEDGEMENT_SWEEP_SECONDS = float(
    os.environ.get("CPASONLINE_ACKNOWLEDGEMENT_SWEEP_SECONDS", "300")
)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "primaweb-clean-expired-sessions": {
        "task": "primaweb.tasks.clear_expired_sessions",
        "schedule": 3600.0,
    },
    "documents-requeue-stale-conversions": {
        "task": "documents.tasks.requeue_stale_conversions",
        "schedule": CONVERSION_SWEEP_SECONDS,
    },
    "ebox-sweep-publications": {
        "task": "ebox.tasks.sweep_publications",
        "schedule": EBOX_SWEEP_SECONDS,
        # A sweep that could not run in time is superseded by the next one.
        "options": {"expires": EBOX_SWEEP_SECONDS},
    },
    "ebox-sync-publication-statuses": {
        "task": "ebox.tasks.sync_publication_statuses",
        "schedule": float(os.environ.get("EBOX_SYNC_SECONDS", "120")),
    },
    "cpasonline-requeue-acknowledgements": {
        "task": "cpasonline.tasks.requeue_acknowledgements",
        "schedule": CPASONLINE_ACKNOWLEDGEMENT_SWEEP_SECONDS,
        "options": {"expires": CPASONLINE_ACKNOWLEDGEMENT_SWEEP_SECONDS},
    },
    "letters-sweep-mailings": {
        "task": "letters.tasks.sweep_mailings",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "centrebox-import-centre-inboxes": {
        "task": "centrebox.tasks.import_centre_inboxes",
        "schedule": CENTREBOX_IMPORT_SECONDS,
    },
}

# Several beats (one per machine, for availability) take turns through a lock in Redis: one runs, the
# others wait for it (primaweb.beat_lock); it is taken over this many seconds after its holder died.
# 0 turns the lock off (one machine, or a beat that is certainly alone).
BEAT_LOCK_SECONDS = float(os.environ.get("PRIMAWEB_BEAT_LOCK_SECONDS", "60"))

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
