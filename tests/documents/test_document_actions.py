"""« Traitement d'un document »: open, save, print, replace, archive, delete, and the history of each."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document
from tests import samples
from tests.factories import document_in


@pytest.fixture
def document(centre):
    return document_in(centre)


def kinds(document):
    return list(document.events.values_list("kind", flat=True))


@pytest.mark.django_db
def test_pdf_opens_inline_with_safe_headers_and_is_logged(worker_client, worker, document):
    response = worker_client.get(reverse("documents:pdf", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert kinds(document) == ["viewed"]
    assert document.events.get().by == worker


@pytest.mark.django_db
def test_save_downloads_the_pdf_and_print_is_logged_as_such(worker_client, document):
    response = worker_client.get(reverse("documents:download", args=[document.pk]))
    assert (
        response["Content-Disposition"].startswith("attachment")
        and 'filename="decision.pdf"' in response["Content-Disposition"]
    )
    printed = worker_client.post(reverse("documents:print", args=[document.pk]))
    assert printed["Content-Type"] == "application/pdf" and printed["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(printed.streaming_content).startswith(b"%PDF-")
    assert kinds(document) == ["downloaded", "printed"]


@pytest.mark.django_db
def test_a_link_cannot_record_a_printing(worker_client, document):
    """Another site can make the browser GET any URL: only the « Imprimer » POST records a printing."""
    worker_client.get(reverse("documents:pdf", args=[document.pk]), {"imprimer": "1"})
    assert worker_client.get(reverse("documents:print", args=[document.pk])).status_code == 405
    assert kinds(document) == ["viewed"]


@pytest.mark.django_db
def test_pdf_is_served_only_to_members_of_the_centre(client, document, other_centre):
    from tests.conftest import sign_in
    from tests.factories import MembershipFactory

    assert client.get(reverse("documents:pdf", args=[document.pk])).status_code == 302
    sign_in(client, MembershipFactory(centre=other_centre).user, other_centre)
    assert client.get(reverse("documents:pdf", args=[document.pk])).status_code == 404


@pytest.mark.django_db
def test_replace_puts_the_new_file_in_place_and_removes_the_old_one(
    worker_client, document, settings, django_capture_on_commit_callbacks
):
    old_path = Path(settings.MEDIA_ROOT, document.original.name)
    new = samples.pdf_bytes(pages=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(
            reverse("documents:replace", args=[document.pk]),
            {"file": SimpleUploadedFile("nouvelle.pdf", new)},
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.version, document.original_name, document.pages) == (2, "nouvelle.pdf", 3)
    assert Path(settings.MEDIA_ROOT, document.pdf.name).read_bytes() == new
    assert not old_path.exists()
    assert kinds(document)[-2:] == ["replaced", "converted"]


@pytest.mark.django_db
def test_refused_replacement_keeps_the_document_as_it_was(worker_client, document, settings):
    before = Path(settings.MEDIA_ROOT, document.pdf.name).read_bytes()
    response = worker_client.post(
        reverse("documents:replace", args=[document.pk]),
        {"file": SimpleUploadedFile("vide.pdf", b"")},
        follow=True,
    )
    assert "Le fichier est vide." in response.content.decode()
    document.refresh_from_db()
    assert document.version == 1 and Path(settings.MEDIA_ROOT, document.pdf.name).read_bytes() == before


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["sent", "read"])
def test_sent_document_cannot_be_replaced_or_deleted(worker_client, centre, status):
    document = document_in(centre, status=status)
    page = worker_client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Remplacer document" not in page and "Supprimer" not in page
    response = worker_client.post(
        reverse("documents:replace", args=[document.pk]),
        {"file": SimpleUploadedFile("x.pdf", samples.pdf_bytes())},
    )
    assert response.status_code == 403
    assert worker_client.post(reverse("documents:delete", args=[document.pk])).status_code == 403
    document.refresh_from_db()
    assert document.version == 1 and document.deleted_at is None


@pytest.mark.django_db
def test_replace_asks_for_a_confirmation_first(worker_client, document):
    page = worker_client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert 'data-confirm="Remplacer ce document' in page


@pytest.mark.django_db
def test_delete_asks_then_removes_the_file_and_keeps_the_history(
    worker_client, document, settings, django_capture_on_commit_callbacks
):
    path = Path(settings.MEDIA_ROOT, document.pdf.name)
    confirm = worker_client.get(reverse("documents:delete", args=[document.pk])).content.decode()
    assert "Supprimer le document ?" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        worker_client.post(reverse("documents:delete", args=[document.pk]))
    document.refresh_from_db()
    assert document.deleted_at is not None and not path.exists()
    assert kinds(document) == ["deleted"]
    page = worker_client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Historique du document" in page and "Supprimé" in page
    assert worker_client.get(reverse("documents:pdf", args=[document.pk])).status_code == 404
    assert "decision.pdf" not in worker_client.get(reverse("documents:manage")).content.decode()


@pytest.mark.django_db
def test_archive_moves_to_old_documents_and_unarchive_brings_it_back(worker_client, document):
    worker_client.post(reverse("documents:archive", args=[document.pk]))
    assert "decision.pdf" not in worker_client.get(reverse("documents:manage")).content.decode()
    old = worker_client.get(reverse("documents:manage"), {"anciens": "1"}).content.decode()
    assert "Anciens documents" in old and "decision.pdf" in old
    worker_client.post(reverse("documents:archive", args=[document.pk]), {"action": "unarchive"})
    assert "decision.pdf" in worker_client.get(reverse("documents:manage")).content.decode()
    assert kinds(document) == ["archived", "unarchived"]


@pytest.mark.django_db
def test_status_tells_the_page_whether_the_conversion_is_still_running(worker_client, centre):
    pending = document_in(centre, status="pending")
    assert worker_client.get(reverse("documents:status", args=[pending.pk])).json() == {
        "status": "pending",
        "label": "En attente de conversion",
        "converting": True,
    }
    page = worker_client.get(reverse("documents:detail", args=[pending.pk])).content.decode()
    assert f'data-status-url="{reverse("documents:status", args=[pending.pk])}"' in page


@pytest.mark.django_db
def test_failed_conversion_shows_the_reason_and_retry_queues_it_again(
    worker_client, centre, monkeypatch, django_capture_on_commit_callbacks
):
    failed = document_in(centre, status="failed", failure_reason="LibreOffice n'a pas pu lire le fichier.")
    page = worker_client.get(reverse("documents:detail", args=[failed.pk])).content.decode()
    assert "Conversion échouée" in page and "LibreOffice n&#x27;a pas pu lire le fichier." in page
    queued = []
    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        worker_client.post(reverse("documents:retry", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == Document.Status.PENDING and queued == [(failed.pk, 1, failed.original.name)]
    assert kinds(failed) == ["retried"]
