"""« Nouveau dossier » as a social worker clicks it, the BCSS simulator answering over real HTTP."""

import pytest
from django.core.management import call_command

from primaweb.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def test_find_by_niss_and_by_phonetic_search_then_create_the_dossier(
    live_server, bcss_on_live_server, page, assert_accessible
):
    call_command("seed_demo")
    call_command("simulate_register", count=200, seed=3)
    log_in(page, live_server, "as.namur")

    page.get_by_role("link", name="Nouveau dossier").click()
    assert page.locator("h1").inner_text() == "Identification de la personne"
    assert_accessible(page)

    # By NISS, with a typo first: refused before any call, with the reason.
    page.get_by_label("Numéro").fill("75031212347")
    page.get_by_role("button", name="Rechercher").first.click()
    assert "Le chiffre de contrôle du NISS est incorrect." in page.locator("main").inner_text()
    page.get_by_label("Numéro").fill("75.03.12-123.46")
    page.get_by_role("button", name="Rechercher").first.click()
    results = page.get_by_role("table")
    assert "DUPONT" in results.inner_text() and "75.03.12-123.46" in results.inner_text()

    # By phonetic search with an unknown day and a tolerance in months.
    page.get_by_role("textbox", name="Nom", exact=True).fill("Moukendi")
    page.get_by_label("Jour").fill("00")
    page.get_by_label("Mois").fill("09")
    page.get_by_label("Année").fill("2000")
    page.get_by_label("Tolérance").fill("1")
    page.get_by_role("button", name="Rechercher").nth(1).click()
    assert "MUKENDI" in page.get_by_role("table").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Détails MUKENDI").click()
    assert "Données de la personne" in page.locator("main").inner_text()
    assert_accessible(page)

    # « Retour » brings the list back with the criteria kept.
    page.get_by_role("link", name="Retour").click()
    assert page.get_by_role("textbox", name="Nom", exact=True).input_value() == "Moukendi"
    assert "MUKENDI" in page.get_by_role("table").inner_text()
    page.get_by_role("link", name="Détails MUKENDI").click()

    page.get_by_role("button", name="Copier ces informations dans l'adresse de résidence effective").click()
    assert page.get_by_label("Code postal").input_value() != ""
    page.get_by_label("Boîte").fill("2")
    page.get_by_role("button", name="Créer le dossier").click()

    assert "Page principale du dossier" in page.locator("h1").inner_text()
    assert "MUKENDI" in page.locator("main").inner_text()
    assert "a été créé" in page.locator(".messages").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Retour").click()
    assert "MUKENDI" in page.get_by_role("table").inner_text()
    assert_accessible(page)
