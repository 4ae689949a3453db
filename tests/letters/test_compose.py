"""« Rédiger un courrier »: the fields from the dossier and the register, the preview, the document."""

import pytest
from django.urls import reverse

from documents.models import Document
from letters.services import letter_languages
from primaweb.models import AuditEvent
from tests.factories import CentreFactory, DossierFactory, letter_template_in
from tests.letters.docx import text_of

pytestmark = pytest.mark.django_db

TEXT = (
    "{{ beneficiaire.prenom }} {{ beneficiaire.nom }}\n{{ adresse_legale }}\n"
    "Dossier {{ dossier.numero }}\n{{ texte_libre }}"
)


def _with_legal_address(dossier):
    person = dossier.beneficiary
    person.legal_street, person.legal_house_number = "Rue de Fer", "12"
    person.legal_postal_code, person.legal_municipality = "5000", "Namur"
    person.save()
    return dossier


def _compose(client, dossier, template, action, **data):
    return client.post(
        reverse("letters:compose", args=[dossier.pk]), {"template": template.pk, "action": action, **data}
    )


def test_the_page_is_a_traced_consultation_of_the_dossier(worker_client, worker, centre):
    dossier = DossierFactory(centre=centre)
    letter_template_in(centre)

    response = worker_client.get(reverse("letters:compose", args=[dossier.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, user=worker)
    assert event.details["persons"] == [dossier.beneficiary.niss]


def test_the_fields_are_shown_filled_from_the_dossier_and_the_register(worker_client, centre):
    dossier = _with_legal_address(DossierFactory(centre=centre, beneficiary__last_name="Dupont"))
    template = letter_template_in(centre, text=TEXT)

    response = _compose(worker_client, dossier, template, "fields", free_text="Votre demande est acceptée.")

    values = {name: value for name, _label, value in response.context["values"]}
    assert values["beneficiaire.nom"] == "Dupont"
    assert values["adresse_legale"] == "Rue de Fer 12\n5000 Namur"
    assert values["dossier.numero"] == dossier.number
    assert values["texte_libre"] == "Votre demande est acceptée."


def test_saving_makes_a_document_of_the_dossier_queued_for_conversion(
    worker_client, centre, django_capture_on_commit_callbacks
):
    dossier = _with_legal_address(DossierFactory(centre=centre, beneficiary__last_name="Dupont"))
    template = letter_template_in(centre, text=TEXT)

    with django_capture_on_commit_callbacks(execute=False):
        response = _compose(worker_client, dossier, template, "save", free_text="Accord.")

    document = Document.objects.for_centre(centre).get()
    assert response.status_code == 302 and response.url == reverse("documents:detail", args=[document.pk])
    assert document.dossier == dossier and document.document_type == template.document_type
    assert document.status == Document.Status.PENDING
    assert document.original_extension == "docx"
    text = text_of(document.original.read())
    assert "Dupont" in text and "5000 Namur" in text and "Accord." in text and "{{" not in text
    assert document.events.filter(kind="uploaded").exists()


def test_a_store_that_cannot_be_written_says_so_on_the_letter_and_keeps_nothing(
    worker_client, centre, monkeypatch
):
    import errno
    import os

    dossier = _with_legal_address(DossierFactory(centre=centre))
    template = letter_template_in(centre, text=TEXT)

    def disk_error(descriptor):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)
    response = _compose(worker_client, dossier, template, "save", free_text="Accord.")

    assert response.status_code == 200
    assert "Le stockage des fichiers est indisponible" in response.content.decode()
    assert not Document.objects.for_centre(centre).exists()


def test_no_legal_address_says_so_and_produces_nothing_unless_the_worker_confirms(
    worker_client, centre, django_capture_on_commit_callbacks
):
    dossier = DossierFactory(centre=centre)  # no legal address
    template = letter_template_in(centre, text=TEXT)

    refused = _compose(worker_client, dossier, template, "save")

    assert refused.status_code == 200
    assert "{{ adresse_legale }}" in " ".join(refused.context["form"].non_field_errors())
    assert not Document.objects.for_centre(centre).exists()
    with django_capture_on_commit_callbacks(execute=False):
        confirmed = _compose(worker_client, dossier, template, "save", allow_empty="on")

    assert confirmed.status_code == 302
    assert Document.objects.for_centre(centre).count() == 1


def test_the_preview_is_the_pdf_of_the_converter(worker_client, centre, converter):
    dossier = _with_legal_address(DossierFactory(centre=centre))
    template = letter_template_in(centre, text=TEXT)

    response = _compose(worker_client, dossier, template, "preview")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not Document.objects.for_centre(centre).exists()  # a preview keeps nothing


def test_a_brussels_centre_writes_in_the_citizens_language(worker_client):
    brussels = CentreFactory(brussels=True)
    dossier = DossierFactory(centre=brussels, beneficiary__language="nl")
    assert letter_languages(centre=brussels, person=dossier.beneficiary) == ("nl",)
    dossier.beneficiary.language = ""
    assert letter_languages(centre=brussels, person=dossier.beneficiary) == ("fr", "nl")


def test_only_templates_in_the_citizens_language_are_offered(client, worker):
    from tests.conftest import sign_in
    from tests.factories import MembershipFactory

    brussels = CentreFactory(brussels=True)
    MembershipFactory(centre=brussels, user=worker)
    client = sign_in(client, worker, brussels)
    dossier = DossierFactory(centre=brussels, beneficiary__language="nl")
    dutch = letter_template_in(brussels, language="nl")
    letter_template_in(brussels, language="fr")

    response = client.get(reverse("letters:compose", args=[dossier.pk]))

    assert list(response.context["form"].fields["template"].queryset) == [dutch]
