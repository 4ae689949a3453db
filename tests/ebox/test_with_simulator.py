"""The whole path against the real eBox simulator, reached over (in-process) HTTP."""

import pytest
from django.urls import reverse

from documents.models import Document, DocumentEvent
from ebox import services
from ebox.models import Publication
from simulators.ebox import services as simulator
from simulators.ebox.models import AccessToken, Message
from tests.factories import document_in

pytestmark = pytest.mark.django_db


def _send(client, document, capture, **data):
    with capture(execute=True):
        return client.post(reverse("ebox:send", args=[document.pk]), data)


def test_sent_document_lands_in_the_citizens_ebox_and_is_read(
    worker_client, centre, ebox_simulator, activate, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    activate(document.dossier.beneficiary.niss)

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    message = Message.objects.get()
    assert publication.state == Publication.State.SENT
    assert publication.message_id == message.message_id
    assert message.delivered and message.language == "fr"
    assert message.subject == document.document_type.label_fr
    assert message.recipient_niss == document.dossier.beneficiary.niss
    document.refresh_from_db()
    assert document.status == Document.Status.SENT

    assert services.publications_sync_status() == {"checked": 1, "read": 0}
    simulator.message_open(message=message)  # the citizen opens it in My eBox
    assert services.publications_sync_status() == {"checked": 1, "read": 1}
    document.refresh_from_db()
    assert document.status == Document.Status.READ
    assert document.events.filter(kind=DocumentEvent.Kind.READ).count() == 1


def test_citizen_who_never_activated_is_no_digital_user(
    worker_client, centre, ebox_simulator, activate, django_capture_on_commit_callbacks
):
    document = document_in(centre)

    _send(worker_client, document, django_capture_on_commit_callbacks)

    first = Publication.objects.get()
    assert first.state == Publication.State.NO_DIGITAL_USER
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED

    # The citizen activates; « Réessayer » must reach the eBox (the old key is remembered by the service
    # with its NO_DIGITAL_USER answer, so the retry needs a new one).
    activate(document.dossier.beneficiary.niss)
    with django_capture_on_commit_callbacks(execute=True):
        worker_client.post(reverse("ebox:retry", args=[first.pk]))

    second = Publication.objects.exclude(pk=first.pk).get()
    assert second.state == Publication.State.SENT
    assert Message.objects.get(message_id=second.message_id).delivered
    document.refresh_from_db()
    assert document.status == Document.Status.SENT


def test_reply_lost_after_storing_gives_exactly_one_message(
    worker_client, centre, ebox_simulator, activate, settings, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    activate(document.dossier.beneficiary.niss)
    settings.EBOX_SIMULATOR_FAULTS = {"fail_after_store_share": 1.0}

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    message = Message.objects.get()
    assert publication.state == Publication.State.SENT
    assert publication.message_id == message.message_id
    assert message.idempotency_key == str(publication.idempotency_key)


def test_expired_token_is_renewed(centre, ebox_simulator, activate, django_capture_on_commit_callbacks):
    from django.utils import timezone

    for _ in range(2):
        document = document_in(centre)
        activate(document.dossier.beneficiary.niss)
        with django_capture_on_commit_callbacks(execute=True):
            services.publication_request(document=document, language=None, by=document.uploaded_by)
        AccessToken.objects.update(expires_at=timezone.now())  # the service lets the token expire

    assert Publication.objects.filter(state="sent").count() == 2
    # Each round asks the federation (its own scope) and then publishes: two fresh tokens a round.
    assert AccessToken.objects.count() == 4


def federation_down(monkeypatch, adapter) -> None:
    """The federation answers 503 while the rest of the eBox works."""
    import requests

    from ebox import client
    from tests.http import EBOX_TEST_HOST, FailingAdapter

    def session():
        http = requests.Session()
        http.mount(EBOX_TEST_HOST, adapter)
        http.mount(f"{EBOX_TEST_HOST}simulators/ebox/api/federation/", FailingAdapter(status=503))
        return http

    monkeypatch.setattr(client, "build_session", session)


def test_lost_answer_for_a_citizen_without_ebox_is_not_taken_for_a_delivery(
    worker_client, centre, ebox_simulator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # The federation can not tell (so the send goes ahead), and the first answer (NO_DIGITAL_USER) is
    # lost after the message was stored; the retry gets a 409.
    federation_down(monkeypatch, ebox_simulator)
    document = document_in(centre)
    settings.EBOX_SIMULATOR_FAULTS = {"fail_after_store_share": 1.0}

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    assert publication.state == Publication.State.NO_DIGITAL_USER
    assert not Message.objects.get().delivered
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED
