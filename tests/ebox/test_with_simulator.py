"""The whole path against the real eBox simulator, reached over (in-process) HTTP."""

import io

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse
from urllib3.exceptions import MaxRetryError, NewConnectionError

from documents.models import Document, DocumentEvent
from ebox import services, tasks
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


@pytest.mark.parametrize("fault", ["fail_after_store_share", "drop_after_store_share"])
def test_on_api_2_1_a_lost_answer_leaves_one_message_and_a_send_to_verify(
    worker_client, centre, ebox_simulator, activate, settings, django_capture_on_commit_callbacks, fault
):
    document = document_in(centre)
    activate(document.dossier.beneficiary.niss)
    settings.EBOX_SIMULATOR_FAULTS = {fault: 1.0}

    _send(worker_client, document, django_capture_on_commit_callbacks)
    settings.EBOX_SIMULATOR_FAULTS = {}
    # Nothing sends it again by itself: not the task, not the sweep, not « ebox_retry_failed ».
    Publication.objects.update(lease_until=None)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_publications.apply()
        call_command("ebox_retry_failed", stdout=io.StringIO())

    publication = Publication.objects.get()
    assert publication.state == Publication.State.TO_VERIFY
    assert Message.objects.count() == 1
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED


def test_on_api_v3_a_lost_answer_is_retried_into_exactly_one_message(
    worker_client, centre, ebox_simulator, activate, settings, django_capture_on_commit_callbacks
):
    settings.EBOX_API_VERSION = "3"  # the simulator follows it: Idempotency-Key honoured
    document = document_in(centre)
    activate(document.dossier.beneficiary.niss)
    settings.EBOX_SIMULATOR_FAULTS = {"fail_after_store_share": 1.0}

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    message = Message.objects.get()
    assert publication.state == Publication.State.SENT
    assert publication.message_id == message.message_id
    assert message.idempotency_key == str(publication.idempotency_key)


def test_refused_connection_is_retried_automatically_and_sent_once(
    worker_client, centre, ebox_simulator, activate, settings, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    activate(document.dossier.beneficiary.niss)
    real = ebox_simulator.send
    refused = []

    def send(request, **kwargs):
        if request.url.endswith("/publishMessage") and not refused:
            refused.append(request)
            reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
            raise requests.ConnectionError(MaxRetryError(None, request.url, reason), request=request)
        return real(request, **kwargs)

    ebox_simulator.send = send

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    assert refused and publication.state == Publication.State.SENT and publication.attempts == 2
    assert Message.objects.get().message_id == publication.message_id


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


def test_on_api_v3_lost_answer_for_a_citizen_without_ebox_is_not_taken_for_a_delivery(
    worker_client, centre, ebox_simulator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # The federation can not tell (so the send goes ahead), and the first answer (NO_DIGITAL_USER) is
    # lost after the message was stored; the retry gets a 409.
    settings.EBOX_API_VERSION = "3"
    federation_down(monkeypatch, ebox_simulator)
    document = document_in(centre)
    settings.EBOX_SIMULATOR_FAULTS = {"fail_after_store_share": 1.0}

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    assert publication.state == Publication.State.NO_DIGITAL_USER
    assert not Message.objects.get().delivered
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED
