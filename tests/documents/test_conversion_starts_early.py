"""The upload's message names the stored original, so that the worker starts converting it while it takes
the lease; the message is not trusted for anything else: only the leased row's own file becomes its PDF."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from documents import services
from documents.models import Document
from tests import samples
from tests.factories import DocumentTypeFactory, DossierFactory

from .test_conversion import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def _uploaded(centre, worker, text: str) -> Document:
    return services.document_upload(
        centre=centre,
        dossier=DossierFactory(centre=centre),
        name="courrier.docx",
        data=samples.docx_bytes(text),
        document_type=DocumentTypeFactory(centre=centre),
        by=worker,
    )


def _pdf(document: Document) -> str:
    with default_storage.open(document.pdf.name, "rb") as stored:
        return pdf_text(stored.read())


@pytest.fixture
def not_queued(monkeypatch):
    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: None)


def test_the_original_the_message_names_is_converted(converter, centre, worker, not_queued):
    document = _uploaded(centre, worker, "Décision de Louise")

    converted = services.document_convert(
        document_id=document.pk, version=document.version, original=document.original.name
    )

    assert converted.status == Document.Status.REGISTERED and "Décision de Louise" in _pdf(converted)


@pytest.fixture
def opened(monkeypatch):
    """The names the storage is asked to open (it still opens them)."""
    names, open_ = [], default_storage.open

    def spying(name, *args, **kwargs):
        names.append(name)
        return open_(name, *args, **kwargs)

    monkeypatch.setattr(default_storage, "open", spying)
    return names


def test_a_message_naming_another_documents_original_still_converts_the_documents_own(
    converter, centre, worker, not_queued, caplog
):
    document = _uploaded(centre, worker, "Décision de Louise")
    other = _uploaded(centre, worker, "Courrier de Marc").original.name

    converted = services.document_convert(document_id=document.pk, version=document.version, original=other)

    text = _pdf(converted)
    assert converted.status == Document.Status.REGISTERED
    assert "Décision de Louise" in text and "Marc" not in text
    assert f"conversion message of document {document.pk} named another file" in caplog.text


@pytest.mark.parametrize("other", ["lettres/courrier.docx", "documents/../lettres/courrier.docx"])
def test_a_message_naming_a_file_outside_an_uploads_folder_is_not_even_read(
    converter, centre, worker, not_queued, opened, other
):
    document = _uploaded(centre, worker, "Décision de Louise")
    default_storage.save("lettres/courrier.docx", ContentFile(samples.docx_bytes("Courrier de Marc")))

    converted = services.document_convert(document_id=document.pk, version=document.version, original=other)

    assert opened == [document.original.name]
    assert converted.status == Document.Status.REGISTERED and "Marc" not in _pdf(converted)


def test_a_message_for_a_document_no_longer_waiting_writes_nothing(converter, centre, worker, not_queued):
    document = _uploaded(centre, worker, "Décision de Louise")
    first = services.document_convert(document_id=document.pk, version=document.version)

    again = services.document_convert(
        document_id=document.pk, version=document.version, original=document.original.name
    )

    assert again.status == Document.Status.REGISTERED and again.pdf.name == first.pdf.name
    assert list(again.events.values_list("kind", flat=True)).count("converted") == 1
