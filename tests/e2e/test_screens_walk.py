"""Every screen of the manuals, in French and in Dutch (the public form in German too), each checked by
axe-core, for sideways scrolling and photographed, at desktop width and at 390 px.

The flows themselves are clicked through by the other walks; this one opens each screen as it stands with
a few objects of the demo centre of Namur, so that no screen is left out of the checks.
"""

import pytest
from django.core.management import call_command

from tests.e2e.helpers import log_in
from tests.factories import (
    DossierFactory,
    OnlineRequestFactory,
    audit_event_in,
    centre_message_in,
    document_in,
    mailing_in,
    publication_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMUR = "0212345668"


def speak(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.fixture
def namur_objects():
    from letters.models import LetterTemplate
    from primaweb.models import Centre, User

    call_command("seed_demo")
    centre = Centre.objects.get(bce_number=NAMUR)
    dossier = DossierFactory(centre=centre, created_by=User.objects.get(username="as.namur"))
    document = document_in(centre, dossier=dossier, original_name="Décision du Conseil.pdf")
    failed = document_in(centre, status="failed", dossier=document.dossier, original_name="Courrier.docx")
    publication = publication_in(centre, state="to_verify", document=document)
    return {
        "centre": centre,
        "dossier": document.dossier,
        "document": document,
        "failed": failed,
        "publication": publication,
        "request": OnlineRequestFactory(centre=centre),
        "message": centre_message_in(centre),
        "event": audit_event_in(centre),
        "mailing": mailing_in(centre, dossier=dossier),
        "template": LetterTemplate.objects.for_centre(centre).first(),
    }


def worker_screens(objects) -> list[tuple[str, str]]:
    dossier, document = objects["dossier"], objects["document"]
    return [
        ("accueil", "/"),
        ("fiche-cpas", "/centre/fiche/"),
        ("mes-acces", "/acces/"),
        ("dossiers", "/dossiers/"),
        ("rechercher-dossier", "/dossiers/rechercher/"),
        ("nouveau-dossier", "/dossiers/nouveau/"),
        ("dossier", f"/dossiers/{dossier.pk}/"),
        ("ajouter-document", "/documents/ajouter/"),
        ("ajouter-document-dossier", f"/documents/ajouter/dossier/{dossier.pk}/"),
        ("gerer-documents", "/documents/gerer/"),
        ("anciens-documents", "/documents/gerer/?anciens=1"),
        ("document", f"/documents/{document.pk}/"),
        ("document-echoue", f"/documents/{objects['failed'].pk}/"),
        ("supprimer-document", f"/documents/{objects['failed'].pk}/supprimer/"),
        ("envois-ebox", "/ebox/envois/"),
        ("verifier-envoi", f"/ebox/publication/{objects['publication'].pk}/verifier/"),
        ("demandes-cpas-online", "/cpas-online/demandes/"),
        ("demande-cpas-online", f"/cpas-online/demandes/{objects['request'].pk}/"),
        ("echeancier", "/echeancier/?qui=centre&periode=retard"),
        ("resume-quotidien", "/echeancier/resume-quotidien/"),
        ("rediger-courrier", f"/courriers/dossier/{dossier.pk}/rediger/"),
        ("envoi-groupe", "/courriers/envoi-groupe/"),
        ("envoi-groupe-suivi", f"/courriers/envoi-groupe/{objects['mailing'].pk}/"),
    ]


def administrator_screens(objects) -> list[tuple[str, str]]:
    return [
        ("assistants-sociaux", "/centre/assistants-sociaux/"),
        ("admin-logs", "/admin-logs/"),
        ("admin-log", f"/admin-logs/{objects['event'].pk}/"),
        ("ebox-cpas", "/centre-ebox/"),
        ("message-ebox-cpas", f"/centre-ebox/message/{objects['message'].pk}/"),
        ("modeles-courrier", "/courriers/modeles/"),
        ("modele-courrier", f"/courriers/modeles/{objects['template'].pk}/"),
        ("ajouter-modele-courrier", "/courriers/modeles/ajouter/"),
    ]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_screen_of_a_social_worker_and_an_administrator(
    live_server, page, assert_accessible, namur_objects, language
):
    log_in(page, live_server, "as.namur")
    speak(page, live_server, language)
    for name, path in worker_screens(namur_objects):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")  # the dossier's sections load after the page
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, f"{language}-{name}")

    page.context.clear_cookies()
    log_in(page, live_server, "admin.namur")
    speak(page, live_server, language)
    for name, path in administrator_screens(namur_objects):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path}: {response.status}"
        assert_accessible(page, f"{language}-{name}")


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_the_public_cpas_online_form_and_the_sign_in_page(live_server, page, assert_accessible, language):
    call_command("seed_demo")
    speak(page, live_server, language)
    for name, path in [("connexion", "/connexion/"), ("cpas-online", "/cpas-online/")]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, f"{language}-{name}")
