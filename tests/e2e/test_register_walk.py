"""A dossier kept true to the national register, as a social worker clicks it: creating the dossier
integrates its beneficiary at the BCSS (ManageAccess), « Données du registre national » shows the civil
state with its start date and partner (RetrieveTIGroups), then the dossier is closed with a reason and
reopened. The BCSS simulator answers over real HTTP on the live server."""

import pytest
from django.core.management import call_command

from dossiers.models import Dossier
from simulators.bcss.models import Integration
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DUPONT = "75031212346"


def test_create_consult_the_register_close_and_reopen(
    live_server, bcss_on_live_server, page, assert_accessible
):
    call_command("seed_demo")
    call_command("simulate_register", count=50, seed=3)
    log_in(page, live_server, "as.namur")

    page.get_by_role("link", name="Nouveau dossier").click()
    page.get_by_label("Numéro").fill("75.03.12-123.46")
    page.get_by_role("button", name="Rechercher").first.click()
    page.get_by_role("link", name="Détails DUPONT").click()
    page.get_by_role("button", name="Copier ces informations dans l'adresse de résidence effective").click()
    page.get_by_role("button", name="Créer le dossier").click()
    assert "Page principale du dossier" in page.locator("h1").inner_text()

    # The integration ran on commit: the page, shown again, says the beneficiary is integrated.
    page.reload()
    assert page.locator("#integration-state").inner_text() == "intégré à la BCSS"
    dossier = Dossier.objects.get(beneficiary__niss=DUPONT)
    assert Integration.objects.filter(ssin=DUPONT, organisation=dossier.centre.bce_number).exists()
    assert_accessible(page, "dossier")

    page.get_by_role("link", name="Données du registre national").click()
    civil = page.locator("section", has=page.get_by_role("heading", name="Etat civil"))
    first_row = civil.locator("tbody tr").first.inner_text()
    # The civil state in force, since its start date, with the partner's name and NISS.
    assert "16/06/2001" in first_row and "Marié(e)" in first_row
    assert "LAMBERT Anne Marie" in first_row and "77.09.30-222.73" in first_row
    assert page.get_by_role("heading", name="Adresses").is_visible()
    assert_accessible(page, "registre-national")

    page.get_by_role("link", name="Retour au dossier").click()
    page.locator("summary", has_text="Clôturer le dossier").click()
    page.get_by_role("button", name="Clôturer le dossier").click()  # without a reason: the browser asks one
    assert page.locator("#dossier-open-state").inner_text() == "Ouvert"
    page.get_by_label("Motif de la clôture").fill("Déménagement hors du territoire du C.P.A.S.")
    page.get_by_role("button", name="Clôturer le dossier").click()
    assert "Le dossier est clôturé." in page.locator(".messages").inner_text()
    assert "Déménagement hors du territoire" in page.locator("#closing-reason").inner_text()
    page.reload()
    assert page.locator("#integration-state").inner_text() == "désinscrit de la BCSS"
    assert_accessible(page, "dossier-cloture")

    page.get_by_role("button", name="Rouvrir le dossier").click()
    assert "Le dossier est rouvert." in page.locator(".messages").inner_text()
    assert page.locator("#dossier-open-state").inner_text() == "Ouvert"
    page.reload()
    assert page.locator("#integration-state").inner_text() == "intégré à la BCSS"
    assert_accessible(page, "dossier-rouvert")
    assert Integration.objects.filter(ssin=DUPONT).count() == 2
