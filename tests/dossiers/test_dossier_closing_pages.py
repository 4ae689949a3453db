"""The dossier's page: its BCSS integration shown, « Clôturer le dossier » with a reason and « Rouvrir le
dossier », « Réessayer l'intégration BCSS », and « Données du registre national » (RetrieveTIGroups)."""

import datetime

import pytest
from django.urls import reverse

from dossiers.models import Dossier
from primaweb.models import AuditEvent
from simulators.bcss.models import Integration, RegisteredPerson
from simulators.bcss.services import demo_persons_ensure
from tests.factories import DossierFactory
from tests.http import FailingAdapter, route_bcss


@pytest.fixture
def record_service(bcss_http, settings):
    settings.BCSS_TI_GROUPS_URL = "http://bcss.test/simulators/bcss/RetrieveTIGroupsService/v2/retrieveTI"
    demo_persons_ensure()
    return bcss_http


def _married():
    return RegisteredPerson.objects.filter(civil_state=20).exclude(partner_niss="").order_by("niss").first()


def _dossier_for(centre, registered, state=Dossier.Integration.INTEGRATED):
    return DossierFactory(
        centre=centre,
        beneficiary__niss=registered.niss,
        beneficiary__last_name=registered.last_name,
        integration_state=state,
    )


@pytest.mark.django_db
def test_the_dossier_page_shows_its_integration_and_the_actions(worker_client, centre):
    dossier = DossierFactory(centre=centre, integration_state=Dossier.Integration.TO_REDO)
    page = worker_client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert "intégration BCSS à refaire" in page
    assert "Réessayer l&#x27;intégration BCSS" in page or "Réessayer l'intégration BCSS" in page
    assert "Clôturer le dossier" in page and "Données du registre national" in page


@pytest.mark.django_db
def test_closing_needs_a_reason_and_changes_nothing_without(worker_client, centre):
    dossier = DossierFactory(centre=centre)
    response = worker_client.post(reverse("dossiers:close", args=[dossier.pk]), {"reason": "  "}, follow=True)
    assert "Indiquez le motif de la clôture." in response.content.decode()
    dossier.refresh_from_db()
    assert not dossier.is_closed


@pytest.mark.django_db
def test_close_then_reopen(worker_client, worker, centre, django_capture_on_commit_callbacks):
    dossier = DossierFactory(centre=centre)
    with django_capture_on_commit_callbacks():  # the BCSS work is queued, not run here
        response = worker_client.post(
            reverse("dossiers:close", args=[dossier.pk]), {"reason": "Plus d'aide demandée"}, follow=True
        )
    page = response.content.decode()
    assert "Le dossier est clôturé." in page and "Plus d&#x27;aide demandée" in page
    assert "désinscription BCSS en cours" in page and "Rouvrir le dossier" in page
    dossier.refresh_from_db()
    assert dossier.is_closed and dossier.closed_by == worker
    with django_capture_on_commit_callbacks():
        response = worker_client.post(reverse("dossiers:reopen", args=[dossier.pk]), follow=True)
    assert "Le dossier est rouvert." in response.content.decode()
    dossier.refresh_from_db()
    assert not dossier.is_closed and dossier.integration_state == Dossier.Integration.PENDING


@pytest.mark.django_db
def test_the_full_record_shows_the_civil_state_with_its_date_and_partner(
    record_service, worker_client, worker, centre
):
    married = _married()
    dossier = _dossier_for(centre, married)
    Integration.objects.create(
        ssin=married.niss,
        organisation=centre.bce_number,
        legal_context="1",
        start_date=datetime.date(2020, 1, 1),
    )
    response = worker_client.get(reverse("dossiers:full_record", args=[dossier.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Marié(e)" in page and married.civil_state_since.strftime("%d/%m/%Y") in page
    partner = RegisteredPerson.objects.get(niss=married.partner_niss)
    assert partner.last_name.upper() in page
    assert "Adresses" in page and "Composition de ménage" in page and "Nationalité" in page
    bcss_events = AuditEvent.objects.filter(action=AuditEvent.Action.BCSS_CONSULTATION, user=worker)
    assert bcss_events.get().details["outcome"] == "DATA_FOUND"
    view = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, user=worker)
    assert view.object_id == str(dossier.pk)
    # The partner (and the household) shown, by name and NISS, are persons consulted too.
    assert view.details["persons"][0] == married.niss and married.partner_niss in view.details["persons"]


@pytest.mark.django_db
def test_a_person_not_integrated_gets_the_refusal_explained(record_service, worker_client, centre):
    dossier = _dossier_for(centre, _married(), state=Dossier.Integration.TO_REDO)
    page = worker_client.get(reverse("dossiers:full_record", args=[dossier.pk])).content.decode()
    assert "ne répond que pour les personnes intégrées" in page
    assert "intégration BCSS à refaire" in page


@pytest.mark.django_db
def test_a_register_that_is_down_shows_a_clear_message(
    record_service, worker_client, worker, centre, monkeypatch
):
    dossier = _dossier_for(centre, _married())
    route_bcss(monkeypatch, FailingAdapter(status=502, body=b"Bad gateway"))
    response = worker_client.get(reverse("dossiers:full_record", args=[dossier.pk]))
    assert response.status_code == 200
    assert "Le registre national ne répond pas pour l" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.BCSS_CONSULTATION, user=worker)
    assert event.details["outcome"] == "unavailable"
    assert Dossier.objects.for_centre(centre).filter(pk=dossier.pk).exists()
