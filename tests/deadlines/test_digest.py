"""The daily summary: the worker's own choice, sent once a day, given back when the mail server fails."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from deadlines import digest
from deadlines.models import DigestPreference
from primaweb.models import Membership
from tests.factories import OnlineRequestFactory

pytestmark = pytest.mark.django_db


def _overdue(centre, worker, reference):
    return OnlineRequestFactory(
        centre=centre,
        reference=reference,
        received_on=timezone.localdate() - timedelta(days=45),
        read_by=worker,
        read_at=timezone.now(),
    )


def test_the_worker_turns_the_summary_on_for_themself(worker_client, centre, worker):
    page = worker_client.get(reverse("deadlines:digest")).content.decode()
    assert "Recevoir chaque matin par e-mail le résumé de mes échéances" in page
    response = worker_client.post(reverse("deadlines:digest"), {"enabled": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=worker, centre=centre)
    assert DigestPreference.objects.get(membership=membership).enabled
    worker_client.post(reverse("deadlines:digest"), {})
    assert not DigestPreference.objects.get(membership=membership).enabled


def _preference(centre, worker):
    membership = Membership.objects.get(user=worker, centre=centre)
    return DigestPreference.objects.create(centre=centre, membership=membership, enabled=True)


def test_the_summary_is_sent_once_a_day_with_the_workers_overdue_request(centre, worker):
    late = _overdue(centre, worker, "LATELATE0001")
    preference = _preference(centre, worker)
    today = timezone.localdate()
    assert list(digest.digests_due(today=today)) == [preference.pk]
    assert digest.digest_send(preference_id=preference.pk, today=today)
    assert not digest.digest_send(preference_id=preference.pk, today=today)  # a second run sends nothing
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [worker.email]
    body = mail.outbox[0].body
    assert f"/cpas-online/demandes/{late.pk}/" in body and "Décider la demande CPAS Online" in body
    assert "Delacroix" not in body  # the mail names no person: the link opens it behind the sign-in
    assert list(digest.digests_due(today=today)) == []
    assert list(digest.digests_due(today=today + timedelta(days=1))) == [preference.pk]


def test_a_refused_mail_gives_the_day_back_for_the_next_run(centre, worker, monkeypatch):
    _overdue(centre, worker, "LATELATE0002")
    preference = _preference(centre, worker)
    today = timezone.localdate()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(smtplib.SMTPException):
        digest.digest_send(preference_id=preference.pk, today=today)
    preference.refresh_from_db()
    assert preference.last_sent_on is None
    monkeypatch.undo()
    assert digest.digest_send(preference_id=preference.pk, today=today)


def test_no_summary_when_nothing_is_due_or_the_choice_is_off(centre, worker):
    preference = _preference(centre, worker)
    assert not digest.digest_send(preference_id=preference.pk)
    _overdue(centre, worker, "LATELATE0003")
    DigestPreference.objects.filter(pk=preference.pk).update(enabled=False, last_sent_on=None)
    assert not digest.digest_send(preference_id=preference.pk)
    assert mail.outbox == []


def test_the_beat_task_waits_for_the_morning_then_queues_each_owed_summary(
    centre, worker, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from deadlines import tasks

    _overdue(centre, worker, "LATELATE0004")
    preference = _preference(centre, worker)
    settings.DEADLINES_DIGEST_HOUR = 24  # never reached: nothing queued
    assert tasks.send_daily_summaries() == 0
    settings.DEADLINES_DIGEST_HOUR = 0
    sent = []
    monkeypatch.setattr(tasks.send_daily_summary, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_summaries() == 1
    assert sent == [(preference.pk, timezone.localdate().isoformat())]


def test_the_beat_runs_the_sweep_and_the_summaries_as_tasks_under_tenancy(centre, worker):
    from django.conf import settings

    from cpasonline.models import OnlineRequest
    from deadlines import tasks
    from deadlines.models import Deadline
    from primaweb.celery import app

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"deadlines.tasks.sweep_deadlines", "deadlines.tasks.send_daily_summaries"} <= names
    assert {"deadlines.tasks.sweep_deadlines", "deadlines.tasks.send_daily_summary"} <= set(app.tasks)

    OnlineRequest.objects.bulk_create([OnlineRequestFactory.build(centre=centre, reference="BULKBULK0001")])
    assert tasks.sweep_deadlines.apply().get() == 1
    assert Deadline.objects.filter(online_request__reference="BULKBULK0001").exists()

    _overdue(centre, worker, "LATELATE0005")
    preference = _preference(centre, worker)
    tasks.send_daily_summary.apply(args=[preference.pk, timezone.localdate().isoformat()]).get()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("removed", ["membership", "account"])
def test_no_summary_once_the_worker_has_left_the_centre(centre, worker, removed):
    """A worker whose membership (or account) was deactivated no longer hears of the centre's deadlines:
    the summary, its counts and its links stop with the access."""
    _overdue(centre, worker, "LATELATE0006")
    preference = _preference(centre, worker)
    if removed == "membership":
        Membership.objects.filter(pk=preference.membership_id).update(is_active=False)
    else:
        type(worker).objects.filter(pk=worker.pk).update(is_active=False)
    today = timezone.localdate()
    assert list(digest.digests_due(today=today)) == []
    assert not digest.digest_send(preference_id=preference.pk, today=today)
    assert mail.outbox == []
