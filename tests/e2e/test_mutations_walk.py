"""The register's mutations as a social worker meets them: a move confirmed, a death closing the dossier.

A dossier is opened (its beneficiary integrated in the simulator's directory through ManageAccess), the
register records a move, « Relever les mutations » pulls it over real HTTP from the simulator on the live
server, the worker sees it in « Consulter les mutations » and on the dossier, and confirms the new legal
address; then a death closes the dossier and holds the send that was waiting.
"""

import re
from datetime import date

import pytest
from django.core.management import call_command

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NISS = "75031212346"  # DUPONT Jean-Pierre, a demo person of the simulated register


@pytest.fixture
def register_on_live_server(live_server, settings):
    settings.BCSS_MUTATIONS_URL = f"{live_server.url}/simulators/bcss/mutations/MutationPullPort"
    settings.BCSS_TI_GROUPS_URL = f"{live_server.url}/simulators/bcss/RetrieveTIGroupsService/v2/retrieveTI"


def _open_dossier(page):
    page.get_by_role("link", name="Nouveau dossier").click()
    page.get_by_label("Numéro").fill(NISS)
    page.get_by_role("button", name="Rechercher").first.click()
    page.get_by_role("link", name="Détails DUPONT").click()
    page.get_by_role("button", name="Copier ces informations dans l'adresse de résidence effective").click()
    page.get_by_role("button", name="Créer le dossier").click()
    assert "Page principale du dossier" in page.locator("h1").inner_text()


def _poll(page, live_server):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Consulter les mutations").first.click()
    page.get_by_role("button", name="Relever les mutations").click()
    assert "nouvelle(s) mutation(s) reçue(s)" in page.locator(".messages").inner_text()


def test_a_move_then_a_death_reach_the_dossier(
    live_server, bcss_on_live_server, register_on_live_server, page, assert_accessible
):
    from dossiers.models import Dossier
    from ebox.models import Publication
    from simulators.bcss.models import Integration
    from simulators.bcss.mutations import mutation_simulate_one
    from tests.factories import document_in, publication_in

    call_command("seed_demo")
    call_command("simulate_register", count=50, seed=3)
    log_in(page, live_server, "as.namur")
    _open_dossier(page)
    dossier_url = page.url
    assert Integration.objects.filter(ssin=NISS).exists()  # ManageAccess registered the beneficiary
    assert page.locator("#integration-state").inner_text() == "intégré à la BCSS"

    # The register records a move; the worker pulls it and sees it in the list.
    move = mutation_simulate_one(ssin=NISS, kind="MOVE", seed=11)[0]
    _poll(page, live_server)
    rows = page.get_by_role("table").inner_text()
    assert "Changement d'adresse" in rows and move.data["municipality"] in rows
    assert_accessible(page)

    # On the dossier: flagged, then confirmed; the old address kept in the history.
    page.goto(dossier_url)
    section = page.locator("#dossier-mutations").locator("..")
    assert "1 mutation à traiter" in section.inner_text()
    assert_accessible(page)
    section.get_by_role("button", name="Mettre à jour l'adresse légale").click()
    assert "a été mise à jour" in page.locator(".messages").inner_text()
    legal = page.locator("#legal").locator("..").inner_text()
    assert move.data["street"] in legal and move.data["postal_code"] in legal
    assert "Anciennes adresses légales" in page.locator("#dossier-mutations").locator("..").inner_text()
    assert_accessible(page)

    # The full record (RetrieveTIGroups) has the move in its history, and the civil state with its
    # start date and partner.
    page.get_by_role("link", name="Données du registre national").click()
    today = date.today().strftime("%d/%m/%Y")
    moved = page.locator("#addresses").locator("..").get_by_role("row").filter(has_text=move.data["street"])
    assert today in moved.first.inner_text()
    married = page.locator("#civil-states").locator("..").get_by_role("row").filter(has_text="Marié(e)")
    assert "77.09.30-222.73" in married.first.inner_text()  # LAMBERT Anne Marie, his wife
    assert re.search(r"\d\d/\d\d/\d{4}", married.first.inner_text())
    assert_accessible(page)

    # A send waits for the beneficiary when the register reports the death.
    dossier = Dossier.objects.get(beneficiary__niss=NISS)
    pending = publication_in(
        dossier.centre, state="pending", document=document_in(dossier.centre, dossier=dossier)
    )
    mutation_simulate_one(ssin=NISS, kind="DEATH")
    _poll(page, live_server)
    page.get_by_role("link", name="Clôturer le dossier").first.click()
    assert "décès" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Clôturer le dossier").click()
    assert "1 envoi(s) eBox retenu(s)" in page.locator(".messages").inner_text()
    assert_accessible(page)

    dossier.refresh_from_db()
    pending.refresh_from_db()
    assert dossier.is_closed
    assert pending.state == Publication.State.TO_VERIFY
