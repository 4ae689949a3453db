"""Letters, clicked through: the administrator uploads a template, a social worker writes a letter from a
dossier, previews it, saves it, sends it to the eBox and the citizen reads it; then a mass mailing of 20
letters shows its progress and ends with 20 sent. A real Celery worker thread converts (the warm
converter) and sends (the eBox simulator on the live server, over real HTTP)."""

import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from documents.models import Document
from dossiers.models import Dossier
from primaweb.models import Centre, User
from tests.e2e.helpers import log_in, wait_for_status
from tests.factories import PersonFactory, niss_for
from tests.letters.docx import template

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMUR = "0212345668"
TEMPLATE = template(
    "{{ beneficiaire.prenom }} {{ beneficiaire.nom }}",
    "{{ adresse_legale }}",
    "Namur, le {{ date }}",
    "Concerne : votre dossier n° {{ dossier.numero }}",
    "{{ texte_libre }}",
    header="{{ centre.nom }}",
)


def dossier_of(centre, niss: str, last_name: str, number: str) -> Dossier:
    person = PersonFactory(
        centre=centre,
        niss=niss,
        last_name=last_name,
        first_names="Jean",
        legal_street="Rue de Fer",
        legal_house_number="12",
        legal_postal_code="5000",
        legal_municipality="Namur",
    )
    return Dossier.objects.create(
        centre=centre,
        number=number,
        beneficiary=person,
        created_by=User.objects.filter(memberships__centre=centre).first(),
    )


def activate(niss: str) -> None:
    from simulators.ebox import services as simulator

    simulator.citizen_activate(
        citizen=simulator.citizen_sign_in(niss=niss),
        email="c@example.org",
        language="fr",
        notifications=False,
    )


def test_a_letter_from_template_to_the_citizens_ebox_then_a_mailing_of_twenty(
    live_server,
    ebox_on_live_server,
    converter,
    celery_worker_thread,
    browser,
    tmp_path,
    assert_accessible,  # noqa: F811
):
    call_command("seed_demo")
    call_command("simulate_ebox_onboarding")
    centre = Centre.objects.get(bce_number=NAMUR)
    dossier = dossier_of(centre, "75031212346", "DUPONT", "2026000042")
    activate(dossier.beneficiary.niss)
    source = tmp_path / "convocation.docx"
    source.write_bytes(TEMPLATE)

    # The administrator adds the template.
    admin = browser.new_context(locale="fr-BE").new_page()
    log_in(admin, live_server, "admin.namur")
    admin.get_by_role("link", name="Modèles de courrier").click()
    admin.get_by_role("link", name="Ajouter un modèle").click()
    assert_accessible(admin)
    admin.get_by_label("Nom du modèle").fill("Convocation")
    admin.get_by_label("Langue").select_option("fr")
    admin.get_by_label("Type de document").select_option(label="Demande de documents")
    admin.get_by_label("Fichier DOCX").set_input_files(str(source))
    admin.get_by_role("button", name="Enregistrer").click()
    assert "Convocation" in admin.get_by_role("table").inner_text()
    assert_accessible(admin)

    # The social worker writes it from the dossier.
    worker = browser.new_context(locale="fr-BE").new_page()
    log_in(worker, live_server, "as.namur")
    worker.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    worker.get_by_role("link", name="Rédiger un courrier").click()
    worker.get_by_label("Modèle de courrier").select_option(label="Convocation (Français)")
    worker.get_by_label("Texte libre").fill("Merci de vous présenter le 3 mars à 10 h.")
    worker.get_by_role("button", name="Voir les champs").click()
    shown = worker.get_by_role("table").inner_text()
    assert "DUPONT" in shown and "5000 Namur" in shown and "2026000042" in shown
    assert_accessible(worker)
    with (
        worker.context.expect_event(
            "response", predicate=lambda r: "/rediger/" in r.url and r.request.method == "POST"
        ) as preview,
        worker.expect_popup() as preview_tab,
    ):
        worker.get_by_role("button", name="Aperçu PDF").click()
    assert preview.value.headers["content-type"] == "application/pdf"
    # The preview opens in a tab of its own, which the worker closes before going on.
    preview_tab.value.close()
    worker.get_by_role("button", name="Enregistrer dans le dossier").click()
    assert "Le courrier a été enregistré dans le dossier" in worker.locator("main").inner_text()
    letter = Document.objects.for_centre(centre).get(dossier=dossier)
    wait_for_status(letter, Document.Status.REGISTERED, seconds=60)
    # The document's page reloads itself once the conversion is over (static/js): no reload of ours,
    # which that one would abort; « Envoyer vers eBox » appears with it.
    expect(worker.get_by_role("button", name="Envoyer vers eBox")).to_be_visible(timeout=60_000)
    worker.get_by_role("button", name="Envoyer vers eBox").click()
    assert "Voulez-vous envoyer un autre document ?" in worker.locator("main").inner_text()
    wait_for_status(letter, Document.Status.SENT)

    # The citizen reads it in My eBox.
    citizen = browser.new_context(locale="fr-BE").new_page()
    citizen.goto(f"{live_server.url}/simulators/ebox/citoyen/")
    citizen.get_by_label("NISS").fill(dossier.beneficiary.niss)
    citizen.get_by_role("button", name="Se connecter").click()
    citizen.goto(f"{live_server.url}/simulators/ebox/citoyen/boite/")
    citizen.get_by_role("link", name="Demande de documents").first.click()
    citizen.get_by_role("link", name=re.compile("convocation", re.IGNORECASE)).first.click()
    call_command("ebox_sync")
    letter.refresh_from_db()
    assert letter.status == Document.Status.READ

    # A mass mailing of 20 letters from « Dossiers du C.P.A.S. ».
    for index in range(20):
        other = dossier_of(
            centre, niss_for("800101", 300 + index), f"LETTRE{index:02d}", f"2026100{index:03d}"
        )
        activate(other.beneficiary.niss)
    worker.goto(f"{live_server.url}/dossiers/")
    worker.get_by_role("link", name="Envoi groupé de courriers").click()
    worker.get_by_label("Nom du bénéficiaire (contient)").fill("LETTRE")
    worker.get_by_label("Type de document").select_option(label="Demande de documents")
    worker.get_by_role("button", name="Lancer l'envoi").click()
    assert worker.locator("progress").count() == 1
    assert_accessible(worker)
    worker.reload()  # the progress survives a reload: it is kept in the database
    assert worker.locator("[data-progress-total]").inner_text() == "20"
    deadline = time.monotonic() + 240
    while worker.locator("[data-progress-sent]").inner_text() != "20":
        assert time.monotonic() < deadline, worker.locator("main").inner_text()
        time.sleep(1)
    worker.wait_for_load_state()
    assert "terminé" in worker.locator("main").inner_text()
    assert worker.locator("[data-progress-failed]").inner_text() == "0"
    assert worker.get_by_role("table").inner_text().count("Envoyé") == 20
    assert_accessible(worker)
