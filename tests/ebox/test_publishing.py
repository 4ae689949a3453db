"""Sending a document to the citizen's eBox: once, in the right language, and saying plainly what happened."""

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentEvent
from ebox import backoff, services, tasks
from ebox.models import Publication
from tests.conftest import sign_in
from tests.factories import CentreFactory, MembershipFactory, document_in

pytestmark = pytest.mark.django_db


def _send(client, document, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("ebox:send", args=[document.pk]), data)


def test_send_publishes_the_pdf_and_marks_the_document_sent(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)

    response = _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get(document=document)
    assert response.status_code == 302
    assert response.url == reverse("ebox:queued", args=[publication.pk])
    assert publication.state == Publication.State.SENT
    assert publication.message_id and publication.sent_at and publication.attempts == 1
    (stored,) = ebox.messages.values()
    assert stored.message_id == publication.message_id
    assert stored.key == str(publication.idempotency_key)
    assert stored.recipient == document.dossier.beneficiary.niss
    assert stored.subject == {"fr": document.document_type.label_fr}
    assert stored.pdf == document.pdf.open("rb").read()
    assert stored.message["senderOrganizationId"] == centre.bce_number
    assert stored.message["messageTypeId"] == "CPAS_DECISION"
    document.refresh_from_db()
    assert document.status == Document.Status.SENT
    sent = document.events.get(kind=DocumentEvent.Kind.SENT)
    assert sent.details["message_id"] == publication.message_id


def test_queued_screen_asks_for_another_document(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    response = _send(worker_client, document, django_capture_on_commit_callbacks)

    page = worker_client.get(response.url).content.decode()

    assert "Voulez-vous envoyer un autre document ?" in page
    assert f'href="{reverse("primaweb:home")}">Oui' in page
    assert f'href="{reverse("documents:manage")}">Non' in page


def test_flemish_centre_writes_the_subject_in_dutch(ebox, django_capture_on_commit_callbacks):
    centre = CentreFactory(flemish=True)
    client = sign_in(__import__("django.test").test.Client(), MembershipFactory(centre=centre).user, centre)
    document = document_in(centre)

    _send(client, document, django_capture_on_commit_callbacks, language="fr")

    (stored,) = ebox.messages.values()
    assert stored.subject == {"nl": document.document_type.label_nl}


@pytest.fixture
def brussels():
    centre = CentreFactory(brussels=True)
    client = sign_in(__import__("django.test").test.Client(), MembershipFactory(centre=centre).user, centre)
    return centre, client


def test_brussels_centre_must_choose_the_language_first(brussels, ebox, django_capture_on_commit_callbacks):
    centre, client = brussels
    document = document_in(centre)

    first = _send(client, document, django_capture_on_commit_callbacks)
    without_choice = _send(client, document, django_capture_on_commit_callbacks, chosen="1")

    assert first.status_code == 200
    assert "Français" in first.content.decode() and "Nederlands" in first.content.decode()
    assert without_choice.status_code == 400
    assert not Publication.objects.exists() and not ebox.messages


def test_brussels_service_refuses_without_a_language(brussels):
    centre, _client = brussels
    document = document_in(centre)
    with pytest.raises(services.PublicationRefused):
        services.publication_request(document=document, language=None, by=document.uploaded_by)
    with pytest.raises(services.PublicationRefused):
        services.publication_request(document=document, language="de", by=document.uploaded_by)


def test_brussels_subject_goes_in_the_chosen_language(brussels, ebox, django_capture_on_commit_callbacks):
    centre, client = brussels
    document = document_in(centre)

    _send(client, document, django_capture_on_commit_callbacks, chosen="1", language="nl")

    (stored,) = ebox.messages.values()
    assert stored.subject == {"nl": document.document_type.label_nl}
    assert Publication.objects.get().language == "nl"


def test_citizen_without_ebox_is_said_plainly_and_document_stays_unsent(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    ebox.not_activated.add(document.dossier.beneficiary.niss)

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    assert publication.state == Publication.State.NO_DIGITAL_USER
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED
    failure = document.events.get(kind=DocumentEvent.Kind.SEND_FAILED)
    assert failure.details["reason"] == "Le bénéficiaire n'a pas activé son eBox"
    fragment = worker_client.get(reverse("ebox:document_publications", args=[document.pk])).content.decode()
    assert "Bénéficiaire sans eBox" in fragment
    assert "Le bénéficiaire n&#x27;a pas activé son eBox" in fragment
    assert "Réessayer" in fragment


def test_retry_after_no_digital_user_uses_a_new_key_and_delivers_once_activated(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    ebox.not_activated.add(document.dossier.beneficiary.niss)
    _send(worker_client, document, django_capture_on_commit_callbacks)
    first = Publication.objects.get()
    ebox.not_activated.clear()  # the citizen activates the eBox

    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(reverse("ebox:retry", args=[first.pk]))

    assert response.status_code == 302
    second = Publication.objects.exclude(pk=first.pk).get()
    assert second.idempotency_key != first.idempotency_key
    assert second.state == Publication.State.SENT
    document.refresh_from_db()
    assert document.status == Document.Status.SENT


@pytest.mark.parametrize("failure", ["503", "429", "connection"])
def test_failures_that_prove_nothing_was_stored_are_retried_with_the_same_key(
    worker_client, centre, ebox, django_capture_on_commit_callbacks, failure
):
    document = document_in(centre)
    ebox.script = [failure, failure]

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    assert publication.state == Publication.State.SENT
    assert publication.attempts == 3
    keys = {call.headers["Idempotency-Key"] for call in ebox.publish_calls()}
    assert keys == {str(publication.idempotency_key)}
    assert len(ebox.messages) == 1


def test_retry_after_is_honoured(
    worker_client, centre, ebox, django_capture_on_commit_callbacks, monkeypatch
):
    delays = []
    real = tasks.retry_delay
    monkeypatch.setattr(
        tasks, "retry_delay", lambda retries, retry_after=None: delays.append(retry_after) or 0
    )
    document = document_in(centre)
    ebox.script = ["429"]

    _send(worker_client, document, django_capture_on_commit_callbacks)

    assert delays == [7.0]
    assert real(0, 7.0) >= 7.0
    assert all(5 <= real(0) <= 10 for _ in range(20))
    assert real(20) <= backoff.BACKOFF_MAX


@pytest.mark.parametrize("failure", ["stored-503", "stored-reset", "timeout", "500"])
def test_on_api_2_1_a_lost_answer_is_left_to_verify_not_sent_again(
    worker_client, centre, ebox, django_capture_on_commit_callbacks, failure
):
    """The eBox may have stored the message; the API 2.1 ignores the key, so a retry would publish twice."""
    document = document_in(centre)
    ebox.script = [failure]

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    assert publication.state == Publication.State.TO_VERIFY
    assert len(ebox.publish_calls()) == 1
    assert len(ebox.messages) == (0 if failure == "500" else 1)
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED
    fragment = worker_client.get(reverse("ebox:document_publications", args=[document.pk])).content.decode()
    assert "Envoi à vérifier" in fragment and "Vérifier l'envoi" in fragment


def test_on_api_v3_a_lost_answer_is_retried_and_recovers_the_original_message(
    worker_client, centre, ebox, settings, django_capture_on_commit_callbacks
):
    """The eBox stored the message, then the reply was lost: the retry gets 409 and the original id."""
    settings.EBOX_API_VERSION = "3"
    ebox.idempotent = True
    document = document_in(centre)
    ebox.script = ["stored-503"]

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    (stored,) = ebox.messages.values()
    assert publication.state == Publication.State.SENT
    assert publication.message_id == stored.message_id
    assert len(ebox.publish_calls()) == 2
    assert document.events.filter(kind=DocumentEvent.Kind.SENT).count() == 1


def test_rerunning_the_task_after_success_sends_nothing(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    _send(worker_client, document, django_capture_on_commit_callbacks)
    publication = Publication.objects.get()

    tasks.send_publication.apply(args=[publication.pk])  # a worker re-running the message after a crash

    assert len(ebox.publish_calls()) == 1
    assert document.events.filter(kind=DocumentEvent.Kind.SENT).count() == 1


def test_on_api_v3_crash_after_delivery_before_recording_is_not_a_duplicate(centre, ebox, settings):
    """The worker died after the eBox stored the message: once its lease lapsed, the re-run gets 409."""
    settings.EBOX_API_VERSION = "3"
    ebox.idempotent = True
    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    ebox.script = ["stored-503"]
    with pytest.raises(Exception):  # noqa: B017 - the first attempt's reply is lost
        services.publication_send(publication_id=publication.pk)
    # The worker was killed during a later attempt, after its request left.
    Publication.objects.filter(pk=publication.pk).update(
        state="sending", lease_until=None, body_sent_at=timezone.now()
    )

    tasks.send_publication.apply(args=[publication.pk])

    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT
    assert len(ebox.messages) == 1


def test_permanent_rejection_fails_with_the_reason_and_retry_works(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    ebox.script = ["400"]

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    assert publication.state == Publication.State.FAILED
    assert "INVALID_INPUT" in publication.last_error and "Subject is too long" in publication.last_error
    assert len(ebox.publish_calls()) == 1  # a refusal is not retried by itself
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED
    fragment = worker_client.get(reverse("ebox:document_publications", args=[document.pk])).content.decode()
    assert "Envoi échoué" in fragment and "Réessayer" in fragment

    with django_capture_on_commit_callbacks(execute=True):
        worker_client.post(reverse("ebox:retry", args=[publication.pk]))

    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT
    assert {c.headers["Idempotency-Key"] for c in ebox.publish_calls()} == {str(publication.idempotency_key)}
    document.refresh_from_db()
    assert document.status == Document.Status.SENT


def test_too_many_transient_failures_end_in_failure_with_the_reason(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    ebox.script = ["503"] * 10

    _send(worker_client, document, django_capture_on_commit_callbacks)

    publication = Publication.objects.get()
    assert publication.state == Publication.State.FAILED
    assert len(ebox.publish_calls()) == 4  # EBOX_MAX_ATTEMPTS in the fixture
    assert "4 tentatives" in publication.last_error
    assert document.events.filter(kind=DocumentEvent.Kind.SEND_FAILED).exists()


def test_a_second_click_while_sending_is_refused(worker_client, centre, ebox):
    document = document_in(centre)
    worker_client.post(reverse("ebox:send", args=[document.pk]))  # queued, not sent yet (no commit)

    response = worker_client.post(reverse("ebox:send", args=[document.pk]), follow=True)

    assert Publication.objects.count() == 1
    assert "déjà en cours" in response.content.decode()


@pytest.mark.parametrize("status", ["pending", "converting", "failed"])
def test_only_a_registered_document_can_be_sent(worker_client, centre, ebox, status):
    document = document_in(centre, status=status)

    response = worker_client.post(reverse("ebox:send", args=[document.pk]))

    assert response.status_code == 302 and response.url == reverse("documents:detail", args=[document.pk])
    assert not Publication.objects.exists()


def test_sent_document_can_be_sent_again_deliberately_as_a_new_message(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    _send(worker_client, document, django_capture_on_commit_callbacks)
    _send(worker_client, document, django_capture_on_commit_callbacks)

    assert Publication.objects.filter(state="sent").count() == 2
    assert len(ebox.messages) == 2


def test_document_sent_through_the_ebox_can_be_neither_replaced_nor_deleted(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    from documents import services as document_services

    document = document_in(centre)
    _send(worker_client, document, django_capture_on_commit_callbacks)
    document.refresh_from_db()

    with pytest.raises(document_services.DocumentLocked):
        document_services.document_delete(document=document, by=document.uploaded_by)
    assert worker_client.get(reverse("documents:delete", args=[document.pk])).status_code == 403
    document.refresh_from_db()
    assert document.deleted_at is None and document.status == Document.Status.SENT


@pytest.mark.django_db
def test_document_cannot_be_replaced_or_deleted_while_its_send_is_under_way(worker_client, centre):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from ebox.models import Publication
    from tests import samples
    from tests.factories import document_in

    document = document_in(centre)
    Publication.objects.create(
        centre=centre,
        document=document,
        recipient_niss=document.dossier.beneficiary.niss,
        language="fr",
        subject="Décision",
        requested_by=document.uploaded_by,
        state=Publication.State.PENDING,
    )
    page = worker_client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Remplacer document" not in page
    response = worker_client.post(
        reverse("documents:replace", args=[document.pk]),
        {"file": SimpleUploadedFile("x.pdf", samples.pdf_bytes())},
    )
    assert response.status_code == 403
    assert worker_client.post(reverse("documents:delete", args=[document.pk])).status_code == 403
    document.refresh_from_db()
    assert document.version == 1 and document.deleted_at is None


def _store_active_pdf(document):
    """Puts a PDF with a JavaScript open action in the document's storage, past the upload's checks: a
    document stored before the check existed."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tests.documents.test_pdf_active_content import build, javascript, open_with

    name = default_storage.save(
        document.storage_path("active.pdf"), ContentFile(build(open_with(lambda w: javascript())))
    )
    Document.objects.filter(pk=document.pk).update(pdf=name)
    document.refresh_from_db()
    return document


def test_a_stored_pdf_with_active_content_is_not_sent_and_the_worker_is_told_why(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = _store_active_pdf(document_in(centre))

    response = _send(worker_client, document, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("documents:detail", args=[document.pk])
    page = worker_client.get(response.url).content.decode()
    assert "Ce document ne peut pas être envoyé vers l&#x27;eBox" in page
    assert "Les PDF contenant du JavaScript ne sont pas acceptés." in page
    assert not Publication.objects.exists() and not ebox.messages
    document.refresh_from_db()
    assert document.status == Document.Status.REGISTERED


def test_the_refusal_is_in_dutch_for_a_dutch_speaking_worker(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = _store_active_pdf(document_in(centre))
    worker_client.cookies["django_language"] = "nl"

    response = _send(worker_client, document, django_capture_on_commit_callbacks)

    page = worker_client.get(response.url).content.decode()
    assert "Dit document kan niet naar de eBox worden verzonden" in page
    assert not ebox.messages


def test_a_queued_publication_whose_pdf_became_active_ends_failed_with_the_reason(centre, ebox):
    document = document_in(centre)
    publication = services.publication_request(document=document, language="fr", by=document.uploaded_by)
    _store_active_pdf(document)

    services.publication_send(publication_id=publication.pk)

    publication.refresh_from_db()
    assert publication.state == Publication.State.FAILED
    assert "Les PDF contenant du JavaScript ne sont pas acceptés." in publication.last_error
    assert not ebox.messages
    assert document.events.filter(kind=DocumentEvent.Kind.SEND_FAILED).exists()
