"""ManageAccess both ways: the dossier registers its beneficiary in the simulated BCSS directory of
references when it is opened and unregisters it when it is closed; every SSDN message exchanged conforms
to the project's schemas; the simulator refuses what the real service refuses."""

import datetime

import pytest
from django.utils import timezone

from dossiers import bcss_access, services, tasks
from dossiers.models import Dossier
from primaweb.models import AuditEvent
from simulators.bcss.models import Integration
from simulators.bcss.selectors import integrated_ssins
from simulators.bcss.services import demo_persons_ensure
from tests.dossiers.test_bcss_contract import CALLER, assert_conforms, exchanges  # noqa: F401
from tests.http import FailingAdapter, route_bcss


@pytest.fixture
def ssdn(exchanges):  # noqa: F811
    """The SSDN messages exchanged (tests.dossiers.test_bcss_contract)."""
    return exchanges


DUPONT = "75031212346"
UNKNOWN = "75031212544"
ADDRESS = {
    "effective_street": "Rue de Fer",
    "effective_house_number": "25",
    "effective_postal_code": "5000",
    "effective_locality": "Namur",
}
TODAY = datetime.date(2026, 3, 2)
PROOF = bcss_access.Proof(last_name="DUPONT", first_name="Jean-Pierre", birth_date="1975-03-12")


def register(ssin=DUPONT, start=TODAY, end=None, proof=PROOF):
    return bcss_access.register(ssin=ssin, caller=CALLER, start_date=start, end_date=end, proof=proof)


def unregister(ssin=DUPONT, start=TODAY, end=None, proof=PROOF):
    return bcss_access.unregister(ssin=ssin, caller=CALLER, start_date=start, end_date=end, proof=proof)


def test_register_enters_the_directory_with_schema_valid_messages(ssdn):
    reply = register()
    assert reply.ok == "YES"
    assert_conforms(ssdn)
    entry = Integration.objects.get(ssin=DUPONT)
    assert (entry.organisation, entry.sector, entry.legal_context) == (CALLER.bce_number, 17, "1")
    assert (entry.start_date, entry.end_date) == (TODAY, None)
    assert list(integrated_ssins(organisation=CALLER.bce_number, on=TODAY)) == [DUPONT]
    assert list(integrated_ssins(organisation=CALLER.bce_number, on=TODAY - datetime.timedelta(1))) == []
    assert list(integrated_ssins(organisation="0999999999", on=TODAY)) == []


def test_an_overlapping_period_is_refused_and_the_inscription_returned(ssdn):
    register()
    reply = register(start=TODAY + datetime.timedelta(days=30))
    assert reply.ok == "NO" and "overlaps" in reply.error_diagnostic
    found = [(r.start_date, r.org_unit) for r in reply.registrations]
    assert found == [(TODAY.isoformat(), CALLER.bce_number)]
    assert Integration.objects.count() == 1
    assert_conforms(ssdn)


@pytest.mark.parametrize(
    ("kwargs", "complaint"),
    [
        ({"ssin": UNKNOWN}, "No person is known"),
        ({"end": TODAY - datetime.timedelta(days=1)}, "precedes its start"),
        ({"proof": bcss_access.Proof(last_name="DURAND", birth_date="1975-03-12")}, "proof of auth"),
    ],
    ids=["unknown-ssin", "end-before-start", "proof-mismatch"],
)
def test_the_simulator_refuses_what_the_service_refuses(ssdn, kwargs, complaint):
    reply = register(**kwargs)
    assert reply.ok == "NO" and complaint in reply.error_diagnostic
    assert not Integration.objects.exists()
    assert_conforms(ssdn)


def test_unregister_ends_or_removes_the_inscription(ssdn):
    register()
    assert unregister(end=TODAY + datetime.timedelta(days=10)).ok == "YES"
    assert Integration.objects.get().end_date == TODAY + datetime.timedelta(days=10)
    assert unregister(end=TODAY - datetime.timedelta(days=1)).ok == "NO"
    assert unregister().ok == "YES"
    assert not Integration.objects.exists()
    missing = unregister()
    assert missing.ok == "NO" and missing.registrations == ()
    assert_conforms(ssdn)


def _open(centre, worker, capture):
    reply = services.identification_by_niss(centre=centre, niss=DUPONT, by=worker)
    with capture(execute=True):
        dossier, created = services.dossier_create(
            centre=centre, identified=reply.persons[0], effective_address=ADDRESS, by=worker
        )
    assert created
    dossier.refresh_from_db()
    return dossier


def test_opening_a_dossier_integrates_its_beneficiary(
    ssdn,
    centre,
    worker,
    django_capture_on_commit_callbacks,
):
    dossier = _open(centre, worker, django_capture_on_commit_callbacks)
    assert dossier.integration_state == Dossier.Integration.INTEGRATED
    today = timezone.localdate()
    assert list(integrated_ssins(organisation=centre.bce_number, on=today)) == [DUPONT]
    event = AuditEvent.objects.filter(object_id=str(dossier.pk), action=AuditEvent.Action.BCSS_CONSULTATION)
    assert event.get().details["action"] == "REGISTER"
    assert_conforms(ssdn)


def test_a_failed_integration_keeps_the_dossier_and_is_redone(
    bcss_http, monkeypatch, centre, worker, django_capture_on_commit_callbacks
):
    demo_persons_ensure()
    reply = services.identification_by_niss(centre=centre, niss=DUPONT, by=worker)
    route_bcss(monkeypatch, FailingAdapter(status=503, body=b"down"))
    with django_capture_on_commit_callbacks(execute=True):
        dossier, _ = services.dossier_create(
            centre=centre, identified=reply.persons[0], effective_address=ADDRESS, by=worker
        )
    dossier.refresh_from_db()
    assert dossier.integration_state == Dossier.Integration.TO_REDO
    assert dossier.integration_error.startswith("unavailable")
    assert not Integration.objects.exists()

    route_bcss(monkeypatch, bcss_http)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_integration_retry(dossier=dossier, user=worker)
    dossier.refresh_from_db()
    assert dossier.integration_state == Dossier.Integration.INTEGRATED
    assert Integration.objects.filter(ssin=DUPONT, organisation=centre.bce_number).count() == 1


def test_the_beat_sweep_redoes_what_is_left_to_redo(
    bcss_http, monkeypatch, centre, worker, django_capture_on_commit_callbacks, settings
):
    demo_persons_ensure()
    reply = services.identification_by_niss(centre=centre, niss=DUPONT, by=worker)
    route_bcss(monkeypatch, FailingAdapter(status=503, body=b"down"))
    with django_capture_on_commit_callbacks(execute=True):
        dossier, _ = services.dossier_create(
            centre=centre, identified=reply.persons[0], effective_address=ADDRESS, by=worker
        )
    route_bcss(monkeypatch, bcss_http)
    settings.BCSS_INTEGRATION_SWEEP_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_integrations() == 1
    dossier.refresh_from_db()
    assert dossier.integration_state == Dossier.Integration.INTEGRATED
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_integrations() == 0


def test_closing_unregisters_and_reopening_registers_again(
    ssdn,
    centre,
    worker,
    django_capture_on_commit_callbacks,
):
    dossier = _open(centre, worker, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_close(dossier=dossier, user=worker, reason="Déménagement hors du territoire")
    dossier.refresh_from_db()
    assert dossier.is_closed and dossier.closing_reason == "Déménagement hors du territoire"
    assert dossier.integration_state == Dossier.Integration.UNREGISTERED
    assert Integration.objects.get().end_date == today
    tomorrow = today + datetime.timedelta(days=1)
    assert list(integrated_ssins(organisation=centre.bce_number, on=tomorrow)) == []

    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_reopen(dossier=dossier, user=worker)
    dossier.refresh_from_db()
    assert not dossier.is_closed and dossier.integration_state == Dossier.Integration.INTEGRATED
    assert list(integrated_ssins(organisation=centre.bce_number, on=tomorrow)) == [DUPONT]
    periods = list(Integration.objects.order_by("start_date").values_list("start_date", "end_date"))
    assert periods == [(dossier.created_at.date(), today), (tomorrow, None)]
    changes = AuditEvent.objects.filter(object_id=str(dossier.pk), action=AuditEvent.Action.CHANGE)
    assert [e.details["event"] for e in changes.order_by("at")] == ["dossier_closed", "dossier_reopened"]
    assert_conforms(ssdn)


def test_a_registration_whose_reply_was_lost_is_not_refused_on_retry(
    ssdn,
    centre,
    worker,
    django_capture_on_commit_callbacks,
):
    Integration.objects.create(
        ssin=DUPONT, organisation=centre.bce_number, legal_context="1", start_date=timezone.localdate()
    )
    dossier = _open(centre, worker, django_capture_on_commit_callbacks)
    assert dossier.integration_state == Dossier.Integration.INTEGRATED
    assert Integration.objects.count() == 1


def test_closing_again_the_day_of_a_reopening_removes_the_future_inscription(
    ssdn,
    centre,
    worker,
    django_capture_on_commit_callbacks,
):
    dossier = _open(centre, worker, django_capture_on_commit_callbacks)
    for action in ("close", "reopen", "close"):
        with django_capture_on_commit_callbacks(execute=True):
            if action == "close":
                dossier = services.dossier_close(dossier=dossier, user=worker, reason="Erreur")
            else:
                dossier = services.dossier_reopen(dossier=dossier, user=worker)
    dossier.refresh_from_db()
    assert dossier.integration_state == Dossier.Integration.UNREGISTERED
    assert Integration.objects.count() == 1


def test_a_creator_the_bcss_would_refuse_leaves_it_to_redo_and_the_retry_asks_for_the_worker(
    ssdn, centre, worker, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    creator = UserFactory(niss="")
    reply = services.identification_by_niss(centre=centre, niss=DUPONT, by=worker)
    with django_capture_on_commit_callbacks(execute=True):
        dossier, _ = services.dossier_create(
            centre=centre, identified=reply.persons[0], effective_address=ADDRESS, by=creator
        )
    dossier.refresh_from_db()
    assert (dossier.integration_state, dossier.integration_error) == (
        Dossier.Integration.TO_REDO,
        "caller: niss",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_integration_retry(dossier=dossier, user=worker)
    dossier.refresh_from_db()
    assert dossier.integration_state == Dossier.Integration.INTEGRATED


def _payload(proof_data: bool = True, start: str = "2026-03-02"):
    payload = bcss_access._request(
        action="REGISTER", ssin=DUPONT, purpose=1, start_date=TODAY, end_date=None, proof=PROOF
    )
    if not proof_data:
        proof = payload.find(f"{{{bcss_access.NS_MAR}}}ProofOfAuthentication")
        for child in list(proof):
            proof.remove(child)
    payload.find(f"{{{bcss_access.NS_MAR}}}Period/{{{bcss_access.bcss.NS_COMMON}}}StartDate").text = start
    return payload


def test_the_simulator_refuses_a_registration_without_any_proof_of_authentication(ssdn):
    """The service asks for at least one of the SIS card, the identity card or the legal data: an empty
    ProofOfAuthentication (valid for the schema) registers no one."""
    from simulators.bcss.manage_access import manage_access
    from simulators.bcss.reasons import status_of

    outcome = manage_access(_payload(proof_data=False), organisation=CALLER.bce_number)
    assert status_of(outcome.details) == "NO"
    assert "ProofOfAuthentication" in str(outcome.details)
    assert not Integration.objects.exists()


@pytest.mark.parametrize("start", ["10000-01-01", "-0001-01-01"])
def test_the_simulator_answers_a_schema_valid_date_python_cannot_read(ssdn, start):
    """xs:date allows years Python's dates do not hold: the simulator answers an error, not a 500."""
    from simulators.bcss.manage_access import manage_access
    from simulators.bcss.reasons import status_of

    outcome = manage_access(_payload(start=start), organisation=CALLER.bce_number)
    assert status_of(outcome.details) == "NO"
    assert not Integration.objects.exists()
