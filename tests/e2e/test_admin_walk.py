"""A centre administrator's walk through the Django admin, in Chromium, each page checked by axe-core."""

import pytest
from django.core.management import call_command

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_centre_administrator_walks_the_admin_pages_accessibly(live_server, page, assert_accessible):
    call_command("seed_demo")
    # The link `make run` prints: a visitor not signed in gets the admin's sign-in page.
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url and page.locator("#id_password").is_visible()
    assert_accessible(page)

    log_in(page, live_server, "admin.namur")

    page.goto(f"{live_server.url}/admin/")
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/primaweb/user/")
    assert "as.namur" in page.locator("#result_list").inner_text()
    assert "as.ixelles" not in page.locator("#result_list").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="as.namur", exact=True).click()
    assert "utilisateur" in page.locator("#content h1").inner_text()
    assert_accessible(page)
    # Its history: what Namur's audit trail holds about the account.
    page.get_by_role("link", name="Historique").click()
    assert "Historique" in page.locator("#content h1").inner_text()
    assert "Ixelles" not in page.locator("#content").inner_text()
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/primaweb/user/add/")
    assert_accessible(page)
    page.get_by_label("Nom d’utilisateur").fill("nouvel.as")
    page.locator("#id_password1").fill("Un-mot-de-passe-solide-42")
    page.locator("#id_password2").fill("Un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert "au moins un C.P.A.S." in page.locator("#content").inner_text()
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/primaweb/membership/")
    assert_accessible(page)
    page.get_by_role("link", name="Ajouter une personne existante").click()
    page.get_by_label("NISS").fill("85.07.30-002.59")
    page.get_by_label("Adresse e-mail").fill("personne@nulle.part")
    page.get_by_role("button", name="Inviter", exact=True).click()
    assert "Aucune personne ne peut être invitée" in page.locator("main, #content").first.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Invitations envoyées").click()
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/documents/documenttype/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/admin/primaweb/auditevent/")
    assert_accessible(page)
