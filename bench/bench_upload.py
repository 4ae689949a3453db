"""Upload to « Document enregistré », end to end, with a real Celery worker and the warm converter, against
the converter's own time for the same files.

Starts the converter as `manage.py run_converter` does (`running_converter()`: a pool of
PRIMAWEB_CONVERTER_LISTENERS listeners behind the gate), then a worker (`celery -A primaweb worker`, a
process of its own with the settings of `make run`, sharing the throw-away PostgreSQL database, the files
and the broker with this process): with the pool of the Procfile on the broker in files of `make run`, with
production's prefork pool on Redis, each with the slots the settings give (CELERY_WORKER_CONCURRENCY).
It times DOCX uploads through `documents.services.document_upload()`, from the call until the document
is « Document enregistré » (a notification of the database says so when it commits), each measure
interleaved with the same files converted directly by the converter (`convert_to_pdf`, no upload, no
broker, no worker):
- one at a time: the latency a social worker sees, p50 and p95, against the converter's own time for the
  same file converted just after; the upload call itself;
- bursts (BURSTS of them): all the files uploaded back to back, then waited for, against the same files
  converted directly as many at a time as the converter has listeners (all it can do at once): p50 and
  p95, and the wall time of each; and the processor time each part spent per file in either (`cpu_use`,
  on Linux): with the listeners keeping every core busy, what the upload adds to it is what a burst's
  wall adds.
Prints the ratios upload/converter (goal: at most 1.25), twice: with the broker in files that the
project uses when REDIS_URL is empty (`make run`), and with Redis as production uses it (a throw-away
redis-server, when one is installed).

Needs PostgreSQL (the worker is another process): skipped on SQLite. Usage: make bench, or
python bench/bench_upload.py [UPLOADS]; UPLOADS defaults to 60 (with 30, two runs on a quiet machine
differed by up to 0.1 in a ratio).
"""

import contextlib
import logging
import operator
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"  # the test settings would run the task in this process
os.environ.pop("REDIS_URL", None)  # this process starts on the filesystem broker; Redis comes second

from bench.own_database import use_own_database  # noqa: E402

use_own_database()

import django  # noqa: E402

django.setup()

from cpu_use import per_file, snapshot, used  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from upload_rig import (  # noqa: E402
    PRODUCTION_POOL,
    WorkerFailed,
    procfile_pool,
    running_redis,
    running_worker,
    tail,
    test_database_url,
    use_broker,
)

from documents.converter_process import running_converter  # noqa: E402
from documents.models import Document  # noqa: E402
from tests import samples  # noqa: E402

UPLOADS = int(sys.argv[1]) if len(sys.argv) > 1 else 60
WARM_UP = 4
# Bursts of uploads, each followed by the same files converted directly: the ratio is of the summed walls.
# The direct bursts alone varied by a third between runs on a quiet machine (2.6 to 3.5 s for 60 files).
BURSTS = 4
POLL = 0.005
POLLING = os.environ.get("BENCH_UPLOAD_WAIT") == "poll"
WAKE_UP = 0.5  # the longest wait for a notification before the worker's health is looked at
TIMEOUT = 180.0  # for one document, worker start included
SIZES = (1, 3, 8, 20, 40)  # paragraphs: a few lines to about two pages
SENTENCE = (
    "Le Conseil de l'action sociale accorde le revenu d'intégration au taux cohabitant à dater du "
    "premier jour du mois qui suit la demande. "
)


def make_files() -> list[tuple[str, bytes]]:
    return [
        (f"decision-{n:03d}.docx", samples.docx_bytes(f"Décision {n}. " + SENTENCE, SIZES[n % len(SIZES)]))
        for n in range(UPLOADS)
    ]


NOTIFY_CHANNEL = "bench_document_converted"


def install_notifier() -> None:
    """A trigger of the bench's throw-away database that says, at the commit of the change, which document
    left the conversion and for which status: the bench wakes up then instead of polling the table every
    few milliseconds (a poller that takes CPU from the worker and the converter it measures, and sees a
    change up to one poll late). PostgreSQL delivers a notification only when its transaction commits, so
    its status is the row's as committed: the bench need not read the row again (a query per document,
    that took the processor from what it measures, in bursts); `confirm_registered` reads them all once
    the phase's timing is over."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION bench_notify_converted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"PERFORM pg_notify('{NOTIFY_CHANNEL}', NEW.id::text || ' ' || NEW.status); RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER bench_notify_converted AFTER UPDATE OF status ON documents_document "
            "FOR EACH ROW WHEN (NEW.status NOT IN ('pending', 'converting')) "
            "EXECUTE FUNCTION bench_notify_converted()"
        )


@contextlib.contextmanager
def listening():
    """A connection of its own that listens to the trigger's notifications."""
    import psycopg

    with psycopg.connect(test_database_url(), autocommit=True) as listener:
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        yield listener


def wait_registered(
    pending: dict[int, float], worker, log: Path, timeout: float, listener
) -> dict[int, float]:
    """Waits until every document of `pending` (id -> call time) is registered; returns id -> latency.

    Woken by the trigger's notification, sent when the change commits and naming the committed status;
    without a listener (BENCH_UPLOAD_WAIT=poll), the table is read every POLL seconds instead."""
    done: dict[int, float] = {}
    deadline = time.perf_counter() + timeout
    while pending:
        if listener is None:
            time.sleep(POLL)
            changed = _read_statuses(pending)
        else:
            changed = [
                notify.payload.split(" ", 1) for notify in listener.notifies(timeout=WAKE_UP, stop_after=1)
            ]
        now = time.perf_counter()
        for pk, status in changed:
            if int(pk) in pending:
                if status != Document.Status.REGISTERED:
                    raise WorkerFailed(f"document {pk} is {status}: {_reason(pk)}")
                done[int(pk)] = now - pending.pop(int(pk))
        if worker.poll() is not None:
            raise WorkerFailed(f"the worker exited ({worker.returncode}):\n{tail(log)}")
        if pending and now > deadline:
            raise WorkerFailed(f"{len(pending)} document(s) not registered after {timeout:g} s:\n{tail(log)}")
    return done


def _read_statuses(pending) -> list[tuple[int, str]]:
    rows = Document.objects.filter(pk__in=list(pending)).exclude(status__in=Document.IN_CONVERSION)
    return list(rows.values_list("pk", "status"))


def _reason(pk) -> str:
    return Document.objects.filter(pk=pk).values_list("failure_reason", flat=True).first() or ""


def confirm_registered(ids) -> None:
    """Reads the rows the notifications spoke of, once the timing is over: each says « Document
    enregistré »."""
    statuses = dict(Document.objects.filter(pk__in=list(ids)).values_list("pk", "status"))
    wrong = {pk: statuses.get(pk, "missing") for pk in ids if statuses.get(pk) != Document.Status.REGISTERED}
    if wrong:
        raise WorkerFailed(f"not registered after all: {wrong}")


def upload(context, name: str, data: bytes):
    from documents.services import document_upload

    return document_upload(
        centre=context["centre"],
        dossier=context["dossier"],
        name=name,
        data=data,
        document_type=context["type"],
        by=context["user"],
        allow_duplicate=True,
    )


def direct(data: bytes, converter_url: str) -> float:
    """The converter's own time for one file: `convert_to_pdf` straight to the gate."""
    from documents.conversion import convert_to_pdf

    start = time.perf_counter()
    assert convert_to_pdf(data=data, extension="docx", url=converter_url).startswith(b"%PDF-")
    return time.perf_counter() - start


def direct_burst(files, converter_url: str) -> tuple[float, list[float]]:
    """The files converted directly, as many at a time as the converter has listeners: (wall, latencies
    from the burst's start, as an upload's is from its call)."""
    from concurrent.futures import ThreadPoolExecutor

    first = time.perf_counter()

    def one(data: bytes) -> float:
        direct(data, converter_url)
        return time.perf_counter() - first

    with ThreadPoolExecutor(settings.CONVERTER_LISTENERS) as pool:
        latencies = list(pool.map(one, [data for _name, data in files]))
    return max(latencies), latencies


def one_at_a_time(
    context, files, worker, log, converter_url, listener
) -> tuple[list[float], list[float], list[float]]:
    latencies, calls, own, uploaded = [], [], [], []
    for name, data in files:
        start = time.perf_counter()
        document = upload(context, name, data)
        calls.append(time.perf_counter() - start)
        latencies.append(wait_registered({document.pk: start}, worker, log, TIMEOUT, listener)[document.pk])
        own.append(direct(data, converter_url))
        uploaded.append(document.pk)
    confirm_registered(uploaded)
    return latencies, calls, own


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(context, files, converter_url: str, redis_url: str | None, log: Path, pool: list[str]) -> dict:
    use_broker(redis_url)
    with running_worker(converter_url, redis_url, log, pool) as worker, contextlib.ExitStack() as stack:
        listener = None if POLLING else stack.enter_context(listening())
        started = time.perf_counter()
        # The first upload waits for the worker to start; the others warm both of its processes.
        wait_registered({upload(context, *files[0]).pk: started}, worker, log, TIMEOUT, listener)
        ready = time.perf_counter() - started
        warm = {}
        for n in range(WARM_UP):
            start = time.perf_counter()
            warm[upload(context, *files[n % len(files)]).pk] = start
        wait_registered(warm, worker, log, TIMEOUT, listener)
        sequential, calls, own = one_at_a_time(context, files, worker, log, converter_url, listener)
        bursts, own_bursts = [], []
        cpu = {"upload": Counter(), "direct": Counter()}
        database = connection.settings_dict["NAME"]
        for _round in range(BURSTS):  # upload burst and direct burst, alternated
            starts = {}
            before = snapshot(worker.pid, database)
            first = time.perf_counter()
            for name, data in files:
                start = time.perf_counter()
                starts[upload(context, name, data).pk] = start
            loaded = wait_registered(dict(starts), worker, log, TIMEOUT + 30 * len(files), listener)
            wall = max(starts[pk] + latency for pk, latency in loaded.items()) - first
            bursts.append((wall, list(loaded.values())))
            between = snapshot(worker.pid, database)
            own_bursts.append(direct_burst(files, converter_url))
            after = snapshot(worker.pid, database)
            confirm_registered(starts)
            cpu["upload"].update(used(before, between))
            cpu["direct"].update(used(between, after))
    return {
        "ready": ready,
        "sequential": sequential,
        "own": own,
        "calls": calls,
        "burst": [latency for _wall, latencies in bursts for latency in latencies],
        "own_burst": [latency for _wall, latencies in own_bursts for latency in latencies],
        "wall": sum(wall for wall, _latencies in bursts),
        "own_wall": sum(wall for wall, _latencies in own_bursts),
        "cpu": cpu,
    }


def wait_disconnected(timeout: float = 15.0) -> None:
    """Waits until the worker's connections to the throw-away database are gone, so it can be dropped."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)


def line(label: str, values: list[float]) -> str:
    return (
        f"{label} p50 {percentile(values, 0.5) * 1000:6.0f} ms, p95 {percentile(values, 0.95) * 1000:6.0f} ms"
    )


def main() -> None:
    from tests.factories import DocumentTypeFactory, DossierFactory, MembershipFactory

    logging.getLogger("documents.converter_process").setLevel(logging.WARNING)
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # "No hostname was supplied": no host
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Upload to « Document enregistré »: skipped, the worker needs PostgreSQL (DATABASE_URL).")
        return
    old = setup_databases(verbosity=0, interactive=False)
    install_notifier()
    results = {}
    try:
        with tempfile.TemporaryDirectory(prefix="primaweb-bench-upload-") as folder:
            folder = Path(folder)
            member = MembershipFactory()
            context = {
                "centre": member.centre,
                "user": member.user,
                "dossier": DossierFactory(centre=member.centre, created_by=member.user),
                "type": DocumentTypeFactory(centre=member.centre),
            }
            files = make_files()
            with running_converter(
                log_file=folder / "converter.log", listeners=settings.CONVERTER_LISTENERS
            ) as converter_url:
                pool = procfile_pool()
                results[f"filesystem broker (REDIS_URL empty), worker {' '.join(pool)}"] = measure(
                    context, files, converter_url, None, folder / "worker-filesystem.log", pool
                )
                with running_redis(folder) as redis_url:
                    if redis_url:
                        log, label = folder / "worker-redis.log", " ".join(PRODUCTION_POOL)
                        results[f"Redis broker (production), worker {label}"] = measure(
                            context, files, converter_url, redis_url, log, PRODUCTION_POOL
                        )
    finally:
        use_broker(None)
        connection.close()
        wait_disconnected()
        teardown_databases(old, verbosity=0)

    sizes = [len(data) for _name, data in files]
    print(
        f"Upload to « Document enregistré », DOCX {min(sizes) / 1024:.1f}-{max(sizes) / 1024:.1f} KB, "
        f"{UPLOADS} uploads, worker `celery -A primaweb worker` with {settings.CELERY_WORKER_CONCURRENCY} "
        f"slots, converter pool of {settings.CONVERTER_LISTENERS} listeners, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} (a shared machine), registration seen by "
        f"{'polling every 5 ms' if POLLING else 'notification'}:"
    )
    for label, figures in results.items():
        sequential = statistics.median(figures["sequential"]) / statistics.median(figures["own"])
        burst = figures["wall"] / figures["own_wall"]
        # Each upload against the same file converted just after it: steadier than the ratio of medians,
        # the converter's own time varying by a quarter from one minute to the next.
        added = statistics.median(map(operator.sub, figures["sequential"], figures["own"]))
        print(f"  {label}: worker ready after {figures['ready']:.1f} s (first upload registered)")
        print(
            f"    one at a time: {line('call to registered', figures['sequential'])}; "
            f"{line('converter alone', figures['own'])}; "
            f"{line('the upload call itself', figures['calls'])}; what the upload adds to the same file's "
            f"conversion, p50 {added * 1000:.1f} ms"
        )
        print(
            f"    bursts of {UPLOADS}: {line('call to registered', figures['burst'])}, all in "
            f"{figures['wall'] / BURSTS:.1f} s ({BURSTS * UPLOADS / figures['wall'] * 60:.0f}/min); "
            f"converter alone {figures['own_wall'] / BURSTS:.1f} s "
            f"({BURSTS * UPLOADS / figures['own_wall'] * 60:.0f}/min)"
        )
        if any(figures["cpu"]["upload"].values()):  # Linux's /proc
            count = BURSTS * UPLOADS
            print(f"    processor per file in bursts, uploaded: {per_file(figures['cpu']['upload'], count)}")
            print(f"      converted directly: {per_file(figures['cpu']['direct'], count)}")
        print(
            f"    ratio upload/converter: one at a time p50 {sequential:.2f}x, bursts {burst:.2f}x "
            "(goal <= 1.25)"
        )


if __name__ == "__main__":
    main()
