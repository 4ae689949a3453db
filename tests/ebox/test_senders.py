"""Who sends, with what configuration, and to whom: the centre's onboarding decides, and the eBox is asked
whether the beneficiary has an eBox before anything is published."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from documents.models import DocumentEvent
from ebox import services
from ebox.models import EboxCredentials, Publication
from simulators.ebox.models import Message, OAuthClient, SenderConfiguration
from tests.ebox_onboarding import key_pair, simulator_publisher
from tests.factories import CentreFactory, DocumentTypeFactory, document_in

pytestmark = pytest.mark.django_db


def _send(document, capture):
    with capture(execute=True):
        return services.publication_request(document=document, language=None, by=document.uploaded_by)


def test_the_message_carries_the_centres_application_and_the_document_types_message_type(
    centre, ebox_simulator, activate, django_capture_on_commit_callbacks
):
    EboxCredentials.objects.for_centre(centre).update(sender_application_id="cpas-namur:decisions")
    SenderConfiguration.objects.create(
        organization_bce=centre.bce_number, application_id="cpas-namur:decisions", message_type_id="RIS-DEC"
    )
    document = document_in(
        centre, document_type=DocumentTypeFactory(centre=centre, ebox_message_type="RIS-DEC")
    )
    activate(document.dossier.beneficiary.niss)

    publication = _send(document, django_capture_on_commit_callbacks)

    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT
    message = Message.objects.get()
    assert (message.sender_organization_id, message.sender_application_id, message.message_type_id) == (
        centre.bce_number,
        "cpas-namur:decisions",
        "RIS-DEC",
    )


def test_a_configuration_the_ebox_does_not_know_fails_with_its_reason(
    centre, ebox_simulator, activate, django_capture_on_commit_callbacks
):
    EboxCredentials.objects.for_centre(centre).update(sender_application_id="never-onboarded")
    document = document_in(centre)
    activate(document.dossier.beneficiary.niss)

    publication = _send(document, django_capture_on_commit_callbacks)

    publication.refresh_from_db()
    assert publication.state == Publication.State.FAILED
    assert (
        "INVALID_SENDER" in publication.last_error
        and "Invalid message configuration" in publication.last_error
    )
    assert not Message.objects.exists()


def test_the_platform_may_not_publish_for_a_centre_it_is_not_mandatary_of(
    centre, ebox_simulator, activate, django_capture_on_commit_callbacks
):
    publisher = simulator_publisher()
    publisher.mandatary_for = ""
    publisher.save()
    document = document_in(centre)
    activate(document.dossier.beneficiary.niss)

    publication = _send(document, django_capture_on_commit_callbacks)

    publication.refresh_from_db()
    assert publication.state == Publication.State.FAILED
    assert "user credentials does not match payload" in publication.last_error


def test_a_centre_with_its_own_client_publishes_with_its_own_key(
    ebox_simulator, activate, tmp_path, django_capture_on_commit_callbacks
):
    centre = CentreFactory(ebox=False)
    own = key_pair("centre")
    (tmp_path / "key.pem").write_text(own.private_key)
    (tmp_path / "cert.pem").write_text(own.certificate)
    EboxCredentials.objects.create(
        centre=centre,
        sender_application_id="own-app",
        client_id="cpas-own",
        private_key_file=str(tmp_path / "key.pem"),
        certificate_file=str(tmp_path / "cert.pem"),
    )
    # Onboarded as itself: its certificate carries its own BCE; the platform is not its mandatary.
    OAuthClient.objects.create(
        client_id="cpas-own", organization_bce=centre.bce_number, public_keys=own.certificate
    )
    SenderConfiguration.objects.create(
        organization_bce=centre.bce_number, application_id="own-app", message_type_id="CPAS_DECISION"
    )
    document = document_in(centre)
    activate(document.dossier.beneficiary.niss)

    publication = _send(document, django_capture_on_commit_callbacks)

    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT
    assert Message.objects.get().client.client_id == "cpas-own"
    # And its read statuses are asked for as itself, which is the only client that sees them.
    assert services.publications_sync_status() == {"checked": 1, "read": 0}


def test_a_centre_without_ebox_access_can_not_send(centre, ebox):
    EboxCredentials.objects.for_centre(centre).delete()
    document = document_in(centre)

    with pytest.raises(services.PublicationRefused, match="accès eBox"):
        services.publication_request(document=document, language=None, by=document.uploaded_by)
    assert not Publication.objects.exists()


def test_without_own_client_nor_mandate_a_centre_can_not_send(centre, ebox, settings):
    settings.EBOX_PLATFORM_MANDATARY = False
    document = document_in(centre)

    with pytest.raises(services.PublicationRefused, match="mandataire"):
        services.publication_request(document=document, language=None, by=document.uploaded_by)


def test_a_document_type_without_message_type_can_not_be_sent(centre, ebox):
    document = document_in(centre, document_type=DocumentTypeFactory(centre=centre, ebox_message_type=""))

    with pytest.raises(services.PublicationRefused, match="type de message eBox"):
        services.publication_request(document=document, language=None, by=document.uploaded_by)


def test_a_beneficiary_without_ebox_is_known_before_anything_is_published(
    worker_client, centre, ebox_simulator, django_capture_on_commit_callbacks
):
    document = document_in(centre)

    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(reverse("ebox:send", args=[document.pk]))

    publication = Publication.objects.get()
    assert publication.state == Publication.State.NO_DIGITAL_USER
    assert publication.attempts == 0
    assert not Message.objects.exists()  # nothing reached publishMessage
    assert not [call for call in ebox_simulator.calls if call.url.endswith("/publishMessage")]
    assert response.url == reverse("documents:detail", args=[document.pk])
    (shown,) = get_messages(response.wsgi_request)
    assert "Bénéficiaire sans eBox" in str(shown)
    assert document.events.filter(kind=DocumentEvent.Kind.SEND_FAILED).count() == 1


def test_the_federation_is_asked_with_the_citizens_ssin(centre, ebox, django_capture_on_commit_callbacks):
    import json

    document = document_in(centre)

    _send(document, django_capture_on_commit_callbacks)

    (call,) = [c for c in ebox.calls if c.url.endswith("/eboxPreferences/search")]
    assert json.loads(call.body) == {
        "eboxType": "CITIZEN",
        "eboxIdType": "SSIN",
        "eboxIdValueList": [document.dossier.beneficiary.niss],
    }
    assert len(ebox.publish_calls()) == 1
