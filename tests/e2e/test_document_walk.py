"""A social worker uploads a DOCX, watches it convert, opens, replaces, archives, unarchives and finds it.

The worker here is a real Celery worker thread consuming an in-memory broker, and the converter the warm
LibreOffice listener the suite starts once.
"""

import pytest
from django.core.management import call_command

from dossiers.models import Dossier
from tests import samples
from tests.factories import PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_upload_convert_open_replace_archive_and_find(
    live_server, page, assert_accessible, converter, celery_worker_thread, tmp_path
):
    from primaweb.models import Centre, User

    call_command("seed_demo")
    centre = Centre.objects.get(bce_number="0212345668")
    person = PersonFactory(centre=centre, niss="75031212346", last_name="DUPONT", first_names="Jean-Pierre")
    Dossier.objects.create(
        centre=centre,
        number="2026000001",
        beneficiary=person,
        created_by=User.objects.get(username="as.namur"),
    )
    letter = tmp_path / "Courrier décision.docx"
    letter.write_bytes(samples.docx_bytes(text="Décision du Conseil"))
    replacement = tmp_path / "Décision corrigée.pdf"
    replacement.write_bytes(samples.pdf_bytes(pages=2))

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("as.namur")
    page.get_by_label("Mot de passe").fill("Primaweb-demo-2026")
    page.get_by_role("button", name="Se connecter", exact=True).click()

    page.get_by_role("link", name="Ajouter un document").click()
    page.get_by_role("textbox", name="NISS").fill("75031212346")
    page.get_by_role("button", name="Rechercher").click()
    assert "Ajouter un document" in page.locator("h1").inner_text()
    assert "DUPONT" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_label("Type de document").select_option(label="Décision du Conseil de l'action sociale")
    page.get_by_label("Fichier").set_input_files(str(letter))
    page.get_by_role("button", name="Charger").click()
    assert page.locator("h1").inner_text() == "Traitement d'un document"
    # The page follows the conversion and moves on by itself when the PDF is ready.
    page.get_by_text("Document enregistré").wait_for(timeout=60_000)
    assert_accessible(page)

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Ouvrir").click()
    assert popup.value.url.endswith("/pdf/")
    popup.value.close()

    # « Imprimer » posts, the PDF loads in a hidden frame to be printed, and the page stays put.
    document_url = page.url
    with page.expect_response(lambda response: response.url.endswith("/imprimer/")) as printed:
        page.get_by_role("button", name="Imprimer").click()
    assert printed.value.request.method == "POST" and printed.value.status == 200
    assert page.url == document_url and len(page.context.pages) == 1
    page.reload()
    assert "Imprimé" in page.get_by_role("table").inner_text()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Nouveau fichier").set_input_files(str(replacement))
    page.get_by_role("button", name="Remplacer document").click()
    assert "Le document a été remplacé." in page.locator(".messages").inner_text()
    history = page.get_by_role("table").inner_text()
    assert "Remplacé" in history and "Consulté" in history and "Converti en PDF" in history

    page.get_by_role("button", name="Archiver").click()
    page.get_by_role("link", name="Gérer les documents").first.click()
    assert "Décision corrigée.pdf" not in page.locator("main").inner_text()
    page.get_by_role("link", name="Anciens documents").click()
    assert "Décision corrigée.pdf" in page.get_by_role("table").inner_text()
    page.get_by_role("button", name="Désarchiver Décision corrigée.pdf").click()

    page.get_by_role("link", name="Documents en cours").click()
    page.get_by_role("textbox", name="NISS").fill("75031212346")
    page.get_by_label("Statut").select_option(label="Document enregistré")
    page.get_by_label("Type de document").select_option(label="Décision du Conseil de l'action sociale")
    page.get_by_role("button", name="Rechercher").click()
    assert "Décision corrigée.pdf" in page.get_by_role("table").inner_text()
    assert_accessible(page)
