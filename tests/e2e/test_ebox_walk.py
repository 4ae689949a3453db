"""Send to the citizen's eBox and follow it until read, clicked through on both sides.

The social worker sends a converted document; the citizen, in the simulator's My eBox, gets the
notification e-mail and opens it; the worker then sees « Lu par le destinataire ». Then the same from a
Brussels centre, which must choose the language: Dutch. The eBox is reached over real HTTP on the live
server, and a real Celery worker thread sends.
"""

import pytest
from django.core import mail
from django.core.management import call_command

from documents.models import Document
from dossiers.models import Dossier
from primaweb.models import Centre, User
from tests.e2e.helpers import log_in, wait_for_status
from tests.factories import PersonFactory, document_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def registered_document(centre_bce: str, niss: str, last_name: str) -> Document:
    centre = Centre.objects.get(bce_number=centre_bce)
    person = PersonFactory(centre=centre, niss=niss, last_name=last_name)
    dossier = Dossier.objects.create(
        centre=centre,
        number="2026000042",
        beneficiary=person,
        created_by=User.objects.filter(memberships__centre=centre).first(),
    )
    from documents.models import DocumentType

    return document_in(
        centre,
        dossier=dossier,
        original_name="Décision.pdf",
        document_type=DocumentType.objects.get(centre=centre, ebox_message_type="CPAS_DECISION"),
    )


def citizen_activates(page, live_server, niss):
    page.goto(f"{live_server.url}/simulators/ebox/citoyen/")
    page.get_by_label("NISS").fill(niss)
    page.get_by_role("button", name="Se connecter").click()
    if page.get_by_role("button", name="Activer mon eBox").count():
        page.get_by_label("Adresse e-mail").fill("citoyen@example.org")
        page.get_by_label("Recevoir une notification par e-mail pour chaque nouveau document").check()
        page.get_by_role("button", name="Activer mon eBox").click()


def send_from_primaweb(page, live_server, username, document, language=None):
    log_in(page, live_server, username)
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    page.get_by_role("button", name="Envoyer vers eBox").click()
    if language:
        assert "Langue de l'objet du message eBox" in page.locator("main").inner_text()
        page.get_by_label(language).check()
        page.get_by_role("button", name="Envoyer vers eBox").click()
    assert "Voulez-vous envoyer un autre document ?" in page.locator("main").inner_text()


def test_send_read_and_follow_in_namur_then_in_brussels_in_dutch(
    live_server,
    ebox_on_live_server,
    celery_worker_thread,
    browser,
    assert_accessible,  # noqa: F811
):
    call_command("seed_demo")
    call_command("simulate_ebox_onboarding")  # as `make run` does
    worker = browser.new_context(locale="fr-BE").new_page()
    citizen = browser.new_context(locale="fr-BE").new_page()

    # Namur: French, no choice to make.
    document = registered_document("0212345668", "75031212346", "DUPONT")
    citizen_activates(citizen, live_server, "75031212346")
    send_from_primaweb(worker, live_server, "as.namur", document)
    assert_accessible(worker)
    worker.get_by_role("link", name="Non").click()
    assert worker.locator("h1").inner_text() == "Gérer les documents"
    wait_for_status(document, Document.Status.SENT)
    assert len(mail.outbox) == 1 and "eBox" in mail.outbox[0].subject

    citizen.goto(f"{live_server.url}/simulators/ebox/citoyen/boite/")
    citizen.get_by_role("link", name="Décision du Conseil de l'action sociale").click()
    citizen.get_by_role("link", name="Décision.pdf").click()

    call_command("ebox_sync")
    worker.reload()
    assert "Lu par le destinataire" in worker.get_by_role("table").inner_text()
    worker.get_by_label("Statut").select_option(label="Lu par le destinataire")
    worker.get_by_role("button", name="Rechercher").click()
    assert "Décision.pdf" in worker.get_by_role("table").inner_text()
    worker.get_by_role("link", name="Traiter Décision.pdf").click()
    history = worker.locator("main").inner_text()
    assert "Envoyé vers eBox" in history and "Lu par le destinataire" in history
    assert "Remplacer document" not in history
    assert_accessible(worker)

    # Ixelles: a Brussels centre chooses the language of the message; here Dutch.
    worker.get_by_role("button", name="Se déconnecter").click()
    brussels_document = registered_document("0207654333", "90072108659", "DELACROIX")
    citizen_activates(citizen, live_server, "90072108659")
    send_from_primaweb(worker, live_server, "as.ixelles", brussels_document, language="Nederlands")
    wait_for_status(brussels_document, Document.Status.SENT)
    citizen.goto(f"{live_server.url}/simulators/ebox/citoyen/boite/")
    citizen.get_by_role("link", name="Beslissing van de Raad voor maatschappelijk welzijn").click()
    citizen.get_by_role("link", name="Décision.pdf").click()
    call_command("ebox_sync")
    worker.goto(f"{live_server.url}/documents/gerer/")
    assert "Lu par le destinataire" in worker.get_by_role("table").inner_text()


def test_a_lost_answer_is_shown_to_verify_and_settled_by_the_social_worker(
    live_server,
    ebox_on_live_server,
    celery_worker_thread,
    browser,
    settings,
    assert_accessible,  # noqa: F811
):
    """The simulator stores the message and drops the connection: on the API 2.1 nothing resends it."""
    import time

    from ebox.models import Publication
    from simulators.ebox.models import Message

    call_command("seed_demo")
    call_command("simulate_ebox_onboarding")  # as `make run` does
    worker = browser.new_context(locale="fr-BE").new_page()
    citizen = browser.new_context(locale="fr-BE").new_page()
    document = registered_document("0212345668", "75031212346", "DUPONT")
    citizen_activates(citizen, live_server, "75031212346")
    settings.EBOX_SIMULATOR_FAULTS = {"drop_after_store_share": 1.0}

    send_from_primaweb(worker, live_server, "as.namur", document)
    deadline = time.monotonic() + 30
    while not Publication.objects.filter(document=document, state="to_verify").exists():
        assert time.monotonic() < deadline, list(Publication.objects.values_list("state", "last_error"))
        time.sleep(0.2)
    settings.EBOX_SIMULATOR_FAULTS = {}
    assert Message.objects.count() == 1

    worker.goto(f"{live_server.url}/")
    worker.get_by_role("link", name="Envois vers l'eBox").click()
    worker.get_by_label("État").select_option(label="Envoi à vérifier")
    worker.get_by_role("button", name="Rechercher").click()
    assert_accessible(worker)
    worker.get_by_role("link", name="Vérifier l'envoi").click()
    assert "deux fois" in worker.locator("main").inner_text()
    assert_accessible(worker)
    worker.get_by_label("Marquer comme envoyé").check()
    worker.get_by_label("J'ai vérifié auprès du bénéficiaire").check()
    worker.get_by_role("button", name="Confirmer").click()
    wait_for_status(document, Document.Status.SENT)
    assert Message.objects.count() == 1
