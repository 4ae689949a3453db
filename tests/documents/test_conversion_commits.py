"""The conversion's own commits do not wait for PostgreSQL's disk flush (a few milliseconds each, a tenth
of a conversion); the upload's commit, which the social worker is told is saved, does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import services
from documents.models import Document
from tests import samples
from tests.factories import DocumentTypeFactory, DossierFactory

ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF"

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")


@pytest.mark.django_db(transaction=True)
def test_conversion_commits_without_waiting_for_the_disk_but_the_upload_waits(
    converter, centre, worker, monkeypatch
):
    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: None)
    with CaptureQueriesContext(connection) as upload:
        document = services.document_upload(
            centre=centre,
            dossier=DossierFactory(centre=centre),
            name="courrier.docx",
            data=samples.docx_bytes(),
            document_type=DocumentTypeFactory(centre=centre),
            by=worker,
        )
    with CaptureQueriesContext(connection) as conversion:
        converted = services.document_convert(document_id=document.pk, version=document.version)

    assert converted.status == Document.Status.REGISTERED
    assert ASYNC_COMMIT not in [query["sql"] for query in upload.captured_queries]
    # The lease taken, then the outcome: each its own transaction, each not waiting for the flush.
    assert [query["sql"] for query in conversion.captured_queries].count(ASYNC_COMMIT) == 2


@pytest.mark.django_db
def test_a_conversion_inside_a_callers_transaction_leaves_its_commit_durable(converter, centre, worker):
    # An eager task run inside a caller's transaction: that transaction is not the conversion's to relax.
    dossier, document_type = DossierFactory(centre=centre), DocumentTypeFactory(centre=centre)
    document = services.document_upload(
        centre=centre,
        dossier=dossier,
        name="courrier.docx",
        data=samples.docx_bytes(),
        document_type=document_type,
        by=worker,
    )
    with CaptureQueriesContext(connection) as conversion:
        services.document_convert(document_id=document.pk, version=document.version)
    assert ASYNC_COMMIT not in [query["sql"] for query in conversion.captured_queries]
