"""« Ajouter un document »: the upload screen, its rules, and what is stored."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from documents.models import Document
from documents.validation import MAX_SIZE
from primaweb.models import AuditEvent
from tests import samples
from tests.factories import DocumentTypeFactory


def upload(client, dossier, document_type, name, data, **extra):
    return client.post(
        reverse("documents:upload", args=[dossier.pk]),
        {"document_type": document_type.pk, "file": SimpleUploadedFile(name, data), **extra},
    )


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_pdf_upload_is_kept_as_is_and_registered_at_once(worker_client, worker, dossier, decision, settings):
    data = samples.pdf_bytes(pages=2)
    response = upload(worker_client, dossier, decision, "Décision.PDF", data)
    document = Document.objects.get()
    assert response.status_code == 302 and response.url == reverse("documents:detail", args=[document.pk])
    assert document.status == Document.Status.REGISTERED and document.pages == 2
    assert document.pdf.name == document.original.name
    assert Path(settings.MEDIA_ROOT, document.original.name).read_bytes() == data
    assert [e.kind for e in document.events.all()] == ["uploaded", "converted"]
    assert AuditEvent.objects.filter(action="create", object_type="documents.Document", user=worker).exists()


@pytest.mark.django_db
def test_word_upload_waits_for_conversion_and_queues_it_after_commit(
    worker_client, dossier, decision, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        upload(worker_client, dossier, decision, "courrier.docx", samples.docx_bytes())
    document = Document.objects.get()
    assert document.status == Document.Status.PENDING and not document.pdf
    assert queued == [(document.pk, 1, document.original.name)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("courrier.txt", b"hello", "DOC, DOCX, RTF, ODT"),
        ("vide.pdf", b"", "Le fichier est vide."),
        ("image.docx", samples.png_bytes(), "ne correspond pas à son extension"),
        ("chiffre.pdf", samples.encrypted_pdf_bytes(), "protégé par un mot de passe"),
        ("macro.docx", samples.docm_renamed_bytes(), "macros"),
        ("x" * 77 + ".pdf", samples.pdf_bytes(), "80 caractères"),
    ],
    ids=["extension", "empty", "sniffed", "encrypted", "macro", "name-length"],
)
def test_refused_file_says_why_and_leaves_nothing_behind(
    worker_client, dossier, decision, settings, name, data, message
):
    response = upload(worker_client, dossier, decision, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_over_size_body_is_cut_off_with_a_clear_message(worker_client, dossier, decision, settings):
    data = samples.pdf_bytes(size=MAX_SIZE + 10_000)
    response = upload(worker_client, dossier, decision, "gros.pdf", data)
    assert response.status_code == 200
    assert "Le fichier dépasse la taille maximale de 1,5 Mo." in response.content.decode()
    assert not Document.objects.exists() and stored_files(settings) == []


@pytest.mark.django_db
def test_refusal_is_in_dutch_for_a_dutch_speaking_worker(worker_client, dossier, decision):
    worker_client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = upload(worker_client, dossier, decision, "vide.pdf", b"").content.decode()
    assert "Le fichier est vide." not in page
    assert 'lang="nl"' in page


@pytest.mark.django_db
def test_same_file_twice_in_a_dossier_warns_and_needs_a_confirmation(worker_client, dossier, decision):
    data = samples.pdf_bytes()
    upload(worker_client, dossier, decision, "decision.pdf", data)
    response = upload(worker_client, dossier, decision, "copie.pdf", data)
    assert "Ce fichier a déjà été chargé dans ce dossier" in response.content.decode()
    assert Document.objects.count() == 1
    upload(worker_client, dossier, decision, "copie.pdf", data, allow_duplicate="on")
    assert Document.objects.count() == 2


@pytest.mark.django_db
def test_another_centres_document_type_cannot_be_used(worker_client, dossier, other_centre):
    foreign_type = DocumentTypeFactory(centre=other_centre)
    response = upload(worker_client, dossier, foreign_type, "decision.pdf", samples.pdf_bytes())
    assert response.status_code == 200 and "document_type" in response.context["form"].errors
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_upload_start_finds_the_beneficiary_by_niss_and_offers_to_add_an_unknown_person(
    worker_client, dossier
):
    response = worker_client.get(reverse("documents:upload_start"), {"niss": dossier.beneficiary.niss})
    assert response.status_code == 302 and response.url == reverse("documents:upload", args=[dossier.pk])
    page = worker_client.get(reverse("documents:upload_start"), {"niss": "85073003427"}).content.decode()
    assert "Cette personne n'est pas connue du C.P.A.S." in page
    assert "Ajouter une personne" in page and "next=" in page


@pytest.mark.django_db
def test_dossier_page_embeds_its_documents_section(worker_client, dossier, decision):
    upload(worker_client, dossier, decision, "decision.pdf", samples.pdf_bytes())
    page = worker_client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    section_url = reverse("documents:dossier_section", args=[dossier.pk])
    assert f'data-fragment="{section_url}"' in page
    fragment = worker_client.get(section_url).content.decode()
    assert "decision.pdf" in fragment and "Ajouter un document" in fragment


@pytest.mark.django_db
def test_active_pdf_upload_is_refused_with_its_reason(worker_client, dossier, decision, settings):
    script = samples.pdf_bytes().replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (1) >>"
    )
    response = upload(worker_client, dossier, decision, "courrier.pdf", script)
    assert response.status_code == 200
    assert "Les PDF contenant du JavaScript ne sont pas acceptés." in response.content.decode()
    assert not Document.objects.exists() and stored_files(settings) == []


@pytest.mark.django_db
def test_document_whose_converted_pdf_would_open_a_local_file_fails_to_convert_with_the_reason(
    worker_client, dossier, decision, converter, django_capture_on_commit_callbacks, settings
):
    # LibreOffice writes a link to a file as a link without a web address: a reader would open the
    # citizen's file (or a network share, with their Windows credentials).
    hostile = samples.odt_with_link_bytes("file:///usr/bin/xcalc")
    harmless = samples.odt_with_link_bytes("https://www.example.be/", text="Notre site")
    with django_capture_on_commit_callbacks(execute=True):
        upload(worker_client, dossier, decision, "lien-local.odt", hostile)
        upload(worker_client, dossier, decision, "lien-web.odt", harmless)

    refused, accepted = Document.objects.order_by("pk")
    assert refused.status == Document.Status.FAILED and not refused.pdf
    assert refused.failure_reason.startswith("Le PDF obtenu en convertissant ce fichier est refusé : ")
    assert "lancent un programme, ouvrent un autre fichier" in refused.failure_reason
    assert accepted.status == Document.Status.REGISTERED and accepted.pdf
    # The refused PDF was written while it was checked: it is not left in the store.
    media = Path(settings.MEDIA_ROOT)
    assert sorted(str(path.relative_to(media)) for path in stored_files(settings)) == sorted(
        [refused.original.name, accepted.original.name, accepted.pdf.name]
    )


@pytest.mark.django_db
def test_add_a_person_opens_the_identification_with_the_niss_just_typed(worker_client, dossier):
    import html
    import re

    page = worker_client.get(reverse("documents:upload_start"), {"niss": "85.07.30-034.27"}).content.decode()
    link = html.unescape(re.search(r'<a href="([^"]+)" class="button">Ajouter une personne', page).group(1))
    identification = worker_client.get(link).content.decode()
    field = re.search(r'<input[^>]*name="niss-niss"[^>]*>', identification).group(0)
    assert 'value="85073003427"' in field


@pytest.mark.django_db
def test_add_a_person_opens_the_identification_with_the_name_just_typed(worker_client, dossier):
    import html
    import re

    page = worker_client.get(reverse("documents:upload_start"), {"name": "Inconnue"}).content.decode()
    link = html.unescape(re.search(r'<a href="([^"]+)" class="button">Ajouter une personne', page).group(1))
    identification = worker_client.get(link).content.decode()
    field = re.search(r'<input[^>]*name="ph-last_name"[^>]*>', identification).group(0)
    assert 'value="Inconnue"' in field


@pytest.mark.django_db
def test_an_over_size_file_is_refused_in_the_readers_language(worker_client, dossier, decision, settings):
    worker_client.cookies["django_language"] = "nl"
    data = samples.pdf_bytes(size=MAX_SIZE + 10_000)
    page = upload(worker_client, dossier, decision, "gros.pdf", data).content.decode()
    assert "taille maximale" not in page
    with translation.override("nl"):
        assert translation.gettext("Le fichier dépasse la taille maximale de 1,5 Mo.") in page
