"""Nothing lost, nothing stuck, nothing twice: queueing failures, lapsed leases and sends « à vérifier »."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from documents.models import Document, DocumentEvent
from ebox import delivery, services, tasks
from ebox.models import Publication
from primaweb.models import AuditEvent
from tests.factories import document_in, publication_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """The broker does not answer: publishing a task raises what kombu raises for a refused connection.
    `.undo()` brings it back."""

    def refuse(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.send_publication, "apply_async", refuse)
        yield patch


def _expire(publication, **fields):
    Publication.objects.filter(pk=publication.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1), **fields
    )


def _sweep(capture):
    with capture(execute=True):
        return tasks.sweep_publications.apply().get()


# The outbox: the row, not the broker, is the queue's truth ------------------------------------------------


def test_broker_down_at_queueing_answers_no_500_and_the_sweep_sends_it_later(
    worker_client, centre, ebox, broker_down, django_capture_on_commit_callbacks
):
    document = document_in(centre)

    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(reverse("ebox:send", args=[document.pk]))

    publication = Publication.objects.get()
    assert response.status_code == 302 and response.url == reverse("ebox:queued", args=[publication.pk])
    assert publication.state == Publication.State.PENDING
    assert "file d'attente ne répond pas" in publication.last_error
    assert publication.lease_until is None  # the next sweep takes it at once
    assert not ebox.messages

    broker_down.undo()  # the broker is back
    counts = _sweep(django_capture_on_commit_callbacks)

    publication.refresh_from_db()
    assert counts == {"queued": 1, "to_verify": 0}, publication.last_error
    assert publication.state == Publication.State.SENT
    assert len(ebox.messages) == 1


def test_a_queued_publication_whose_task_was_lost_is_queued_again_after_the_grace(
    centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    # No on-commit: the broker took the message and lost it.

    assert _sweep(django_capture_on_commit_callbacks) == {"queued": 0, "to_verify": 0}  # within the grace
    _expire(publication)
    assert _sweep(django_capture_on_commit_callbacks) == {"queued": 1, "to_verify": 0}

    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT
    assert len(ebox.messages) == 1


def test_a_refused_connection_is_retried_later_and_the_sweep_leaves_it_alone_meanwhile(centre, ebox):
    from ebox import client, outbox

    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    ebox.script = ["connection"]
    with pytest.raises(client.EboxTransientError) as failure:
        services.publication_send(publication_id=publication.pk)

    tasks._postpone(publication.pk, 30, failure.value)  # what the task does before its retry

    publication.refresh_from_db()
    assert publication.state == Publication.State.PENDING and publication.body_sent_at is None
    assert publication.lease_until > timezone.now() + timedelta(seconds=30)
    assert "nouvel essai automatique vers" in publication.last_error
    assert not outbox.expired().filter(pk=publication.pk).exists()


# Leases: a worker killed mid-send --------------------------------------------------------------------------


def test_a_worker_killed_before_its_request_left_is_queued_again(
    centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    _expire(publication, state="sending", body_sent_at=None)

    assert _sweep(django_capture_on_commit_callbacks) == {"queued": 1, "to_verify": 0}

    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT
    assert len(ebox.messages) == 1


def test_on_api_2_1_a_worker_killed_after_its_request_left_leaves_the_send_to_verify(
    worker_client, centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    _expire(publication, state="sending", body_sent_at=timezone.now())

    assert _sweep(django_capture_on_commit_callbacks) == {"queued": 0, "to_verify": 1}

    publication.refresh_from_db()
    assert publication.state == Publication.State.TO_VERIFY
    assert not ebox.publish_calls()
    # The broker gives the killed worker's message back (acks_late): the re-run sends nothing either.
    tasks.send_publication.apply(args=[publication.pk])
    assert not ebox.publish_calls()
    listed = worker_client.get(reverse("ebox:publications"), {"state": "to_verify"}).content.decode()
    assert "Envoi à vérifier" in listed and reverse("ebox:verify", args=[publication.pk]) in listed


def test_on_api_v3_a_worker_killed_after_its_request_left_is_queued_again(
    centre, ebox, settings, django_capture_on_commit_callbacks
):
    settings.EBOX_API_VERSION = "3"
    ebox.idempotent = True
    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    _expire(publication, state="sending", body_sent_at=timezone.now())

    assert _sweep(django_capture_on_commit_callbacks) == {"queued": 1, "to_verify": 0}

    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT


def test_a_live_lease_keeps_the_sweep_and_a_redelivered_task_away(
    centre, ebox, django_capture_on_commit_callbacks
):
    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    Publication.objects.filter(pk=publication.pk).update(
        state="sending", body_sent_at=timezone.now(), lease_until=timezone.now() + timedelta(minutes=1)
    )

    assert _sweep(django_capture_on_commit_callbacks) == {"queued": 0, "to_verify": 0}
    assert tasks.send_publication.apply(args=[publication.pk]).get() == "sending"
    assert not ebox.publish_calls()


def test_a_worker_whose_lease_was_taken_over_does_not_send(centre, ebox):
    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    taken, attempt = delivery._take(publication.pk)
    Publication.objects.filter(pk=publication.pk).update(attempts=attempt + 1)  # another worker took it

    assert not delivery._about_to_send(taken, attempt)


def test_an_answer_that_could_not_be_recorded_is_recorded_later_without_sending_again(
    centre, ebox, monkeypatch
):
    from django.db import OperationalError as DatabaseOperationalError

    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    real = delivery._settle_sent
    failures = []

    def settle_once_failing(*args):
        if not failures:
            failures.append(1)
            raise DatabaseOperationalError("terminating connection due to administrator command")
        return real(*args)

    monkeypatch.setattr(delivery, "_settle_sent", settle_once_failing)

    tasks.send_publication.apply(args=[publication.pk])

    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT
    assert len(ebox.publish_calls()) == 1 and len(ebox.messages) == 1


# « Envoi à vérifier »: a person settles it ----------------------------------------------------------------


@pytest.fixture
def to_verify(centre):
    document = document_in(centre)
    return publication_in(centre, state="to_verify", document=document, last_error="L'eBox n'a pas confirmé")


def test_a_new_send_is_refused_while_an_earlier_one_is_to_verify(worker_client, to_verify, ebox):
    response = worker_client.post(reverse("ebox:send", args=[to_verify.document_id]), follow=True)

    assert "est à vérifier" in response.content.decode()
    assert Publication.objects.count() == 1 and not ebox.publish_calls()


def test_a_document_to_verify_can_be_neither_replaced_nor_deleted(worker_client, to_verify):
    assert worker_client.post(reverse("documents:delete", args=[to_verify.document_id])).status_code == 403


def test_verify_page_explains_and_asks_for_a_confirmed_decision(worker_client, to_verify):
    url = reverse("ebox:verify", args=[to_verify.pk])

    page = worker_client.get(url).content.decode()
    refused = worker_client.post(url, {"decision": "sent"})

    assert "deux fois" in page and "Marquer comme envoyé" in page and "Renvoyer" in page
    assert refused.status_code == 400
    assert "Confirmez que vous avez vérifié" in refused.content.decode()
    to_verify.refresh_from_db()
    assert to_verify.state == Publication.State.TO_VERIFY


def test_mark_as_sent_settles_the_document_and_is_audited(worker_client, to_verify, ebox):
    response = worker_client.post(
        reverse("ebox:verify", args=[to_verify.pk]), {"decision": "sent", "confirmed": "on"}
    )

    assert response.status_code == 302
    to_verify.refresh_from_db()
    assert to_verify.state == Publication.State.SENT and to_verify.resolved_by and to_verify.sent_at
    document = Document.objects.get(pk=to_verify.document_id)
    assert document.status == Document.Status.SENT
    assert document.events.filter(kind=DocumentEvent.Kind.SENT).count() == 1
    event = AuditEvent.objects.get(details__decision="marked_sent")
    assert event.details["publication"] == to_verify.pk
    assert not ebox.publish_calls()


def test_resend_sends_it_again_once_and_is_audited(
    worker_client, to_verify, ebox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        worker_client.post(
            reverse("ebox:verify", args=[to_verify.pk]), {"decision": "resend", "confirmed": "on"}
        )

    to_verify.refresh_from_db()
    assert to_verify.state == Publication.State.SENT and to_verify.resolved_by
    assert len(ebox.messages) == 1
    assert AuditEvent.objects.filter(action="send", details__decision="resend").count() == 1


def test_only_a_send_to_verify_can_be_settled_by_a_person(worker_client, centre, ebox):
    sent = publication_in(centre, state="sent", message_id="m-1")

    worker_client.post(reverse("ebox:verify", args=[sent.pk]), {"decision": "resend", "confirmed": "on"})

    sent.refresh_from_db()
    assert sent.state == Publication.State.SENT and sent.resolved_by is None
    assert not ebox.publish_calls()


def test_the_list_filters_by_state(worker_client, centre, to_verify):
    other = publication_in(centre, state="failed")

    listed = worker_client.get(reverse("ebox:publications"), {"state": "to_verify"}).content.decode()
    everything = worker_client.get(reverse("ebox:publications")).content.decode()

    assert reverse("ebox:verify", args=[to_verify.pk]) in listed
    assert reverse("documents:detail", args=[other.document_id]) not in listed
    assert reverse("documents:detail", args=[other.document_id]) in everything


def test_the_menu_counts_the_sends_to_verify(worker_client, to_verify):
    page = worker_client.get(reverse("primaweb:home")).content.decode()

    assert reverse("ebox:publications") in page


def test_retry_failed_command_leaves_sends_to_verify_alone_and_says_so(to_verify, capsys, ebox):
    call_command("ebox_retry_failed")

    assert "à vérifier : 1" in capsys.readouterr().out
    to_verify.refresh_from_db()
    assert to_verify.state == Publication.State.TO_VERIFY and not ebox.publish_calls()


def test_sweep_command_runs_the_sweep_now(centre, ebox, capsys, django_capture_on_commit_callbacks):
    document = document_in(centre)
    publication = services.publication_request(document=document, language=None, by=document.uploaded_by)
    _expire(publication)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("ebox_sweep")

    assert "queued: 1, to_verify: 0" in capsys.readouterr().out
    publication.refresh_from_db()
    assert publication.state == Publication.State.SENT
