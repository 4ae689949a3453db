"""« Décision prise le » and « Décision notifiée le »: their order is checked on the request's locked row,
so a colleague (or the eBox) recording the other day at the same moment gets a message, never a 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cpasonline import followup
from cpasonline.models import OnlineRequest
from tests.concurrency import committed_meanwhile, needs_row_locks
from tests.factories import OnlineRequestFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def _request(centre, worker, **days):
    submitted = timezone.now() - timedelta(days=20)
    notified_by = worker if days.get("notified_on") else None
    return OnlineRequestFactory(
        centre=centre, submitted_at=submitted, decided_by=worker, notified_by=notified_by, **days
    )


def _post(client, step: str, online_request, day):
    field = {"decision": "decided_on", "notification": "notified_on"}[step]
    return client.post(
        reverse(f"cpasonline:record_{step}", args=[online_request.pk]), {field: day.strftime("%d/%m/%Y")}
    )


def _days(online_request):
    row = OnlineRequest.objects.for_centre(online_request.centre_id).get(pk=online_request.pk)
    return row.decided_on, row.notified_on


def test_a_decision_after_its_notification_and_a_notification_before_its_decision_are_refused(
    worker_client, centre, worker
):
    online_request = _request(centre, worker, decided_on=_days_ago(10), notified_on=_days_ago(5))

    late_decision = _post(worker_client, "decision", online_request, _days_ago(2))
    early_notification = _post(worker_client, "notification", online_request, _days_ago(12))

    assert late_decision.status_code == 200
    notified = _days_ago(5).strftime("%d/%m/%Y")
    assert (
        f"La décision ne peut pas suivre sa notification (le {notified})." in late_decision.content.decode()
    )
    assert early_notification.status_code == 200
    decided = _days_ago(10).strftime("%d/%m/%Y")
    assert f"La notification ne peut pas précéder la décision (le {decided})." in (
        early_notification.content.decode()
    )
    assert _days(online_request) == (_days_ago(10), _days_ago(5))


@needs_row_locks
@pytest.mark.parametrize(
    ("colleague", "colleague_day", "step", "day", "refusal", "kept"),
    [
        # A decision corrected while a colleague records an earlier notification.
        ("notification", 5, "decision", 2, "La décision ne peut pas suivre sa notification", (10, 5)),
        # A notification recorded while a colleague moves the decision later.
        ("decision", 3, "notification", 5, "La notification ne peut pas précéder la décision", (3, None)),
    ],
)
def test_a_day_recorded_while_a_colleague_records_the_other_gets_a_message(
    worker_client, centre, worker, colleague, colleague_day, step, day, refusal, kept
):
    online_request = _request(centre, worker, decided_on=_days_ago(10))
    record = {
        "decision": lambda: followup.online_request_record_decision(
            online_request=online_request, decided_on=_days_ago(colleague_day), by=worker
        ),
        "notification": lambda: followup.online_request_record_notification(
            online_request=online_request, notified_on=_days_ago(colleague_day), by=worker
        ),
    }[colleague]

    with committed_meanwhile(record):
        response = _post(worker_client, step, online_request, _days_ago(day))

    assert response.status_code == 200 and refusal in response.content.decode()
    assert _days(online_request) == tuple(None if days is None else _days_ago(days) for days in kept)


@needs_row_locks
def test_a_decision_delivered_to_the_ebox_while_a_colleague_records_it_sent_by_post(centre, worker):
    from tests.factories import DocumentTypeFactory, DossierFactory, document_in, publication_in

    online_request = _request(centre, worker, decided_on=_days_ago(2), dossier=DossierFactory(centre=centre))
    decision = DocumentTypeFactory(centre=centre, ebox_message_type="CPAS_DECISION")
    document = document_in(centre, dossier=online_request.dossier, document_type=decision)

    def colleague_records_the_post() -> None:
        followup.online_request_record_notification(
            online_request=online_request, notified_on=_days_ago(1), by=worker
        )

    with committed_meanwhile(colleague_records_the_post):
        publication_in(centre, state="sent", message_id="m-dec", sent_at=timezone.now(), document=document)

    assert _days(online_request) == (_days_ago(2), _days_ago(1))
