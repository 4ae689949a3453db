"""Settings of the work done outside a request: the document converter, Celery's workers and beat."""

import os

from .env import REDIS_URL, VAR_DIR, env_bool
from .outside import CENTREBOX_IMPORT_SECONDS, EBOX_SWEEP_SECONDS, MUTATIONS_POLL_SECONDS

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

# Celery: Redis when REDIS_URL is set; otherwise a broker on the local disk, which needs no server yet
# lets a real worker process take the tasks.
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
    # Its folders are made when the app is ready (primaweb.folders), not when settings are read.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # A waiting worker is woken up when a message lands or a task of its own ends (primaweb.broker_files):
        # this is only the longest it sleeps without being woken (it polls every 20 ms without inotify).
        "polling_interval": 1.0,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
# Celery's Django fixup closes every database connection before and after each task unless told to reuse
# them: about 7 ms per task, a sixth of a conversion. primaweb.celery treats each task as Django treats a
# request instead (closed past CONN_MAX_AGE or when unusable, health-checked before reuse).
CELERY_DB_REUSE_MAX = 1_000_000
# A worker's slots (threads for `make run`, processes in production): twice the converter's listeners
# unless told. A conversion's slot also reads and writes the database and the files and checks the PDF,
# while its listener waits: with one slot per listener, every listener idles that long on every file of
# a burst; with two, the next file is already waiting at the converter's gate (bench/bench_upload.py).
CELERY_WORKER_CONCURRENCY = int(os.environ.get("CELERY_WORKER_CONCURRENCY", str(2 * CONVERTER_LISTENERS)))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers and beat log through the project's LOGGING (one format, UTC times), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The CPAS Online acknowledgement (cpasonline.tasks): tries before it is shown « non envoyé », how long
# one attempt may hold it, the wait for the task queued at submission, and the sweep's period.
CPASONLINE_ACKNOWLEDGEMENT_MAX_ATTEMPTS = int(os.environ.get("CPASONLINE_ACKNOWLEDGEMENT_MAX_ATTEMPTS", "8"))
CPASONLINE_ACKNOWLEDGEMENT_LEASE_SECONDS = 300
CPASONLINE_ACKNOWLEDGEMENT_QUEUE_GRACE = 120
CPASONLINE_ACKNOWLEDGEMENT_SWEEP_SECONDS = float(
    os.environ.get("CPASONLINE_ACKNOWLEDGEMENT_SWEEP_SECONDS", "300")
)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The Échéancier: its deadlines derived again from the open sources (what changed without a save), and
# the local hour from which each worker's daily summary is sent (once a day, whatever how often it runs).
DEADLINES_SWEEP_SECONDS = float(os.environ.get("DEADLINES_SWEEP_SECONDS", "3600"))
DEADLINES_DIGEST_HOUR = int(os.environ.get("DEADLINES_DIGEST_HOUR", "7"))
# How long a dossier's BCSS integration may stay pending before the beat sweep queues it again.
BCSS_INTEGRATION_SWEEP_SECONDS = float(os.environ.get("BCSS_INTEGRATION_SWEEP_SECONDS", "300"))
CELERY_BEAT_SCHEDULE = {
    "dossiers-sweep-integrations": {
        "task": "dossiers.tasks.sweep_integrations",
        "schedule": BCSS_INTEGRATION_SWEEP_SECONDS,
        "options": {"expires": BCSS_INTEGRATION_SWEEP_SECONDS},
    },
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
    "deadlines-sweep": {
        "task": "deadlines.tasks.sweep_deadlines",
        "schedule": DEADLINES_SWEEP_SECONDS,
        "options": {"expires": DEADLINES_SWEEP_SECONDS},
    },
    "deadlines-daily-summaries": {
        "task": "deadlines.tasks.send_daily_summaries",
        "schedule": 900.0,
        "options": {"expires": 900.0},
    },
    "letters-sweep-mailings": {
        "task": "letters.tasks.sweep_mailings",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "mutations-poll-register": {
        "task": "mutations.tasks.poll_all_centres",
        "schedule": MUTATIONS_POLL_SECONDS,
        "options": {"expires": MUTATIONS_POLL_SECONDS},
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
