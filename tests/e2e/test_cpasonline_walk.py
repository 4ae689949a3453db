"""CPAS Online end to end: a citizen files a request; the competent worker finds, reads and files it."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from cpasonline.models import OnlineRequest
from primaweb.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DUPONT = "75031212346"


def test_a_citizen_files_a_request_and_the_worker_creates_the_dossier_from_it(
    live_server, bcss_on_live_server, page, assert_accessible
):
    call_command("seed_demo")
    call_command("simulate_register", count=50, seed=3)

    # The citizen, signed in through the (simulated) federal sign-in.
    page.goto(f"{live_server.url}/cpas-online/")
    assert_accessible(page)
    page.locator("#id_signin-niss").fill(DUPONT)
    page.get_by_role("button", name="Se connecter").click()
    assert "DUPONT" in page.locator("main").inner_text().upper()
    page.get_by_label("Adresse e-mail").fill("jp@example.be")
    page.get_by_label("médiation de dettes").check()
    page.get_by_label("Description de votre demande").fill("Je ne m'en sors plus avec mes crédits.")
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer ma demande").click()
    reference = page.locator("#reference").inner_text()
    assert len(reference) == 12
    assert any(reference in message.body for message in mail.outbox)
    assert OnlineRequest.objects.get(reference=reference).centre.nis_code == "92094"

    # The social worker of Namur.
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("as.namur")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.get_by_role("link", name="Consulter les demandes CPAS Online").click()
    assert reference in page.get_by_role("table").inner_text()
    assert_accessible(page)

    today = date.today().strftime("%d/%m/%Y")
    page.get_by_label("soumises à partir du").fill(today)
    page.get_by_label("jusqu'au").fill(today)
    page.get_by_role("button", name="Rechercher").click()
    rows = page.get_by_role("table").inner_text()
    assert reference in rows and "2A90072YKMGR" not in rows  # the demo request is older

    page.get_by_role("radio", name="Référence").check()
    page.locator("#id_reference").fill(reference)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=f"Détails {reference}").click()
    main = page.locator("main").inner_text()
    assert (
        "CPAS Online - détails d'une demande" in main and f"{DUPONT} *" in main and "jp@example.be **" in main
    )
    assert_accessible(page)

    page.get_by_role("button", name="Marquer comme lu").click()
    assert "Lue le" in page.locator("#read-status").inner_text()

    page.get_by_role("link", name="Créer un dossier").click()
    assert page.get_by_label("Numéro").input_value() == DUPONT
    page.get_by_role("button", name="Rechercher").first.click()
    page.get_by_role("link", name="Détails DUPONT").click()
    page.get_by_role("button", name="Copier ces informations dans l'adresse de résidence effective").click()
    page.get_by_role("button", name="Créer le dossier").click()
    assert "Lier la demande au dossier" in page.locator("h1").inner_text()
    assert OnlineRequest.objects.get(reference=reference).dossier is None
    assert_accessible(page)
    page.get_by_role("button", name="Lier la demande au dossier").click()

    assert "Page principale du dossier" in page.locator("h1").inner_text()
    page.wait_for_selector("#dossier-cpasonline")
    assert reference in page.locator("main").inner_text()
    assert OnlineRequest.objects.get(reference=reference).dossier is not None
