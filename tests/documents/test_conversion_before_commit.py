"""On PostgreSQL with a real broker, the upload's conversion message leaves as soon as its row is inserted,
naming the dossier: the conversion runs while the upload writes its history and commits. A worker that
gets the message first waits for the upload's transaction, then converts the row as committed; if the
upload does not commit, it converts nothing."""

import threading
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction

from documents import services
from documents.models import Document
from documents.services import converting
from documents.services.upload_lock import dossier_uploads_ended, lock_dossier_uploads
from primaweb.celery import app as celery_app
from tests import samples
from tests.factories import DocumentTypeFactory, DossierFactory

from .test_conversion import pdf_text

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker waits for uploads on PostgreSQL"),
]


def _upload(centre, worker, dossier, text: str = "Décision de Louise") -> Document:
    return services.document_upload(
        centre=centre,
        dossier=dossier,
        name="courrier.docx",
        data=samples.docx_bytes(text),
        document_type=DocumentTypeFactory(centre=centre),
        by=worker,
    )


def _in_thread(work):
    """Runs `work` in a thread of its own, with its own connection, as another process would."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _visible_elsewhere(document_id: int) -> bool:
    thread, outcome = _in_thread(lambda: Document._base_manager.filter(pk=document_id).exists())
    thread.join(30)
    return outcome["value"]


@pytest.fixture
def real_broker(monkeypatch):
    """Messages as a real broker takes them (not run in the upload's transaction): recorded with whether
    another connection saw the row when each left; `on_message` runs then. The upload waits for each as
    long as it takes (a slow machine is no stalled broker)."""
    monkeypatch.setattr(converting, "MESSAGE_WAIT", 60)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.update(task_always_eager=False)
    sent, hooks = [], []

    def delay(*args):
        sent.append((args, _visible_elsewhere(args[0])))
        for hook in hooks:
            hook(*args)

    monkeypatch.setattr("documents.tasks.convert_document.delay", delay)
    yield sent, hooks
    celery_app.conf.update(task_always_eager=eager)


@pytest.fixture
def leases(monkeypatch):
    """Each lease the conversion takes, in order (None: no row to take), and an event set at the first."""
    taken, first = [], threading.Event()

    def spying(**kwargs):
        document = lease_taken(**kwargs)
        taken.append(document)
        first.set()
        return document

    lease_taken = converting.lease_taken
    monkeypatch.setattr(converting, "lease_taken", spying)
    return taken, first


def _worker_on_message(hooks, leases, outcome_holder):
    """A worker that gets the message at once: it has looked for the row before the upload goes on."""
    _taken, first = leases

    def on_message(document_id, version, original, dossier_id):
        outcome_holder.append(
            _in_thread(
                lambda: services.document_convert(
                    document_id=document_id, version=version, original=original, upload_of_dossier=dossier_id
                )
            )
        )
        assert first.wait(30)

    hooks.append(on_message)


def test_the_message_leaves_before_the_commit_and_names_the_dossier(centre, worker, real_broker):
    sent, _hooks = real_broker
    dossier = DossierFactory(centre=centre)

    document = _upload(centre, worker, dossier)

    assert sent == [((document.pk, 1, document.original.name, dossier.pk), False)]
    assert _visible_elsewhere(document.pk)


def test_a_worker_that_gets_the_message_first_converts_the_document_once_committed(
    converter, centre, worker, real_broker, leases
):
    _sent, hooks = real_broker
    started = []
    _worker_on_message(hooks, leases, started)

    document = _upload(centre, worker, DossierFactory(centre=centre))

    [(thread, outcome)] = started
    thread.join(60)
    assert "error" not in outcome, outcome.get("error")
    taken, _first = leases
    # The first look found no row (not committed yet); the second, after the upload's lock, took it.
    assert taken[0] is None and taken[1].pk == document.pk and len(taken) == 2
    converted = Document._base_manager.get(pk=document.pk)
    assert converted.status == Document.Status.REGISTERED and outcome["value"].pk == document.pk
    with default_storage.open(converted.pdf.name, "rb") as stored:
        assert "Décision de Louise" in pdf_text(stored.read())
    assert [event.kind for event in converted.events.order_by("pk")] == ["uploaded", "converted"]


def test_a_message_whose_upload_does_not_commit_converts_nothing(
    converter, centre, worker, real_broker, leases, monkeypatch
):
    _sent, hooks = real_broker
    started = []
    _worker_on_message(hooks, leases, started)

    def failing(**kwargs):
        raise RuntimeError("the audit trail could not be written")

    monkeypatch.setattr("documents.services.editing.audit_record", failing)
    with pytest.raises(RuntimeError):
        _upload(centre, worker, DossierFactory(centre=centre))

    # The message left in a thread of its own: the upload that failed did not wait for it.
    assert leases[1].wait(30)
    [(thread, outcome)] = started
    thread.join(60)
    assert outcome == {"value": None}
    taken, _first = leases
    assert taken == [None, None]
    assert not Document._base_manager.exists()
    assert _no_file_under("documents")


def _no_file_under(folder: str) -> bool:
    if not default_storage.exists(folder):
        return True
    folders, files = default_storage.listdir(folder)
    return not files and all(_no_file_under(f"{folder}/{name}") for name in folders)


def test_inside_a_callers_transaction_the_message_waits_for_its_commit(centre, worker, real_broker):
    sent, _hooks = real_broker
    dossier = DossierFactory(centre=centre)

    with transaction.atomic():
        document = _upload(centre, worker, dossier)
        assert sent == []

    assert sent == [((document.pk, 1, document.original.name), True)]


def test_the_wait_for_an_upload_is_bounded(centre):
    dossier = DossierFactory(centre=centre)
    holding, release = threading.Event(), threading.Event()

    def upload_in_progress():
        with transaction.atomic():
            lock_dossier_uploads(dossier.pk)
            holding.set()
            release.wait(30)

    thread, _outcome = _in_thread(upload_in_progress)
    assert holding.wait(30)
    start = time.monotonic()
    assert not dossier_uploads_ended(dossier.pk, using="default", timeout=0.2)
    assert time.monotonic() - start < 10
    release.set()
    thread.join(30)
    assert dossier_uploads_ended(dossier.pk, using="default", timeout=0.2)


def test_a_stalled_broker_holds_the_upload_no_longer_than_the_wait(
    centre, worker, real_broker, monkeypatch, caplog
):
    # A broker that takes the connection and never answers: the upload commits all the same, after the
    # wait, and so do the next uploads to the dossier; the row's lease brings the sweep.
    _sent, hooks = real_broker
    monkeypatch.setattr(converting, "MESSAGE_WAIT", 0.2)
    release = threading.Event()
    hooks.append(lambda *args: release.wait(20))
    dossier = DossierFactory(centre=centre)
    try:
        start = time.monotonic()
        first = _upload(centre, worker, dossier, "Première")
        second = _upload(centre, worker, dossier, "Seconde")
        took = time.monotonic() - start
    finally:
        release.set()
    assert took < 10
    for document in (first, second):
        assert _visible_elsewhere(document.pk)
        kept = Document._base_manager.get(pk=document.pk)
        assert kept.status == Document.Status.PENDING and kept.lease_until is not None
        assert default_storage.exists(kept.original.name)
    assert "has not left after 0.2 s" in caplog.text


def test_a_message_the_broker_refused_before_the_commit_is_sent_again_once_committed(
    centre, worker, real_broker, caplog
):
    sent, hooks = real_broker

    def refusing(*args):
        if len(args) == 4:
            raise ConnectionError("the broker refused the connection")

    hooks.append(refusing)
    dossier = DossierFactory(centre=centre)

    document = _upload(centre, worker, dossier)

    assert sent == [
        ((document.pk, 1, document.original.name, dossier.pk), False),
        ((document.pk, 1, document.original.name), True),
    ]
    assert "tried again once committed" in caplog.text
