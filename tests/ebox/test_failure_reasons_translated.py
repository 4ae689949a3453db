"""A failure's reason is stored as a code and read in the reader's language, whoever's language was
active when it failed (a worker's: French)."""

import pytest
from django.urls import reverse
from django.utils import translation

from documents import services as document_services
from documents.failures import Failure
from ebox import services
from ebox.models import Publication
from tests.factories import document_in

pytestmark = pytest.mark.django_db


def _dutch(client):
    client.cookies["django_language"] = "nl"
    return client


def test_a_conversion_failure_written_in_french_reads_in_dutch(worker_client, centre):
    document = document_in(centre, status="converting")
    with translation.override("fr"):
        document_services.document_conversion_failed(
            document_id=document.pk, version=document.version, reason=Failure("too_slow")
        )
    document.refresh_from_db()
    assert document.failure == {"code": "too_slow", "params": {}}

    page = _dutch(worker_client).get(reverse("documents:detail", args=[document.pk])).content.decode()

    dutch = "Het omzetten van dit bestand duurt te lang"
    assert page.count(dutch) == 2  # the reason, and the history's line
    assert "trop long à convertir" not in page


def test_a_refused_pdf_reads_in_dutch_with_the_nested_refusal(worker_client, centre):
    from documents.validation import FileRefused

    document = document_in(centre, status="converting")
    refusal = FileRefused("pdf_javascript")
    with translation.override("fr"):
        document_services.document_conversion_failed(
            document_id=document.pk,
            version=document.version,
            reason=Failure("pdf_refused", {"reason": {"code": "file:pdf_javascript", "params": {}}}),
        )
    page = _dutch(worker_client).get(reverse("documents:detail", args=[document.pk])).content.decode()
    with translation.override("nl"):
        expected = f"De pdf die uit de conversie van dit bestand voortkomt, wordt geweigerd: {refusal}"
    assert expected in page.replace("&#x27;", "'")
    assert "JavaScript ne sont pas" not in page


def test_an_old_reason_stored_as_text_is_still_shown(worker_client, centre):
    document = document_in(centre, status="failed", failure_reason="LibreOffice n'a pas pu lire le fichier.")
    page = worker_client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "LibreOffice n&#x27;a pas pu lire le fichier." in page


def test_an_ebox_refusal_recorded_by_a_french_worker_reads_in_dutch(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    ebox.script = ["400"]
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.publication_request(document=document, language="fr", by=document.uploaded_by)
    publication = Publication.objects.get()
    assert publication.failure["code"] == "ebox_rejected"

    client = _dutch(worker_client)
    fragment = client.get(reverse("ebox:document_publications", args=[document.pk])).content.decode()
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()

    for html in (fragment, page):
        assert "De eBox heeft het bericht geweigerd: INVALID_INPUT" in html
        assert "a refusé le message" not in html


def test_a_citizen_without_ebox_is_said_in_dutch_to_a_dutch_reader(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    ebox.not_activated.add(document.dossier.beneficiary.niss)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.publication_request(document=document, language="fr", by=document.uploaded_by)

    client = _dutch(worker_client)
    fragment = client.get(reverse("ebox:document_publications", args=[document.pk])).content.decode()
    assert "activé son eBox" not in fragment
    with translation.override("nl"):
        assert str(Failure("no_ebox")) in fragment.replace("&#x27;", "'")
