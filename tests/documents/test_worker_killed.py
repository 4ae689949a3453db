"""A real Celery worker killed with SIGKILL in the middle of a batch of conversions: another worker and
the sweep finish every document within two minutes, and nothing is left half-done (slow: ~2 min)."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from documents import services, tasks
from documents.management.commands.storage_audit import storage_audit
from documents.models import Document
from primaweb.celery import app as celery_app
from tests import samples
from tests.documents.conftest import CONVERTER_SECRET
from tests.factories import DocumentTypeFactory, DossierFactory

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
BATCH = 12


@pytest.fixture
def filesystem_broker(tmp_path, monkeypatch):
    """The embedded broker of a real deployment (folders on the disk), shared by this process, which
    queues, and the worker processes, which consume; tasks are no longer run eagerly."""
    var_dir = tmp_path / "var"
    folders = {name: var_dir / "broker" / name for name in ("queue", "control", "processed")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    saved = {
        key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "broker_transport_options")
    }
    celery_app.conf.update(
        task_always_eager=False,
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "control_folder": str(folders["control"]),
            "processed_folder": str(folders["processed"]),
            "store_processed": False,
            "polling_interval": 0.1,
        },
    )
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    yield var_dir
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def start_worker(var_dir: Path, converter_url: str, log: Path) -> subprocess.Popen:
    """`celery -A primaweb worker`, two processes as in production, on the test database, in a process
    group of its own (so that one SIGKILL takes its pool's processes along, as a killed container)."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primaweb.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}"
            f":{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "PRIMAWEB_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "PRIMAWEB_CONVERTER_URL": converter_url,
        "PRIMAWEB_CONVERTER_SECRET": CONVERTER_SECRET,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": "",
    }
    command = [str(CELERY), "-A", "primaweb", "worker", "--concurrency", "2", "--loglevel", "INFO"]
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Document.objects.across_centres(reason="test").values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


@pytest.mark.skipif(not CELERY.exists() or not shutil.which("soffice"), reason="needs celery and LibreOffice")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes share the database")
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_leaves_every_document_converted_within_two_minutes(
    filesystem_broker, converter, worker, centre, tmp_path
):
    dossier, kind = DossierFactory(centre=centre), DocumentTypeFactory(centre=centre)
    log = tmp_path / "worker.log"
    first = start_worker(filesystem_broker, converter, log)
    second = None
    try:
        for n in range(BATCH):  # each queued once committed, as an upload does
            services.document_upload(
                centre=centre,
                dossier=dossier,
                name=f"lettre-{n}.docx",
                data=samples.docx_bytes(f"Lettre numéro {n}", paragraphs=400),
                document_type=kind,
                by=worker,
            )
        # Mid-batch: some converted, some being converted.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            counts = statuses()
            if counts.get(Document.Status.REGISTERED, 0) >= 2 and counts.get(Document.Status.CONVERTING):
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"the worker did not start the batch: {statuses()}\n{log.read_text()[-3000:]}")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
        assert statuses().get(Document.Status.REGISTERED, 0) < BATCH, "killed too late to prove anything"

        second = start_worker(filesystem_broker, converter, log)
        # The beat's sweep, every CONVERSION_SWEEP_SECONDS (30 s): what the dead worker held comes back
        # once its lease (CONVERSION_LEASE_SECONDS, 60 s) runs out.
        next_sweep = time.monotonic()
        while time.monotonic() - killed_at < 120:
            if statuses() == {Document.Status.REGISTERED: BATCH}:
                break
            if time.monotonic() >= next_sweep:
                tasks.requeue_stale_conversions()
                next_sweep = time.monotonic() + django_settings.CONVERSION_SWEEP_SECONDS
            time.sleep(0.5)
        took = time.monotonic() - killed_at

        assert statuses() == {Document.Status.REGISTERED: BATCH}, f"{statuses()} {took:.0f} s after the kill"
        assert not Document.objects.across_centres(reason="test").filter(lease_until__isnull=False).exists()
        # Every row has its files, and no file is left without its row.
        assert storage_audit() == ([], [])
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
