"""The processes bench_upload.py runs its uploads against: a Redis of its own, a real Celery worker on the
filesystem broker or on that Redis, and the worker's log. Django is set up by bench_upload.py first."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from primaweb.celery import app
from primaweb.settings import base as base_settings

ROOT = Path(__file__).resolve().parent.parent


class WorkerFailed(RuntimeError):
    pass


def test_database_url() -> str:
    """The throw-away database, as a URL for the worker's DATABASE_URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_redis(folder: Path):
    """A throw-away redis-server on a free port, nothing saved; yields its URL, or None without Redis."""
    executable = shutil.which("redis-server")
    if executable is None:
        yield None
        return
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=1) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not answer")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def use_broker(redis_url: str | None) -> None:
    """Points this process's producer at the broker the worker reads: the test settings' in-memory one
    would reach no other process, so the broker of the base settings (files, or Redis with REDIS_URL)."""
    if redis_url:
        app.conf.broker_url = redis_url
        app.conf.broker_transport_options = {"visibility_timeout": 3600}
    else:
        app.conf.broker_url = base_settings.CELERY_BROKER_URL
        app.conf.broker_transport_options = base_settings.CELERY_BROKER_TRANSPORT_OPTIONS
        # Made by the worker's start too, but the first upload is sent before it has started.
        for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
            Path(base_settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


# docker-compose.yml's worker: prefork, as many processes as the settings say (CELERY_WORKER_CONCURRENCY).
PRODUCTION_POOL = ["--pool=prefork"]


def procfile_pool() -> list[str]:
    """The options of the Procfile's worker that shape its pool, as `make run` starts it."""
    line = next(ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln.startswith("worker:"))
    return [
        option
        for option in line.split()
        if option.startswith(("--pool", "--concurrency", "--without-heartbeat", "--prefetch"))
    ]


@contextlib.contextmanager
def running_worker(converter_url: str, redis_url: str | None, log: Path, pool: list[str]):
    """`celery -A primaweb worker` with the options `pool`, in a session of its own.

    With the settings `make run` uses (the test settings' broker is in memory), DEBUG off.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primaweb.settings.dev",
        "DEBUG": "false",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": test_database_url(),
        "PRIMAWEB_CONVERTER_URL": converter_url,
        "PRIMAWEB_VAR_DIR": str(settings.VAR_DIR),
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "primaweb",
        "worker",
        *pool,
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        f"--hostname=bench-{os.getpid()}@%h",
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )
    try:
        yield process
    finally:
        process.terminate()  # a warm shutdown: the worker ends its pool's processes itself
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever of its session is left


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
