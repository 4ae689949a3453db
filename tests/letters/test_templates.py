"""« Modèles de courrier »: the administrator's screen and the admin check every template on upload."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from letters.models import LetterTemplate
from tests.factories import DocumentTypeFactory
from tests.letters.docx import template

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _post(client, centre, data: bytes, name="modele.docx", **fields):
    document_type = fields.pop("document_type", None) or DocumentTypeFactory(centre=centre)
    return client.post(
        reverse("letters:template_add"),
        {
            "name": fields.pop("title", "Décision"),
            "language": "fr",
            "document_type": document_type.pk,
            "is_active": "on",
            "file": SimpleUploadedFile(name, data, DOCX),
        },
    )


def test_administrator_uploads_a_template_whose_fields_are_all_known(centre_admin_client, centre):
    data = template("{{ beneficiaire.nom }}", "{{dossier.numero}}", header="{{ centre.nom }}")

    response = _post(centre_admin_client, centre, data)

    assert response.status_code == 302
    saved = LetterTemplate.objects.for_centre(centre).get()
    assert saved.fields == ["beneficiaire.nom", "dossier.numero", "centre.nom"]
    assert saved.file_name == "modele.docx"


def test_an_unknown_field_is_refused_naming_it(centre_admin_client, centre):
    response = _post(
        centre_admin_client, centre, template("{{ beneficiaire.nom }} {{ beneficiaire.pointure }}")
    )

    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "{{ beneficiaire.pointure }}" in message
    assert "{{ beneficiaire.nom }}" not in message.split("Champs disponibles")[0]
    assert not LetterTemplate.objects.for_centre(centre).exists()


def test_a_broken_docx_is_refused_with_a_clear_message(centre_admin_client, centre):
    data = template("{{ beneficiaire.nom }}")
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item.filename))

    response = _post(centre_admin_client, centre, broken.getvalue())

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not LetterTemplate.objects.for_centre(centre).exists()


def test_a_template_with_macros_is_refused_as_any_upload(centre_admin_client, centre):
    data = template("{{ beneficiaire.nom }}")
    with_macros = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(with_macros, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 512)

    response = _post(centre_admin_client, centre, with_macros.getvalue())

    assert "macros" in " ".join(response.context["form"].errors["file"])
    assert not LetterTemplate.objects.for_centre(centre).exists()


def test_a_file_that_is_not_a_docx_is_refused(centre_admin_client, centre):
    from tests.samples import pdf_bytes

    response = _post(centre_admin_client, centre, pdf_bytes(), name="modele.pdf")

    assert "DOCX" in " ".join(response.context["form"].errors["file"])


def test_a_social_worker_may_not_manage_templates(worker_client):
    assert worker_client.get(reverse("letters:templates")).status_code == 403


def test_the_admin_checks_the_uploaded_template_too(client, centre, administrator):
    client.force_login(administrator)
    document_type = DocumentTypeFactory(centre=centre)
    url = reverse("admin:letters_lettertemplate_add")

    refused = client.post(
        url,
        {
            "centre": centre.pk,
            "name": "Rappel",
            "language": "nl",
            "document_type": document_type.pk,
            "is_active": "on",
            "upload": SimpleUploadedFile("m.docx", template("{{ inconnu }}"), DOCX),
        },
    )
    assert "{{ inconnu }}" in refused.content.decode()
    accepted = client.post(
        url,
        {
            "centre": centre.pk,
            "name": "Rappel",
            "language": "nl",
            "document_type": document_type.pk,
            "is_active": "on",
            "upload": SimpleUploadedFile("m.docx", template("{{ dossier.numero }}"), DOCX),
        },
    )

    assert accepted.status_code == 302
    saved = LetterTemplate.objects.for_centre(centre).get()
    assert (saved.language, saved.fields) == ("nl", ["dossier.numero"])


def test_editing_a_template_without_a_file_keeps_its_file_and_a_new_file_is_checked(
    centre_admin_client, centre
):
    from tests.factories import letter_template_in

    saved = letter_template_in(centre, name="Rappel", text="{{ dossier.numero }}")
    url = reverse("letters:template_edit", args=[saved.pk])
    data = {"name": "Rappel de documents", "language": "fr", "document_type": saved.document_type_id}

    renamed = centre_admin_client.post(url, {**data, "is_active": "on"})
    refused = centre_admin_client.post(
        url, {**data, "file": SimpleUploadedFile("m.docx", template("{{ dossier.nombre }}"), DOCX)}
    )

    assert renamed.status_code == 302
    assert "{{ dossier.nombre }}" in " ".join(refused.context["form"].errors["file"])
    saved.refresh_from_db()
    assert (saved.name, saved.fields, saved.is_active) == ("Rappel de documents", ["dossier.numero"], True)
