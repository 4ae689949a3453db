"""The conversion's own commits do not wait for PostgreSQL's disk flush (a few milliseconds each, a tenth
of a conversion); the upload's commit, which the social worker is told is saved, does. And the conversion
costs the worker few round trips to the database: each is a wait on a busy machine."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from documents import services
from documents.models import Document
from documents.selectors import documents_by_id
from documents.services import conversion_statements, converting
from documents.services.conversion_statements import without_waiting_for_disk
from tests import samples
from tests.factories import DocumentTypeFactory, DossierFactory

ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true)"

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")


def _uploaded(centre, worker, name: str = "courrier.docx", data: bytes | None = None) -> Document:
    """A document uploaded to a new dossier of `centre`, its conversion not queued (the test runs it)."""
    return services.document_upload(
        centre=centre,
        dossier=DossierFactory(centre=centre),
        name=name,
        data=samples.docx_bytes() if data is None else data,
        document_type=DocumentTypeFactory(centre=centre),
        by=worker,
    )


@pytest.mark.django_db(transaction=True)
def test_conversion_commits_without_waiting_for_the_disk_but_the_upload_waits(
    converter, centre, worker, monkeypatch
):
    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: None)
    with CaptureQueriesContext(connection) as upload:
        document = _uploaded(centre, worker)
    with CaptureQueriesContext(connection) as conversion:
        converted = services.document_convert(document_id=document.pk, version=document.version)

    assert converted.status == Document.Status.REGISTERED
    assert not [query for query in upload.captured_queries if ASYNC_COMMIT in query["sql"]]
    # The lease taken, then the outcome: each its own transaction, each not waiting for the flush.
    writes = [
        query["sql"] for query in conversion.captured_queries if query["sql"].startswith(("UPDATE", "WITH"))
    ]
    assert len(writes) == 2
    assert all(ASYNC_COMMIT in sql for sql in writes)


@pytest.mark.django_db(transaction=True)
def test_a_conversion_costs_two_statements(converter, centre, worker, monkeypatch):
    # The lease: one UPDATE that checks and takes it and returns the row; the outcome: one statement
    # that checks and registers and writes the history's event. Each is its own transaction. It took 11
    # with a SELECT ... FOR UPDATE before each write and a SET LOCAL in each transaction, then 6 with the
    # row read again after the lease and the outcome in a transaction (BEGIN, UPDATE, INSERT, COMMIT).
    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: None)
    document = _uploaded(centre, worker)
    with CaptureQueriesContext(connection) as conversion:
        converted = services.document_convert(document_id=document.pk, version=document.version)
    assert converted.status == Document.Status.REGISTERED
    assert len(conversion.captured_queries) <= 2, [query["sql"][:80] for query in conversion.captured_queries]
    event = converted.events.get(kind="converted")
    assert (event.by, event.details) == (None, {"pages": converted.pages})
    assert event.at <= converted.converted_at + timedelta(seconds=1) and event.at.tzinfo is not None
    stored = documents_by_id().get(pk=document.pk)
    assert (stored.status, stored.pdf.name, stored.pages, stored.lease_until) == (
        "registered",
        converted.pdf.name,
        converted.pages,
        None,
    )


@pytest.mark.django_db(transaction=True)
def test_the_relaxed_write_relaxes_its_transaction_only_when_it_writes(centre, worker):
    document = _uploaded(centre, worker, "note.pdf", samples.pdf_bytes())

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    with transaction.atomic():
        missing = documents_by_id().filter(pk=document.pk + 1000)
        assert without_waiting_for_disk(missing).update(pages=3) == 0
        assert setting() == "on"
        found = documents_by_id().filter(pk=document.pk)
        assert without_waiting_for_disk(found).update(pages=3) == 1
        assert setting() == "off"
    assert setting() == "on"  # for this transaction only


@pytest.mark.django_db
def test_a_conversion_inside_a_callers_transaction_leaves_its_commit_durable(converter, centre, worker):
    # An eager task run inside a caller's transaction: that transaction is not the conversion's to relax.
    document = _uploaded(centre, worker)
    with CaptureQueriesContext(connection) as conversion:
        services.document_convert(document_id=document.pk, version=document.version)
    assert ASYNC_COMMIT not in [query["sql"] for query in conversion.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_without_returning_the_lease_is_an_update_then_a_read(converter, centre, worker, monkeypatch):
    # SQLite before 3.35 has no UPDATE … RETURNING: the lease falls back to the two statements.
    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: None)
    document = _uploaded(centre, worker)
    monkeypatch.setattr(conversion_statements, "_can_return_rows", lambda database: False)
    with CaptureQueriesContext(connection) as conversion:
        converted = services.document_convert(document_id=document.pk, version=document.version)
    assert converted.status == Document.Status.REGISTERED
    assert not [
        query
        for query in conversion.captured_queries
        if query["sql"].startswith("UPDATE") and "RETURNING" in query["sql"]
    ]
    assert services.document_convert(document_id=document.pk, version=document.version).status == "registered"


@pytest.mark.django_db(transaction=True)
def test_a_pdf_the_store_names_otherwise_is_registered_under_the_stores_name(
    converter, centre, worker, monkeypatch
):
    # A store that names the PDF otherwise than asked (a storage that renames): registered under its name.
    from django.core.files.storage import default_storage

    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: None)
    document = _uploaded(centre, worker)
    store = converting.store
    monkeypatch.setattr(
        converting, "store", lambda document, name, data: store(document, "v1-autre.pdf", data)
    )

    converted = services.document_convert(document_id=document.pk, version=document.version)

    saved = documents_by_id().get(pk=document.pk)
    assert saved.status == converted.status == Document.Status.REGISTERED
    assert saved.pdf.name == converted.pdf.name and saved.pdf.name.endswith("/v1-autre.pdf")
    assert default_storage.exists(saved.pdf.name) and saved.pages == 1
