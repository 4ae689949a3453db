"""The citizen's side: the public form, without a back-office login."""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from cpasonline.models import OnlineRequest, Source
from primaweb.models import AuditEvent
from tests.cpasonline.conftest import DELACROIX, DUPONT, typed_request
from tests.factories import CentreFactory

FORM = "/cpas-online/"


def submit(client, **overrides):
    return client.post(reverse("cpasonline:form"), typed_request(**overrides))


@pytest.fixture
def namur(db):
    return CentreFactory(nis_code="92094", language="fr", name_fr="CPAS de Namur")


@pytest.fixture
def ixelles(db):
    return CentreFactory(nis_code="21009", language="fr", name_fr="CPAS d'Ixelles", name_nl="OCMW Elsene")


def test_the_form_is_public_and_offers_the_natures(client, db):
    page = client.get(FORM)
    assert page.status_code == 200
    assert "aide financière frais d&#x27;énergie (électricité, gaz, mazout)" in page.content.decode()


@pytest.mark.django_db
def test_a_typed_request_goes_to_the_centre_of_the_commune_with_a_reference(client, namur, ixelles):
    response = submit(client)
    assert response.status_code == 302 and response["Location"] == reverse("cpasonline:filed")
    stored = OnlineRequest.objects.get()
    assert stored.centre == namur
    assert re.fullmatch(r"[A-Z0-9]{12}", stored.reference)
    assert stored.identity_source == Source.APPLICANT
    assert (stored.first_name, stored.birth_date, stored.commune_nis) == ("Louise", "1990-07-21", "92094")
    assert stored.read_at is None
    assert stored.reference in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_brussels_request_goes_to_the_brussels_commune_not_the_postal_code_neighbour(
    client, namur, ixelles
):
    # 1050 spans Ixelles and Brussels-City: the commune chosen decides.
    submit(client, postal_code="1050", commune="21009")
    assert OnlineRequest.objects.get().centre == ixelles


@pytest.mark.django_db
@freeze_time("2025-06-07 10:00:00")
def test_a_saturday_request_is_received_on_the_next_working_day(client, namur):
    submit(client)
    stored = OnlineRequest.objects.get()
    assert stored.submitted_at.date() == date(2025, 6, 7)
    assert stored.received_on == date(2025, 6, 10)  # Monday 9 June 2025 is Whit Monday


@pytest.mark.django_db
def test_a_commune_without_centre_gets_a_clear_answer_keeping_the_answers(client, namur):
    page = submit(client, commune="73028", postal_code="3717")  # Herstappe
    text = page.content.decode()
    assert page.status_code == 200
    assert "Votre commune n'a pas encore de CPAS dans Primaweb" in text and "Herstappe" in text
    assert 'value="Louise"' in text and "Ma facture de gaz a doublé." in text
    assert not OnlineRequest.objects.exists()


@pytest.mark.django_db
def test_a_postal_code_of_another_commune_is_refused_with_the_answers_kept(client, namur):
    page = submit(client, postal_code="1050")
    text = page.content.decode()
    assert "n&#x27;appartient pas à la commune de Namur" in text
    assert 'value="louise@example.be"' in text
    assert not OnlineRequest.objects.exists()


@pytest.mark.django_db
def test_an_invalid_niss_is_refused(client, namur):
    page = submit(client, niss="12345678901")
    assert "Le chiffre de contrôle du NISS est incorrect." in page.content.decode()
    assert not OnlineRequest.objects.exists()


@pytest.mark.django_db
def test_a_too_long_description_is_refused(client, namur):
    submit(client, description="x" * 4001)
    assert not OnlineRequest.objects.exists()


@pytest.mark.django_db
def test_the_honeypot_refuses_robots_and_says_why(client, namur):
    page = submit(client, website="http://spam.example")
    text = page.content.decode()
    assert "un champ qui doit rester vide a été rempli" in text
    assert 'value="Louise"' in text
    assert not OnlineRequest.objects.exists()


@pytest.mark.django_db
def test_the_rate_limit_stops_a_flood_from_one_address(client, namur, settings):
    settings.CPAS_ONLINE_RATE_LIMIT = 3
    for _ in range(3):
        assert submit(client).status_code == 302
    refused = submit(client)
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    assert 'value="Louise"' in refused.content.decode()
    assert OnlineRequest.objects.count() == 3
    other = client.post(FORM, typed_request(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


@pytest.mark.django_db
def test_the_acknowledgement_is_mailed_after_commit_with_its_pdf(
    client, namur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(client)
    assert mail.outbox == []  # nothing before the request is safely stored
    for callback in callbacks:
        callback()
    stored = OnlineRequest.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["louise@example.be"]
    assert stored.reference in message.subject and stored.reference in message.body
    assert message.attachments[0][2] == "application/pdf"
    assert stored.acknowledgement.name.endswith(".pdf")
    with stored.acknowledgement.open("rb") as file:
        assert file.read(5) == b"%PDF-"
    assert stored.acknowledged_at is not None


@pytest.mark.django_db
def test_the_acknowledgement_is_in_the_citizens_language(client, ixelles, django_capture_on_commit_callbacks):
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, postal_code="1050", commune="21009")
    stored = OnlineRequest.objects.get()
    assert stored.language == "nl"
    assert stored.reference in mail.outbox[0].body


@pytest.mark.django_db
def test_a_failed_submission_sends_nothing(client, namur, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, email="not-an-address")
    assert mail.outbox == []


@pytest.mark.django_db
def test_simulated_sign_in_takes_identity_and_address_from_the_register(
    client, register, bcss_http, ixelles, namur, django_capture_on_commit_callbacks
):
    response = client.post(reverse("cpasonline:simulated_sign_in"), {"signin-niss": DELACROIX})
    assert response.status_code == 302
    page = client.get(FORM).content.decode()
    assert "DELACROIX" in page.upper() and "donnée obtenue des registres" in page
    assert len(bcss_http.calls) == 1
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            FORM,
            {
                "email": "helene@example.be",
                "phone": "",
                "nature": "housing",
                "description": "",
                "website": "",
            },
        )
    assert sent.status_code == 302, sent.content.decode()[:3000]
    stored = OnlineRequest.objects.get()
    assert stored.identity_source == Source.REGISTERS
    assert (stored.niss, stored.commune_nis, stored.centre) == (DELACROIX, "21009", ixelles)
    assert stored.birth_date == "1990-07-21"
    event = AuditEvent.objects.get(action=AuditEvent.Action.BCSS_CONSULTATION)
    assert event.username == "cpas-online" and event.details["criteria"] == {"niss": DELACROIX}


@pytest.mark.django_db
def test_sign_in_with_an_unknown_niss_says_so(client, register, bcss_http, namur):
    unknown = "85073003427"
    client.post(reverse("cpasonline:simulated_sign_in"), {"signin-niss": unknown})
    page = client.get(FORM).content.decode()
    assert "ne figure pas dans le registre" in page
    assert DUPONT not in page


@pytest.mark.django_db
def test_the_form_speaks_dutch(client):
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.get(FORM).content.decode()
    assert "Mijn aanvraag versturen" in page and "schuldbemiddeling" in page
