"""The converter's pool of listeners under fault injection, with the real LibreOffice (slow: ~1 min)."""

import os
import signal
import threading
import time

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from documents import services, tasks
from documents.converter_process import running_converter
from documents.management.commands.storage_audit import storage_audit
from documents.models import Document
from tests import samples
from tests.documents.conftest import CONVERTER_SECRET
from tests.documents.test_conversion import group_members, wait_until
from tests.factories import DocumentTypeFactory, DossierFactory


def soffice_of(listener) -> int | None:
    try:
        group = int(listener.pid_file.read_text())
    except (OSError, ValueError):
        return None
    return next((pid for pid, name in group_members(group) if name == "soffice.bin"), None)


@pytest.mark.django_db(transaction=True)
def test_listener_killed_during_a_batch_leaves_every_document_converted(worker, centre, settings, tmp_path):
    settings.CONVERTER_SECRET = CONVERTER_SECRET
    dossier, kind = DossierFactory(centre=centre), DocumentTypeFactory(centre=centre)
    supervisors = []
    with running_converter(
        work_dir=tmp_path, secret=CONVERTER_SECRET, listeners=2, wait=60, supervisor_out=supervisors
    ) as url:
        settings.CONVERTER_URL = url
        supervisor = supervisors[0]
        with TestCase.captureOnCommitCallbacks(execute=False):  # queued below, by several workers at once
            documents = [
                services.document_upload(
                    centre=centre,
                    dossier=dossier,
                    name=f"lettre-{n}.docx",
                    data=samples.docx_bytes(f"Lettre numéro {n}", paragraphs=400),
                    document_type=kind,
                    by=worker,
                )
                for n in range(20)
            ]
        pending = list(documents)
        lock = threading.Lock()

        def convert_some():
            try:
                while True:
                    with lock:
                        if not pending:
                            return
                        document = pending.pop(0)
                    tasks.convert_document.apply(args=(document.pk, 1))
            finally:
                connection.close()

        workers = [threading.Thread(target=convert_some) for _ in range(3)]
        for thread in workers:
            thread.start()
        # Mid-batch, while it converts, LibreOffice of the first listener dies as a crash would kill it.
        first, deadline = supervisor.listeners[0], time.monotonic() + 60
        while not (len(pending) <= 16 and first.backend.busy) and time.monotonic() < deadline:
            time.sleep(0.002)
        victim = soffice_of(first)
        assert victim is not None
        os.kill(victim, signal.SIGKILL)
        for thread in workers:
            thread.join(300)
        # What the dead listener held went back to waiting; the sweep takes it again.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            left = Document.objects.across_centres(reason="test").exclude(status=Document.Status.REGISTERED)
            if not left.exists():
                break
            left.update(lease_until=timezone.now() - timezone.timedelta(seconds=1))
            tasks.requeue_stale_conversions()
            time.sleep(1)
        # The pool's supervisor brought the killed listener back.
        restarted = wait_until(lambda: first.starts >= 2 and first.ready.is_set(), 90)

    statuses = {d.original_name: d.status for d in Document.objects.across_centres(reason="test")}
    assert set(statuses.values()) == {Document.Status.REGISTERED}, statuses
    assert restarted
    # Every document has its files, and the killed conversion left no file behind.
    assert storage_audit() == ([], [])
