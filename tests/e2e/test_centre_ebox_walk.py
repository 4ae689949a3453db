"""The centre's e-Box: a citizen's reply and an institution's message, seen by who may see them.

A citizen replies in the simulator's My eBox to a document the centre sent; the social worker sees the
reply on the document and in « e-Box du C.P.A.S. », and the SPP IS message granted to them; a second
worker, granted other message types only, sees nothing of that SPP IS message.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from centrebox import services as centrebox
from documents.models import Document, DocumentType
from dossiers.models import Dossier
from primaweb.demo import DEMO_PASSWORD
from primaweb.models import Centre, Membership, User
from simulators.ebox.services import enterprise_message_drop
from tests.e2e.helpers import log_in, wait_for_status
from tests.factories import PersonFactory, document_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NISS = "75031212346"


def test_reply_and_institution_message_reach_only_those_granted(
    live_server, ebox_on_live_server, celery_worker_thread, browser, assert_accessible
):
    call_command("seed_demo")
    call_command("simulate_ebox_onboarding")  # as `make run` does
    centre = Centre.objects.get(bce_number="0212345668")
    person = PersonFactory(centre=centre, niss=NISS, last_name="DUPONT")
    dossier = Dossier.objects.create(
        centre=centre,
        number="2026000077",
        beneficiary=person,
        created_by=User.objects.get(username="as.namur"),
    )
    request_type = DocumentType.objects.get(centre=centre, ebox_message_type="CPAS_REQUEST")
    document = document_in(centre, dossier=dossier, original_name="Demande.pdf", document_type=request_type)
    first = Membership.objects.get(user__username="as.namur", centre=centre)
    centrebox.grant_set(
        membership=first, may_open_ebox=True, message_types=["CITIZEN_REPLY", "SPPIS_DECISION"]
    )
    second_user = User.objects.create_user(
        "as2.namur", password=DEMO_PASSWORD, first_name="Paul", last_name="Martin"
    )
    second = Membership.objects.create(user=second_user, centre=centre)
    centrebox.grant_set(membership=second, may_open_ebox=True, message_types=["ONEM_INFO"])

    worker = browser.new_context(locale="fr-BE").new_page()
    citizen = browser.new_context(locale="fr-BE").new_page()

    # The citizen has an eBox; the worker sends the request for documents, which allows a reply.
    citizen.goto(f"{live_server.url}/simulators/ebox/citoyen/")
    citizen.get_by_label("NISS").fill(NISS)
    citizen.get_by_role("button", name="Se connecter").click()
    citizen.get_by_label("Adresse e-mail").fill("dupont@example.org")
    citizen.get_by_role("button", name="Activer mon eBox").click()
    log_in(worker, live_server, "as.namur")
    worker.goto(f"{live_server.url}/documents/{document.pk}/")
    worker.get_by_role("button", name="Envoyer vers eBox").click()
    wait_for_status(document, Document.Status.SENT)

    # The citizen replies once, in My eBox.
    citizen.goto(f"{live_server.url}/simulators/ebox/citoyen/boite/")
    citizen.get_by_role("link", name="Demande de documents").click()
    # The message's PDF loads in a frame above the form, and Chromium's viewer may move the page as it
    # opens: a mouse click on the answer twice landed elsewhere on a busy machine. Chosen by keyboard.
    citizen.wait_for_load_state("load")
    citizen.get_by_label("J'accepte").press("Space")
    expect(citizen.get_by_label("J'accepte")).to_be_checked()
    citizen.get_by_role("textbox", name="Commentaire").fill("Je vous apporte les fiches de paie lundi.")
    citizen.get_by_role("button", name="Envoyer la réponse").click()
    # The SPP IS writes to the centre too.
    enterprise_message_drop(
        recipient_bce=centre.bce_number,
        sender_organization_id="0367302178",
        message_type_id="SPPIS_DECISION",
        subject="Décision de remboursement",
        body="Accord.",
    )
    centrebox.inbox_import(centre=centre)

    # The worker sees the reply on the document, and both messages in the centre's e-Box.
    worker.goto(f"{live_server.url}/documents/{document.pk}/")
    worker.get_by_role("heading", name="Réponse du bénéficiaire").wait_for()
    assert (
        "fiches de paie" in worker.locator("main").inner_text()
        or "Réponse" in worker.locator("main").inner_text()
    )
    assert "Réponse reçue" in worker.get_by_role("table").last.inner_text()
    assert_accessible(worker)
    worker.goto(f"{live_server.url}/documents/gerer/")
    # The shown status says it, in words (documents.statuses).
    assert "Réponse reçue" in worker.get_by_role("table").inner_text()
    worker.goto(f"{live_server.url}/")
    worker.get_by_role("link", name="e-Box du C.P.A.S.").click()
    inbox = worker.locator("main").inner_text()
    assert "Décision de remboursement" in inbox and "Réponse" in inbox
    assert_accessible(worker)
    worker.get_by_role("link", name="Détails Décision de remboursement").click()
    # Opening the message reads nothing at the eBox; « Afficher le contenu » (a POST) does.
    assert "Accord." not in worker.locator("main").inner_text()
    worker.get_by_role("button", name="Afficher le contenu").click()
    assert "Accord." in worker.locator("main").inner_text()

    # The second worker, granted other types only, sees nothing of the SPP IS message.
    other = browser.new_context(locale="fr-BE").new_page()
    log_in(other, live_server, "as2.namur")
    other.get_by_role("link", name="e-Box du C.P.A.S.").click()
    assert "Décision de remboursement" not in other.locator("main").inner_text()
    other.goto(f"{live_server.url}/centre-ebox/?type=SPPIS_DECISION")
    assert "Décision de remboursement" not in other.locator("main").inner_text()
