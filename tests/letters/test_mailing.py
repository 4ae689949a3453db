"""« Envoi groupé de courriers »: one letter per dossier, converted by the real converter, sent to the eBox
simulator; each letter's outcome, the progress as JSON, and « Réessayer » for the failed ones."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from documents.models import Document
from ebox.models import Publication
from letters import mailing as mailing_services
from letters.models import Mailing, MailingItem
from simulators.ebox.models import Message
from tests.factories import DocumentTypeFactory, DossierFactory, letter_template_in, mailing_in

pytestmark = pytest.mark.django_db

TEXT = "{{ beneficiaire.nom }}\n{{ adresse_legale }}\n{{ dossier.numero }}"


def _legal(dossier):
    person = dossier.beneficiary
    person.legal_street, person.legal_postal_code, person.legal_municipality = "Rue Haute 3", "5000", "Namur"
    person.save()
    return dossier


def _start(client, document_type, capture, **criteria):
    with capture(execute=True):
        return client.post(
            reverse("letters:mailing_new"), {"document_type": document_type.pk, "free_text": "", **criteria}
        )


def test_a_mailing_sends_one_letter_per_dossier_and_says_why_one_failed(
    worker_client, centre, converter, ebox_simulator, activate, django_capture_on_commit_callbacks
):
    document_type = DocumentTypeFactory(centre=centre)
    letter_template_in(centre, text=TEXT, document_type=document_type)
    sent = [_legal(DossierFactory(centre=centre, beneficiary__last_name=f"Martin{i}")) for i in range(3)]
    for dossier in sent:
        activate(dossier.beneficiary.niss)
    no_address = DossierFactory(centre=centre, beneficiary__last_name="Martinez")
    DossierFactory(centre=centre, beneficiary__last_name="Dupont")  # outside the criteria

    response = _start(worker_client, document_type, django_capture_on_commit_callbacks, name="Martin")

    mailing = Mailing.objects.for_centre(centre).get()
    assert response.status_code == 302 and response.url == reverse("letters:mailing", args=[mailing.pk])
    items = {item.dossier: item for item in MailingItem.objects.for_centre(centre)}
    assert set(items) == {*sent, no_address}
    assert {items[dossier].state for dossier in sent} == {MailingItem.State.SENT}
    assert Message.objects.filter(delivered=True).count() == 3
    assert items[no_address].state == MailingItem.State.FAILED
    assert "{{ adresse_legale }}" in items[no_address].error_message
    assert Document.objects.for_centre(centre).filter(dossier=no_address).count() == 0  # not half-filled
    progress = worker_client.get(reverse("letters:mailing_progress", args=[mailing.pk])).json()
    assert progress == {"total": 4, "sent": 3, "failed": 1, "done": 4, "percent": 100, "finished": True}


def test_retry_gives_the_failed_letters_another_go(
    worker_client, centre, converter, ebox_simulator, activate, django_capture_on_commit_callbacks
):
    document_type = DocumentTypeFactory(centre=centre)
    letter_template_in(centre, text=TEXT, document_type=document_type)
    dossier = _legal(DossierFactory(centre=centre))
    _start(worker_client, document_type, django_capture_on_commit_callbacks)
    item = MailingItem.objects.for_centre(centre).get()
    assert item.state == MailingItem.State.FAILED  # the citizen has no eBox yet
    assert item.publication.state == Publication.State.NO_DIGITAL_USER
    page = worker_client.get(reverse("letters:mailing", args=[item.mailing_id]))
    assert escape(item.error_message) in page.content.decode()

    activate(dossier.beneficiary.niss)
    with django_capture_on_commit_callbacks(execute=True):
        worker_client.post(reverse("letters:mailing_retry", args=[item.mailing_id]))

    item.refresh_from_db()
    assert item.state == MailingItem.State.SENT
    # The document registered the first time is sent again, not generated twice.
    assert Document.objects.for_centre(centre).filter(dossier=dossier).count() == 1


def test_a_step_run_twice_moves_each_letter_once(centre, django_capture_on_commit_callbacks):
    mailing = mailing_in(centre)
    letter_template_in(centre, text="{{ dossier.numero }}", document_type=mailing.document_type)

    with django_capture_on_commit_callbacks(execute=False):
        mailing_services.mailing_step(mailing_id=mailing.pk)
        mailing_services.mailing_step(mailing_id=mailing.pk)

    assert Document.objects.for_centre(centre).count() == 1
    assert MailingItem.objects.for_centre(centre).get().state == MailingItem.State.CONVERTING


def test_a_type_without_template_is_refused_at_once(
    worker_client, centre, django_capture_on_commit_callbacks
):
    DossierFactory(centre=centre)
    document_type = DocumentTypeFactory(centre=centre)

    response = _start(worker_client, document_type, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Aucun modèle" in " ".join(response.context["form"].non_field_errors())
    assert not Mailing.objects.for_centre(centre).exists()


def test_a_dossier_in_a_language_without_template_fails_with_its_reason(
    client, worker, django_capture_on_commit_callbacks
):
    from tests.conftest import sign_in
    from tests.factories import CentreFactory, MembershipFactory

    brussels = CentreFactory(brussels=True)
    MembershipFactory(centre=brussels, user=worker)
    client = sign_in(client, worker, brussels)
    document_type = DocumentTypeFactory(centre=brussels)
    letter_template_in(brussels, language="fr", text="{{ dossier.numero }}", document_type=document_type)
    DossierFactory(centre=brussels, beneficiary__language="nl")

    _start(client, document_type, django_capture_on_commit_callbacks)

    item = MailingItem.objects.for_centre(brussels).get()
    assert item.state == MailingItem.State.FAILED and item.error == "no_template"
