"""The web server's settings side by side: database connections kept or not, gunicorn workers and threads.

Serves the home page of a signed-in social worker with gunicorn and the production settings
(`gunicorn.conf.py`, `primaweb.settings.production`) on a throw-away PostgreSQL database, under CLIENTS
clients at once over loopback HTTP, for each configuration in turn, round after round (so that whatever
else loads the machine weighs on all alike). Prints requests per second, p50 and p95 per configuration:
what docs/deployment.md chose its defaults from. The clients run on the same cores as the server.

Needs PostgreSQL (the server is other processes): skipped on SQLite. Usage: make bench, or
python bench/bench_web_server.py; BENCH_SECONDS (per configuration and round, default 8), BENCH_ROUNDS (2).
"""

import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))
# Shared with the server, whose production settings want 50 characters: the session's signature.
os.environ["SECRET_KEY"] = "bench-only-secret-key-" + "x" * 40

from bench.own_database import use_own_database  # noqa: E402

use_own_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
# (label, CONN_MAX_AGE, workers, threads)
CONFIGURATIONS = [
    ("connection per request, 3 workers", 0, 3, 1),
    ("kept 600 s + health checks, 3 workers", 600, 3, 1),
    ("kept, 5 workers", 600, 5, 1),
    ("kept, 3 workers x 2 threads", 600, 3, 2),
    ("kept, 3 workers x 4 threads", 600, 3, 4),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def gunicorn(max_age: int, workers: int, threads: int):
    port = free_port()
    var = Path(settings.VAR_DIR)
    (var / "static").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primaweb.settings.production",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": str(max_age),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PRIMAWEB_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--access-logfile",
        "/dev/null",
        "--max-requests",
        "0",
        "primaweb.wsgi:application",
    ]
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def load(port: int, cookie: str, seconds: float) -> list[float]:
    """CLIENTS clients asking for the home page, each again as soon as answered, for `seconds`."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    headers = {"Cookie": cookie, "Host": "127.0.0.1", "X-Forwarded-Proto": "https"}

    def client() -> None:
        while time.perf_counter() < stop:
            start = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", "/", headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            finally:
                conn.close()
            elapsed = time.perf_counter() - start
            with lock:
                if status != 200:
                    errors.append(str(status))
                times.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} answers were not 200 (e.g. {errors[0]})")
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    if connection.vendor != "postgresql":
        print("Web server settings: skipped, gunicorn needs PostgreSQL (DATABASE_URL).")
        return
    from primaweb.tenancy import CurrentCentreMiddleware
    from tests.factories import MembershipFactory

    old = setup_databases(verbosity=0, interactive=False)
    results = {label: [] for label, *_ in CONFIGURATIONS}
    loads = []
    try:
        member = MembershipFactory()
        browser = Client()
        browser.force_login(member.user)
        session = browser.session
        session[CurrentCentreMiddleware.SESSION_KEY] = member.centre.pk
        session.save()
        cookie = f"__Host-primaweb-session={session.session_key}"
        for _round in range(ROUNDS):
            for label, max_age, workers, threads in CONFIGURATIONS:
                with gunicorn(max_age, workers, threads) as port:
                    load(port, cookie, 1.0)  # warm-up: every worker imports and connects
                    loads.append(os.getloadavg()[0])
                    results[label].append(load(port, cookie, SECONDS))
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)

    print(
        f"Web server, home page signed in, gunicorn + production settings, {CLIENTS} clients at once, "
        f"{ROUNDS} rounds of {SECONDS:g} s per configuration, {os.cpu_count()} cores, load average "
        f"{min(loads):.1f}-{max(loads):.1f} (a shared machine; the clients share the cores):"
    )
    for label, runs in results.items():
        times = [elapsed for run in runs for elapsed in run]
        print(
            f"  {label:<40} {len(times) / (SECONDS * ROUNDS):6.1f} requests/s   "
            f"p50 {statistics.median(times) * 1000:5.0f} ms   p95 {percentile(times, 0.95) * 1000:5.0f} ms"
        )


if __name__ == "__main__":
    main()
