"""A social worker's first steps, clicked through in Chromium: log in, pick a centre, home page, Dutch."""

import pytest
from django.core.management import call_command

from primaweb.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_in_pick_a_centre_see_the_home_page_and_switch_to_dutch(live_server, page, assert_accessible):
    call_command("seed_demo")

    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Se connecter à Primaweb"
    assert_accessible(page)

    page.get_by_label("Nom d'utilisateur").fill("as.multi")
    page.get_by_label("Mot de passe").fill("not-the-password")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    assert "Nom d'utilisateur ou mot de passe incorrect" in page.locator("[role=alert]").inner_text()
    assert_accessible(page)

    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    assert "Veuillez sélectionner votre rôle" in page.locator("h1").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="CPAS d'Ixelles").click()
    assert page.locator("h1").inner_text() == "Page d'accueil"
    header = page.locator(".connected-as").inner_text()
    assert "0207.654.333" in header and "Ixelles" in header and "Agent social" in header
    assert page.get_by_role("heading", name="Informations sur le C.P.A.S.").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Fiche signalétique du C.P.A.S.").click()
    assert "bilingue" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Retour").click()

    page.get_by_role("button", name="Nederlands").click()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Startpagina"
    assert "Elsene" in page.locator(".connected-as").inner_text()
    assert page.get_by_role("heading", name="Informatie over het OCMW").is_visible()
    assert_accessible(page)


def test_centre_administrator_reads_the_admin_logs(live_server, page, assert_accessible):
    call_command("seed_demo")
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("admin.namur")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.get_by_role("link", name="Admin-Logs").click()
    assert page.locator("h1").inner_text() == "Admin-Logs"
    assert "Choix du C.P.A.S." in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_label("Action").select_option("login")
    page.get_by_role("button", name="Rechercher").click()
    assert "Choix du C.P.A.S." not in page.locator("table").inner_text()
    assert "Connexion" in page.locator("table").inner_text()
