"""Nothing lost, nothing stuck: uploads when the broker, the converter or the storage fail, double
submits, and the sweep that takes back what nobody holds."""

import errno
import threading
import xmlrpc.client
from pathlib import Path
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from documents import services, tasks
from documents.models import Document
from documents.validation import MAX_PDF_PAGES
from primaweb.celery import app as celery_app
from tests import samples
from tests.documents.test_upload import stored_files, upload
from tests.documents.uploads import identical_uploads_at_once


@pytest.fixture
def broker_unreachable(monkeypatch):
    """The web server's broker at a closed port: every publish fails at the kombu connection."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url="amqp://guest:guest@127.0.0.1:1//")
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    yield
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def expire_leases():
    Document.objects.across_centres(reason="test").update(
        lease_until=timezone.now() - timezone.timedelta(seconds=1)
    )


class FakeConverter(SimpleXMLRPCServer):
    """A converter that answers each convert() with the next of `answers` (a fault text, or PDF bytes);
    given the test's `settings`, the project converts through it while it runs."""

    def __init__(self, answers, *, settings=None):
        super().__init__(("127.0.0.1", 0), SimpleXMLRPCRequestHandler, logRequests=False, allow_none=True)
        self.answers = list(answers)
        self.calls = 0
        self.settings = settings

        def convert(*args):
            self.calls += 1
            answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
            if isinstance(answer, bytes):
                return xmlrpc.client.Binary(answer)
            raise xmlrpc.client.Fault(1, answer)

        self.register_function(convert)

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        if self.settings is not None:
            self.settings.CONVERTER_URL = self.url
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


def make_pending(centre, dossier, decision, worker):
    """An uploaded DOCX, its conversion queued once committed (tasks run at once in the tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.document_upload(
            centre=centre,
            dossier=dossier,
            name="courrier.docx",
            data=samples.docx_bytes(),
            document_type=decision,
            by=worker,
        )


# --- 0. the broker cannot be reached ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_upload_with_the_broker_unreachable_is_kept_and_the_sweep_queues_it_later(
    worker_client,
    dossier,
    decision,
    settings,
    broker_unreachable,
):
    response = upload(worker_client, dossier, decision, "courrier.rtf", samples.rtf_bytes())

    assert response.status_code == 302
    document = Document.objects.across_centres(reason="test").get()
    assert document.status == Document.Status.PENDING
    assert default_storage.exists(document.original.name)

    # The broker is back (tasks run here), the lease ran out: the sweep queues it.
    celery_app.conf.task_always_eager = True
    queued = []
    tasks.convert_document.delay, original = (lambda *args: queued.append(args)), tasks.convert_document.delay
    try:
        expire_leases()
        assert tasks.requeue_stale_conversions() == 1
    finally:
        tasks.convert_document.delay = original
    assert queued == [(document.pk, 1)]


@pytest.mark.django_db(transaction=True)
def test_replacement_with_the_broker_unreachable_keeps_the_new_file_and_removes_the_old(
    worker,
    centre,
    dossier,
    decision,
    settings,
    broker_unreachable,
):
    celery_app.conf.task_always_eager = True
    document = services.document_upload(
        centre=centre,
        dossier=dossier,
        name="a.pdf",
        data=samples.pdf_bytes(),
        document_type=decision,
        by=worker,
    )
    old = document.original.name
    celery_app.conf.task_always_eager = False
    client = Client()
    from tests.conftest import sign_in

    sign_in(client, worker, centre)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("documents:replace", args=[document.pk]),
        {"file": SimpleUploadedFile("b.rtf", samples.rtf_bytes())},
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.version == 2 and document.status == Document.Status.PENDING
    assert default_storage.exists(document.original.name)
    assert not default_storage.exists(old)


# --- 8. double submit ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_ten_identical_uploads_at_once_make_one_document(worker, centre, dossier, decision):
    outcomes = identical_uploads_at_once(
        10,
        centre=centre,
        dossier=dossier,
        name="a.pdf",
        data=samples.pdf_bytes(),
        document_type=decision,
        by=worker,
    )

    assert outcomes == ["created"] + ["duplicate"] * 9
    assert Document.objects.across_centres(reason="test").count() == 1


# --- 1-3. whose fault a failure is --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fault",
    [
        "<class 'SystemError'>:com.sun.star.comp.stoc.Introspection: "
        "Couldn't convert <traceback object at 0x7f> to a UNO type",
        "converter backend unavailable: [Errno 111] Connection refused",
        "converter backend unavailable: no listener ready within 30 s",
    ],
    ids=["introspection", "refused", "all-restarting"],
)
def test_converter_trouble_never_fails_the_document_and_it_resumes_by_itself(
    worker,
    centre,
    dossier,
    decision,
    settings,
    fault,
):
    with FakeConverter([fault], settings=settings) as converter:
        document = make_pending(centre, dossier, decision, worker)
        document.refresh_from_db()
        assert converter.calls == tasks.MAX_RETRIES + 1

    assert document.status == Document.Status.PENDING
    assert "En attente du convertisseur" in document.failure_reason
    assert "Introspection" not in document.failure_reason

    # The converter is back: the sweep queues it again and it converts.
    with FakeConverter([samples.pdf_bytes()], settings=settings) as converter:
        expire_leases()
        tasks.requeue_stale_conversions()
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED and document.failure_reason == ""
    assert default_storage.exists(document.pdf.name)


@pytest.mark.django_db
def test_file_over_the_time_limit_once_is_retried_and_converts(worker, centre, dossier, decision, settings):
    with FakeConverter(["<class 'TimeoutError'>:", samples.pdf_bytes()], settings=settings):
        document = make_pending(centre, dossier, decision, worker)
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("<class 'TimeoutError'>:", "trop long à convertir"),
        (
            "converter backend crashed during the conversion: Remote end closed connection",
            "s'arrêter LibreOffice",
        ),
        ("<class 'ValueError'>:something nobody expected", "Réessayer"),
    ],
    ids=["too-slow", "crashes", "unknown"],
)
def test_file_that_fails_again_and_again_is_refused_with_its_own_reason(
    worker,
    centre,
    dossier,
    decision,
    settings,
    fault,
    reason,
):
    with FakeConverter([fault], settings=settings) as converter:
        document = make_pending(centre, dossier, decision, worker)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert reason in document.failure_reason
    assert "ValueError" not in document.failure_reason and "<class" not in document.failure_reason
    assert converter.calls == (3 if "ValueError" in fault else 2)


# --- 4. a worker killed mid-conversion -----------------------------------------------------------------


@pytest.mark.django_db
def test_conversion_whose_worker_died_is_taken_back_once_its_lease_runs_out(
    worker,
    centre,
    dossier,
    decision,
    settings,
    monkeypatch,
):
    monkeypatch.setattr(tasks.convert_document, "delay", lambda *args: None)  # the worker dies at once
    document = make_pending(centre, dossier, decision, worker)
    Document.objects.across_centres(reason="test").filter(pk=document.pk).update(
        status=Document.Status.CONVERTING, lease_until=timezone.now() + timezone.timedelta(seconds=30)
    )
    monkeypatch.undo()
    # Held by a living worker: neither the sweep nor a second message takes it.
    assert tasks.requeue_stale_conversions() == 0
    with FakeConverter([samples.pdf_bytes()], settings=settings) as converter:
        tasks.convert_document.delay(document.pk, 1)
        assert converter.calls == 0
        expire_leases()
        assert tasks.requeue_stale_conversions() == 1
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED


# --- 5. storage full ------------------------------------------------------------------------------------


class FullStorage(FileSystemStorage):
    def _save(self, name, content):
        # As the disk does: the file is created, part of it written, then ENOSPC.
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.django_db
def test_upload_on_a_full_storage_says_so_and_leaves_neither_row_nor_file(
    worker_client,
    dossier,
    decision,
    settings,
    monkeypatch,
    caplog,
):
    monkeypatch.setattr(default_storage, "_wrapped", FullStorage(location=settings.MEDIA_ROOT))

    response = upload(worker_client, dossier, decision, "courrier.docx", samples.docx_bytes())

    assert response.status_code == 200
    assert "Espace de stockage insuffisant" in response.content.decode()
    assert not Document.objects.across_centres(reason="test").exists()
    assert stored_files(settings) == []
    assert any(record.levelname == "ERROR" and "storage full" in record.message for record in caplog.records)


@pytest.mark.django_db
def test_conversion_on_a_full_storage_waits_and_resumes_when_there_is_room(
    worker,
    centre,
    dossier,
    decision,
    settings,
    monkeypatch,
):
    document = None
    with FakeConverter([samples.pdf_bytes()], settings=settings):
        monkeypatch.setattr(tasks.convert_document, "delay", lambda *args: None)
        document = make_pending(centre, dossier, decision, worker)
        monkeypatch.undo()
        original = default_storage._wrapped
        monkeypatch.setattr(default_storage, "_wrapped", FullStorage(location=settings.MEDIA_ROOT))
        tasks.convert_document.delay(document.pk, 1)
        document.refresh_from_db()
        assert document.status == Document.Status.PENDING
        assert "Espace de stockage insuffisant" in document.failure_reason
        assert {p.name for p in stored_files(settings)} == {Path(document.original.name).name}

        monkeypatch.setattr(default_storage, "_wrapped", original)
        expire_leases()
        tasks.requeue_stale_conversions()
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED
    assert {p.name for p in stored_files(settings)} == {Path(document.original.name).name, "v1.pdf"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "refused",
    [samples.encrypted_pdf_bytes(), samples.pdf_bytes(pages=MAX_PDF_PAGES + 1)],
    ids=["encrypted", "too-many-pages"],
)
def test_a_refused_pdf_fails_its_document_even_when_the_storage_is_full_meanwhile(
    worker, centre, dossier, decision, settings, monkeypatch, refused
):
    # A full store must not turn the refusal into « Espace de stockage insuffisant », retried with a new
    # conversion every lease for nothing.
    with FakeConverter([refused], settings=settings) as converter:
        monkeypatch.setattr(tasks.convert_document, "delay", lambda *args: None)
        document = make_pending(centre, dossier, decision, worker)
        monkeypatch.undo()
        monkeypatch.setattr(default_storage, "_wrapped", FullStorage(location=settings.MEDIA_ROOT))
        tasks.convert_document.delay(document.pk, 1)
        calls = converter.calls
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED and calls == 1
    assert document.failure_reason.startswith("Le PDF obtenu en convertissant ce fichier est refusé : ")
    assert {p.name for p in stored_files(settings)} == {Path(document.original.name).name}


@pytest.mark.django_db
def test_a_refused_pdf_never_reaches_the_store(worker, centre, dossier, decision, settings, monkeypatch):
    # Checked before it is stored: not even for a moment is there a file that a worker killed at the
    # wrong time, or a removal that fails, would leave behind for nobody to serve.
    with FakeConverter([samples.encrypted_pdf_bytes()], settings=settings):
        monkeypatch.setattr(tasks.convert_document, "delay", lambda *args: None)
        document = make_pending(centre, dossier, decision, worker)
        monkeypatch.undo()
        saved = []
        save = default_storage.save
        monkeypatch.setattr(
            default_storage,
            "save",
            lambda name, *args, **kwargs: saved.append(name) or save(name, *args, **kwargs),
        )
        tasks.convert_document.delay(document.pk, 1)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED and not document.pdf
    assert saved == []
    assert {p.name for p in stored_files(settings)} == {Path(document.original.name).name}


@pytest.mark.django_db
def test_a_pdf_an_interrupted_attempt_left_goes_when_the_next_attempts_pdf_is_refused(
    worker, centre, dossier, decision, settings, monkeypatch
):
    # A worker killed between storing its PDF and registering it leaves that file; the next attempt
    # removes it, whether its own PDF is stored or refused.
    with FakeConverter([samples.encrypted_pdf_bytes()], settings=settings):
        monkeypatch.setattr(tasks.convert_document, "delay", lambda *args: None)
        document = make_pending(centre, dossier, decision, worker)
        monkeypatch.undo()
        default_storage.save(document.storage_path("v1.pdf"), ContentFile(samples.pdf_bytes()))
        tasks.convert_document.delay(document.pk, 1)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED and not document.pdf
    assert {p.name for p in stored_files(settings)} == {Path(document.original.name).name}
