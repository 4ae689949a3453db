"""The acknowledgement leaves the citizen's request: a task queued once the request is stored, retried
when the mail server fails, swept when its wake-up is lost, and its state shown in the back office."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cpasonline import services, tasks
from cpasonline.models import OnlineRequest
from tests.cpasonline.test_public_form import submit
from tests.factories import OnlineRequestFactory

pytestmark = pytest.mark.django_db


class MailServerDown:
    """The mail server refuses the connection, `failures` times, then works (Django's locmem after)."""

    def __init__(self, failures: int):
        self.failures = failures
        self.tries = 0

    def __call__(self, original):
        def send(message, *args, **kwargs):
            self.tries += 1
            if self.tries <= self.failures:
                raise ConnectionRefusedError(111, "Connection refused")
            return original(message, *args, **kwargs)

        return send


def _mail_server_down(monkeypatch, failures):
    from django.core.mail.message import EmailMessage

    down = MailServerDown(failures)
    monkeypatch.setattr(EmailMessage, "send", down(EmailMessage.send))
    return down


def test_the_citizen_gets_the_confirmation_without_waiting_for_the_pdf_or_the_mail(
    client, centre, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(services, "acknowledgement_pdf") as render,
        mock.patch.object(tasks.send_acknowledgement, "delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = submit(client)

    stored = OnlineRequest.objects.get()
    assert response.status_code == 302
    render.assert_not_called()
    assert mail.outbox == []
    queued.assert_called_once_with(stored.pk)
    assert stored.acknowledged_at is None and stored.acknowledgement_lease_until is not None


def test_a_mail_server_down_at_submission_loses_nothing_the_retry_sends_it_once(
    client, centre, django_capture_on_commit_callbacks, monkeypatch
):
    down = _mail_server_down(monkeypatch, failures=2)
    monkeypatch.setattr(tasks, "retry_delay", lambda retries: 0)

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client)

    assert response.status_code == 302  # the citizen is not told of the mail server's trouble
    stored = OnlineRequest.objects.get()
    assert down.tries == 3 and len(mail.outbox) == 1
    assert stored.acknowledged_at is not None and stored.acknowledgement_attempts == 3
    assert stored.acknowledgement_error == ""


def test_an_acknowledgement_whose_task_was_lost_is_sent_by_the_sweep_once(centre, monkeypatch):
    online_request = OnlineRequestFactory(
        centre=centre, acknowledgement_lease_until=timezone.now() - timedelta(seconds=1)
    )
    OnlineRequestFactory(centre=centre, acknowledged_at=timezone.now())  # already sent
    OnlineRequestFactory(  # too old to be worth an acknowledgement now
        centre=centre, submitted_at=timezone.now() - timedelta(days=30), acknowledgement_lease_until=None
    )

    assert tasks.requeue_acknowledgements() == 1
    assert tasks.requeue_acknowledgements() == 0

    assert len(mail.outbox) == 1 and mail.outbox[0].to == [online_request.email]
    online_request.refresh_from_db()
    assert online_request.acknowledged_at is not None


def test_a_request_held_by_a_live_attempt_is_not_sent_twice(centre):
    online_request = OnlineRequestFactory(centre=centre)
    services.acknowledgement_send(request_id=online_request.pk)
    OnlineRequest.objects.filter(pk=online_request.pk).update(
        acknowledged_at=None, acknowledgement_lease_until=timezone.now() + timedelta(minutes=5)
    )

    services.acknowledgement_send(request_id=online_request.pk)

    assert len(mail.outbox) == 1


def test_the_back_office_shows_whether_the_acknowledgement_went(worker_client, centre, monkeypatch, settings):
    settings.CPASONLINE_ACKNOWLEDGEMENT_MAX_ATTEMPTS = 2
    _mail_server_down(monkeypatch, failures=10)
    monkeypatch.setattr(tasks, "retry_delay", lambda retries: 0)
    failing = OnlineRequestFactory(centre=centre)
    tasks.send_acknowledgement.delay(failing.pk)
    waiting = OnlineRequestFactory(centre=centre)
    sent = OnlineRequestFactory(centre=centre, acknowledged_at=timezone.now())

    def status(online_request):
        page = worker_client.get(reverse("cpasonline:detail", args=[online_request.pk])).content.decode()
        return page[page.index('id="acknowledgement-status"') :].split("</p>")[0]

    assert "Accusé de réception non envoyé" in status(failing)
    assert "2 essai(s) ; dernière erreur : ConnectionRefusedError" in status(failing)
    assert "Accusé de réception en attente d'envoi." in status(waiting)
    assert "Accusé de réception envoyé au demandeur le" in status(sent)
