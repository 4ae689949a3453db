"""The « Échéancier »: a worker sees on the home page that a CPAS Online request is overdue, opens it
from the Échéancier, records the decision, and the request leaves the overdue list."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from cpasonline.models import OnlineRequest
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OVERDUE = "2A90072YKMPQ"  # the demo request of Namur read 40 days ago and never decided


def test_the_echeancier_shows_an_overdue_request_and_its_link_opens_it(live_server, page, assert_accessible):
    call_command("seed_demo")
    log_in(page, live_server, "as.namur")

    attention = page.locator(".attention").inner_text()
    assert "Mes échéances dépassées (1)" in attention
    assert "Échéances dépassées du C.P.A.S. (1)" in attention
    page.get_by_role("link", name="Échéancier", exact=True).click()
    assert page.locator("h1").inner_text() == "Échéancier"
    table = page.get_by_role("table").inner_text()
    assert OVERDUE in table and "Décider la demande CPAS Online" in table and "Réception légale le" in table
    assert_accessible(page)

    page.get_by_role("link", name="Toutes les échéances du C.P.A.S.").click()
    assert OVERDUE in page.get_by_role("table").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name=f"Détails {OVERDUE}").click()
    assert page.locator("h1").inner_text() == "CPAS Online - détails d'une demande"
    assert OVERDUE in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_label("Décision prise le").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert "Décision prise le" in page.locator("#decision-status").inner_text()
    assert OnlineRequest.objects.get(reference=OVERDUE).decided_on == timezone.localdate()
    assert_accessible(page)

    page.goto(f"{live_server.url}/echeancier/?qui=centre&periode=retard")
    assert "Aucune échéance pour cette période." in page.get_by_role("table").inner_text()

    page.get_by_role("link", name="Résumé quotidien par e-mail").click()
    page.get_by_label("Recevoir chaque matin par e-mail le résumé de mes échéances").check()
    page.get_by_role("button", name="Enregistrer").click()
    assert "Votre choix est enregistré." in page.locator("main").inner_text()
    assert_accessible(page)
