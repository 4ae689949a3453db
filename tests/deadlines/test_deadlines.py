"""The Échéancier's rows follow their sources: a request, its decision and notification, an eBox
publication and a message of the centre's e-Box."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cpasonline.models import OnlineRequest
from deadlines import rules, services
from deadlines.models import Deadline
from tests.factories import MembershipFactory, OnlineRequestFactory, centre_message_in, publication_in

pytestmark = pytest.mark.django_db
Kind = Deadline.Kind


def _deadlines(**source):
    return {d.kind: d for d in Deadline.objects.filter(**source)}


def test_a_new_request_is_due_thirty_days_after_its_legal_receipt(centre):
    online_request = OnlineRequestFactory(centre=centre, received_on=date(2026, 4, 3))
    deadline = _deadlines(online_request=online_request)[Kind.DECIDE]
    assert (deadline.due_on, deadline.source_date) == (date(2026, 5, 4), date(2026, 4, 3))
    assert deadline.met_on is None and deadline.worker is None and Kind.NOTIFY not in _deadlines()


def test_the_worker_who_reads_the_request_has_its_deadline(centre, worker):
    from cpasonline.services import online_request_mark_read

    online_request = OnlineRequestFactory(centre=centre)
    online_request_mark_read(online_request=online_request, by=worker)
    assert _deadlines(online_request=online_request)[Kind.DECIDE].worker == worker


def test_recording_the_decision_meets_the_thirty_days_and_opens_the_eight(worker_client, centre, worker):
    online_request = OnlineRequestFactory(centre=centre, received_on=date(2026, 4, 3))
    decided = timezone.localdate()
    response = worker_client.post(
        reverse("cpasonline:record_decision", args=[online_request.pk]),
        {"decided_on": decided.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    online_request.refresh_from_db()
    assert (online_request.decided_on, online_request.decided_by) == (decided, worker)
    deadlines = _deadlines(online_request=online_request)
    assert deadlines[Kind.DECIDE].met_on == decided
    notify = deadlines[Kind.NOTIFY]
    assert (notify.due_on, notify.source_date, notify.worker) == (
        rules.notification_due(decided),
        decided,
        worker,
    )

    worker_client.post(
        reverse("cpasonline:record_notification", args=[online_request.pk]),
        {"notified_on": decided.strftime("%d/%m/%Y")},
    )
    assert _deadlines(online_request=online_request)[Kind.NOTIFY].met_on == decided


def test_a_decision_in_the_future_or_a_notification_before_it_is_refused_with_a_message(
    worker_client, centre, worker
):
    online_request = OnlineRequestFactory(centre=centre)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = worker_client.post(
        reverse("cpasonline:record_decision", args=[online_request.pk]),
        {"decided_on": tomorrow.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 200
    assert "Une décision ne peut pas être prise dans le futur." in response.content.decode()
    response = worker_client.post(
        reverse("cpasonline:record_notification", args=[online_request.pk]), {"notified_on": "01/01/2026"}
    )
    assert "Enregistrez d&#x27;abord la date de la décision." in response.content.decode()
    response = worker_client.post(
        reverse("cpasonline:record_decision", args=[online_request.pk]), {"decided_on": "31/02/2026"}
    )
    assert "Indiquez une date JJ/MM/AAAA." in response.content.decode()
    online_request.refresh_from_db()
    assert online_request.decided_on is None and online_request.notified_on is None


def test_a_publication_delivered_and_unread_must_go_on_paper_before_it_expires(centre):
    publication = publication_in(
        centre, state="sent", message_id="m-1", expiration_date="2026-05-22T10:00:00Z"
    )
    deadlines = _deadlines(publication=publication)
    assert deadlines[Kind.PAPER].due_on == date(2026, 5, 12)
    assert deadlines[Kind.PAPER].source_date == date(2026, 5, 22)
    assert deadlines[Kind.EBOX_EXPIRY].due_on == date(2026, 5, 22)
    assert deadlines[Kind.PAPER].document_id == publication.document_id
    assert deadlines[Kind.PAPER].dossier_id == publication.document.dossier_id

    publication.state, publication.read_at = "read", timezone.now()
    publication.save(update_fields=["state", "read_at"])
    assert {d.met_on for d in _deadlines(publication=publication).values()} == {timezone.localdate()}


def test_a_failed_publication_sets_no_deadline(centre):
    publication_in(centre, state="failed")
    assert not Deadline.objects.exists()


def test_the_paper_letter_recorded_meets_both_deadlines_and_a_later_refresh_keeps_it(worker_client, centre):
    publication = publication_in(centre, state="sent", message_id="m-2", expiration_date="2026-05-22")
    paper = _deadlines(publication=publication)[Kind.PAPER]
    response = worker_client.post(reverse("deadlines:paper_sent", args=[paper.pk]))
    assert response.status_code == 302
    assert {d.met_on for d in _deadlines(publication=publication).values()} == {timezone.localdate()}
    services.deadlines_refresh_publication(publication=publication)
    assert {d.met_on for d in _deadlines(publication=publication).values()} == {timezone.localdate()}


def test_a_centre_message_must_be_read_before_it_expires(centre, worker):
    expires = timezone.now() + timedelta(days=3)
    message = centre_message_in(centre, expires_at=expires)
    deadline = _deadlines(centre_message=message)[Kind.CENTRE_EXPIRY]
    assert deadline.due_on == rules.expiry_day(expires) and deadline.met_on is None
    message.read_at, message.read_by = timezone.now(), worker
    message.save(update_fields=["read_at", "read_by"])
    assert _deadlines(centre_message=message)[Kind.CENTRE_EXPIRY].met_on == timezone.localdate()


def test_the_sweep_derives_the_rows_written_without_a_save(centre):
    OnlineRequest.objects.bulk_create(
        [OnlineRequestFactory.build(centre=centre, reference=f"BULK{n:08d}") for n in range(3)]
    )
    assert not Deadline.objects.exists()
    assert services.deadlines_sweep(centre=centre) == 3
    assert Deadline.objects.filter(kind=Kind.DECIDE).count() == 3
    services.deadlines_sweep(centre=centre)
    assert Deadline.objects.count() == 3  # idempotent


def _overdue_request(centre, **fields):
    received = timezone.localdate() - timedelta(days=45)
    return OnlineRequestFactory(centre=centre, received_on=received, **fields)


def test_the_echeancier_shows_the_centres_overdue_request_with_a_link_and_not_another_centres(
    worker_client, centre, other_centre
):
    mine = _overdue_request(centre, reference="OVERDUE00001")
    _overdue_request(other_centre, reference="FOREIGN00001")
    page = worker_client.get(reverse("deadlines:list"), {"qui": "centre", "periode": "retard"})
    body = page.content.decode()
    assert "OVERDUE00001" in body and reverse("cpasonline:detail", args=[mine.pk]) in body
    assert "FOREIGN00001" not in body


def test_my_deadlines_are_those_of_the_requests_i_took_in_hand(worker_client, centre, worker):
    _overdue_request(centre, reference="MINEMINE0001", read_by=worker, read_at=timezone.now())
    other = MembershipFactory(centre=centre).user
    _overdue_request(centre, reference="THEIRS000001", read_by=other, read_at=timezone.now())
    body = worker_client.get(reverse("deadlines:list")).content.decode()  # mine, overdue by default
    assert "MINEMINE0001" in body and "THEIRS000001" not in body
    body = worker_client.get(reverse("deadlines:list"), {"qui": "centre"}).content.decode()
    assert "MINEMINE0001" in body and "THEIRS000001" in body


def test_today_and_this_week(worker_client, centre):
    today = timezone.localdate()
    for n in range(10):
        OnlineRequestFactory(
            centre=centre, reference=f"SOON{n:08d}", received_on=today - timedelta(days=30 - n)
        )
    due = {d.subject[:12]: d.due_on for d in Deadline.objects.all()}
    listed = worker_client.get(reverse("deadlines:list"), {"qui": "centre", "periode": "aujourdhui"})
    shown = {d.subject[:12] for d in listed.context["page"]}
    assert shown == {ref for ref, day in due.items() if day == today}
    listed = worker_client.get(reverse("deadlines:list"), {"qui": "centre", "periode": "semaine"})
    shown = {d.subject[:12] for d in listed.context["page"]}
    assert shown == {ref for ref, day in due.items() if today < day <= today + timedelta(days=7)}


def test_a_centre_message_type_not_granted_stays_out_of_the_workers_echeancier(
    worker_client, centre_admin_client, centre
):
    message = centre_message_in(
        centre, subject="Secret du SPP IS", expires_at=timezone.now() - timedelta(days=2)
    )
    assert Deadline.objects.filter(centre_message=message).exists()
    query = {"qui": "centre", "periode": "retard"}
    assert "Secret du SPP IS" not in worker_client.get(reverse("deadlines:list"), query).content.decode()
    assert "Secret du SPP IS" in centre_admin_client.get(reverse("deadlines:list"), query).content.decode()


def test_the_home_page_shows_the_overdue_count(worker_client, centre, worker, home_url):
    _overdue_request(centre)
    _overdue_request(centre, read_by=worker, read_at=timezone.now())
    body = worker_client.get(home_url).content.decode()
    assert 'Échéances dépassées du C.P.A.S.</a> <span class="count">(2)' in body
    assert 'Mes échéances dépassées</a> <span class="count">(1)' in body
    assert reverse("deadlines:list") in body and "Échéancier" in body


def test_a_bad_period_shows_my_overdue_deadlines_with_a_message(worker_client):
    response = worker_client.get(reverse("deadlines:list"), {"periode": "demain", "qui": "x"})
    assert response.status_code == 200
    assert "Ces critères ne sont pas valides" in response.content.decode()


def _decided_request(centre, dossier, worker, decided_on):
    return OnlineRequestFactory(
        centre=centre, dossier=dossier, received_on=decided_on, decided_on=decided_on, decided_by=worker
    )


def test_a_decision_delivered_to_the_ebox_notifies_the_dossiers_decided_requests(centre, worker):
    from tests.factories import DocumentTypeFactory, DossierFactory, document_in

    dossier = DossierFactory(centre=centre)
    today = timezone.localdate()
    decided = _decided_request(centre, dossier, worker, today - timedelta(days=2))
    other_dossier = _decided_request(centre, DossierFactory(centre=centre), worker, today - timedelta(days=2))
    decision_type = DocumentTypeFactory(centre=centre, ebox_message_type="CPAS_DECISION")
    request_type = DocumentTypeFactory(centre=centre, ebox_message_type="CPAS_REQUEST")

    publication_in(
        centre,
        state="sent",
        message_id="m-req",
        sent_at=timezone.now(),
        document=document_in(centre, dossier=dossier, document_type=request_type),
    )
    decided.refresh_from_db()
    assert decided.notified_on is None  # a request for documents notifies no decision

    publication = publication_in(
        centre,
        state="sent",
        message_id="m-dec",
        sent_at=timezone.now(),
        document=document_in(centre, dossier=dossier, document_type=decision_type),
    )
    decided.refresh_from_db()
    other_dossier.refresh_from_db()
    assert (decided.notified_on, decided.notified_by) == (today, publication.requested_by)
    assert other_dossier.notified_on is None
    assert _deadlines(online_request=decided)[Kind.NOTIFY].met_on == today


def test_a_decision_recorded_after_its_document_reached_the_ebox_is_notified_by_that_delivery(
    worker_client, centre, worker
):
    from tests.factories import DocumentTypeFactory, DossierFactory, document_in

    dossier = DossierFactory(centre=centre)
    today = timezone.localdate()
    online_request = OnlineRequestFactory(
        centre=centre, dossier=dossier, received_on=today - timedelta(days=3)
    )
    decision_type = DocumentTypeFactory(centre=centre, ebox_message_type="CPAS_DECISION")
    publication_in(
        centre,
        state="sent",
        message_id="m-dec-first",
        sent_at=timezone.now(),
        document=document_in(centre, dossier=dossier, document_type=decision_type),
    )
    worker_client.post(
        reverse("cpasonline:record_decision", args=[online_request.pk]),
        {"decided_on": today.strftime("%d/%m/%Y")},
    )
    online_request.refresh_from_db()
    assert (online_request.decided_on, online_request.notified_on) == (today, today)
    deadlines = _deadlines(online_request=online_request)
    assert deadlines[Kind.DECIDE].met_on == today and deadlines[Kind.NOTIFY].met_on == today


def test_the_sweep_reads_only_the_sources_without_deadlines(centre):
    OnlineRequestFactory(centre=centre)  # saved: derived at once
    OnlineRequest.objects.bulk_create([OnlineRequestFactory.build(centre=centre, reference="BULKONLY0001")])
    assert services.deadlines_sweep(centre=centre) == 1
    assert services.deadlines_sweep(centre=centre) == 0


def test_the_echeancier_audits_the_citizen_who_wrote_a_centre_message_it_shows(centre_admin_client, centre):
    """A citizen writes to the centre's e-Box under their NISS (the e-Box list audits them as a person
    consulted): the Échéancier showing that message's expiry consults that person too."""
    from primaweb.models import AuditEvent

    citizen = "85073000297"
    message = centre_message_in(
        centre,
        sender=citizen,
        sender_is_citizen=True,
        subject="Demande urgente",
        expires_at=timezone.now() + timedelta(days=3),
    )
    assert Deadline.objects.filter(centre_message=message).exists()

    page = centre_admin_client.get(reverse("deadlines:list"), {"qui": "centre", "periode": "semaine"})

    assert "Demande urgente" in page.content.decode()
    event = AuditEvent.objects.for_centre(centre).filter(action="view").latest("pk")
    assert citizen in event.details["persons"]
