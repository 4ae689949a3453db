"""The centre's enterprise e-Box: citizens' replies land there, testers drop messages, the consultation
API lists and opens them."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from simulators.ebox import faults, services
from simulators.ebox.models import EnterpriseBox, EnterpriseMessage, OAuthClient, SenderConfiguration

from .conftest import BASE, CITIZEN_NISS, SENDER_BCE, activate, message_to_publish, token_form

CONSULT = BASE + "api/consultation/v2.1/ebox/messages"
DROP = BASE + "entreprise/deposer/"
SPPIS = "0367302178"
OTHER_BCE = "0206737484"


@pytest.fixture
def consult(client, token):
    def get(path="", *, bce=SENDER_BCE, bearer=None, **params):
        # The box is the one of the organisation the credentials belong to, as on the real service.
        OAuthClient.objects.filter(client_id="primaweb").update(organization_bce=bce)
        query = params
        headers = {"Authorization": f"Bearer {bearer}"} if bearer != "" else {}
        if bearer is None:
            headers = {"Authorization": f"Bearer {token}"}
        return client.get(CONSULT + path, query, headers=headers)

    return get


def drop(bce=SENDER_BCE, **changes):
    values = {
        "recipient_bce": bce,
        "sender_organization_id": SPPIS,
        "message_type_id": "SPPIS_DECISION",
        "subject": "Décision de remboursement",
        "language": "fr",
        "body": "Le remboursement est accordé.",
        **changes,
    }
    return services.enterprise_message_drop(**values)


def reply(publish, browser, *, answer="comment", comment="Je ne suis pas d'accord", **changes):
    activate(browser)
    message_id = publish(message_to_publish(replyAuthorized=True, **changes)).json()["messageId"]
    browser.post(f"{BASE}citoyen/messages/{message_id}/repondre/", {"answer": answer, "comment": comment})
    return message_id


def test_a_citizen_reply_lands_in_the_sender_centre_box_linked_to_the_original(
    publish, citizen_browser, consult
):
    message_id = reply(publish, citizen_browser, subject={"nl": "Beslissing"})

    page = consult().json()

    assert page["totalItems"] == 1
    item = page["items"][0]
    assert item["originalMessageId"] == message_id
    assert item["messageTypeId"] == "CITIZEN_REPLY"
    assert item["senderOrganizationId"] == SENDER_BCE
    assert item["senderCitizenId"] == CITIZEN_NISS
    assert item["subject"] == {"nl": "Réponse : Beslissing"}
    assert item["readStatus"] is False and item["visible"] is True
    assert "body" not in item
    body = consult(f"/{item['messageId']}/body").json()
    assert body == {"nl": "Commentaire\n\nJe ne suis pas d'accord"}


def test_a_fixed_answer_reply_carries_its_label(publish, citizen_browser, consult):
    reply(publish, citizen_browser, answer="accept", comment="")

    message_id = consult().json()["items"][0]["messageId"]

    assert consult(f"/{message_id}/body").json() == {"fr": "J'accepte"}


def test_no_enterprise_message_when_replies_are_not_allowed(publish, citizen_browser):
    activate(citizen_browser)
    message_id = publish(message_to_publish(replyAuthorized=False)).json()["messageId"]

    citizen_browser.post(f"{BASE}citoyen/messages/{message_id}/repondre/", {"answer": "accept"})

    assert not EnterpriseMessage.objects.exists()


def test_a_reply_to_a_sender_without_a_box_yet_still_lands(publish, publisher, citizen_browser):
    assert not EnterpriseBox.objects.exists()
    publisher.mandatary_for += f"\n{OTHER_BCE}"
    publisher.save()
    SenderConfiguration.objects.create(
        organization_bce=OTHER_BCE, application_id="primaweb", message_type_id="CPAS_DECISION"
    )

    reply(publish, citizen_browser, senderOrganizationId=OTHER_BCE)

    message = EnterpriseMessage.objects.get()
    assert message.box.bce == OTHER_BCE


def test_the_drop_function_validates_bce_numbers(db):
    with pytest.raises(ValueError):
        drop(bce="0123456789")
    with pytest.raises(ValueError):
        drop(sender_organization_id="0123456789")
    assert drop(bce="0212.344.876").box.bce == SENDER_BCE


def test_the_drop_page_is_a_french_simulator_page_and_drops_a_message(client, db, consult):
    page = client.get(DROP).content.decode()
    assert '<html lang="fr">' in page and "Simulateur — e-Box Enterprise" in page
    assert SPPIS in page

    response = client.post(
        DROP,
        {
            "recipient_bce": SENDER_BCE,
            "sender_organization_id": SPPIS,
            "message_type_id": "ONEM_INFO",
            "subject": "Informatie",
            "language": "nl",
            "body": "Tekst",
        },
    )

    assert response.status_code == 302
    item = consult().json()["items"][0]
    assert item["subject"] == {"nl": "Informatie"}
    assert (item["messageTypeId"], item["senderOrganizationId"]) == ("ONEM_INFO", SPPIS)
    # Absent rather than null: the service accepts and gives no null values.
    assert "originalMessageId" not in item and "senderCitizenId" not in item
    assert "senderApplicationId" not in item


def test_the_drop_page_refuses_an_invalid_bce(client, db):
    response = client.post(
        DROP,
        {
            "recipient_bce": "0123456789",
            "sender_organization_id": SPPIS,
            "message_type_id": "ONEM_INFO",
            "subject": "x",
            "language": "fr",
        },
    )

    assert response.status_code == 200
    assert "n&#x27;est pas valide" in response.content.decode()
    assert not EnterpriseMessage.objects.exists()


def test_listing_pages_in_receipt_order(consult):
    start = timezone.now() - timedelta(days=1)
    for n in range(5):
        drop(subject=f"Message {n}", received_at=start + timedelta(minutes=n))

    first = consult(page=1, pageSize=2).json()
    third = consult(page=3, pageSize=2).json()

    assert (first["totalItems"], len(first["items"])) == (5, 2)
    assert set(first) == {"items", "totalItems"}
    assert [item["subject"]["fr"] for item in first["items"]] == ["Message 0", "Message 1"]
    assert [item["subject"]["fr"] for item in third["items"]] == ["Message 4"]
    assert consult(page=4, pageSize=2).json()["items"] == []


def test_listing_filters_on_received_after_a_date_and_message_type(consult):
    today = timezone.localdate()
    noon = timezone.make_aware(datetime.combine(today, time(12)))
    drop(subject="Ancien", received_at=noon - timedelta(days=3))
    drop(subject="Récent", received_at=noon - timedelta(days=2))
    drop(subject="Info", message_type_id="ONEM_INFO", received_at=noon - timedelta(days=1))

    after = consult(receivedAfter=(today - timedelta(days=3)).isoformat()).json()
    typed = consult(messageTypeId="ONEM_INFO").json()

    assert [item["subject"]["fr"] for item in after["items"]] == ["Récent", "Info"]
    assert [item["subject"]["fr"] for item in typed["items"]] == ["Info"]


def test_received_after_is_a_date_not_a_date_time(consult):
    drop()

    response = consult(receivedAfter="2000-01-01T00:00:00+01:00")

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_INPUT"
    assert "receivedAfter" in response.json()["message"]


def test_bad_query_parameters_are_invalid_input(consult):
    assert consult(receivedAfter="hier").json()["code"] == "INVALID_INPUT"
    assert consult(pageSize=101).status_code == 400
    assert consult(page=0).status_code == 400


def test_fetching_the_body_marks_the_message_read_but_reading_metadata_does_not(consult):
    message = drop()

    detail = consult(f"/{message.message_id}")
    assert detail.status_code == 200 and detail.json()["readStatus"] is False
    assert consult(readStatus="true").json()["totalItems"] == 0

    body = consult(f"/{message.message_id}/body").json()

    assert body == {"fr": "Le remboursement est accordé."}
    assert consult(f"/{message.message_id}").json()["readStatus"] is True
    assert consult(readStatus="false").json()["totalItems"] == 0


def test_another_centre_box_is_separate(consult):
    message = drop(bce=OTHER_BCE)

    assert consult().json()["totalItems"] == 0
    assert consult(eboxType="enterprise", eboxIdValue=OTHER_BCE).json()["totalItems"] == 0
    assert consult(f"/{message.message_id}").status_code == 404
    missing = consult(f"/{message.message_id}/body")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    assert consult(bce=OTHER_BCE).json()["totalItems"] == 1
    assert EnterpriseMessage.objects.get().read_at is None


def test_a_mandatary_opens_its_own_box_not_its_mandators(consult, publisher):
    # The publisher may publish for SENDER_BCE as its mandatary; its certificate is another organisation's.
    assert publisher.may_send_for(SENDER_BCE)
    message = drop(bce=SENDER_BCE)

    assert consult(bce=OTHER_BCE).json() == {"items": [], "totalItems": 0}
    assert consult(f"/{message.message_id}", bce=OTHER_BCE).status_code == 404
    assert consult(f"/{message.message_id}/body", bce=OTHER_BCE).status_code == 404
    assert EnterpriseMessage.objects.get().read_at is None


def test_credentials_of_no_organisation_open_no_box(consult):
    response = consult(bce="")

    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHORIZED"
    assert consult(bce="0123456789").status_code == 401
    assert not EnterpriseBox.objects.exists()


def test_first_consultation_creates_the_empty_box(consult):
    assert consult().json() == {"items": [], "totalItems": 0}
    assert EnterpriseBox.objects.filter(bce=SENDER_BCE).exists()


def test_a_token_is_required(consult):
    drop()

    assert consult(bearer="").status_code == 401
    assert consult(bearer="nonsense").json()["code"] == "UNAUTHORIZED"


def test_a_consult_scope_token_reads_but_cannot_publish(client, consult, publish):
    response = client.post(BASE + "oauth2/token", token_form(scope="scope:document:management:consult"))
    consult_token = response.json()["access_token"]

    assert consult(bearer=consult_token).status_code == 200
    assert publish(bearer=consult_token).status_code == 403


@pytest.mark.parametrize(
    ("fault", "status"),
    [({"error_500_share": 1.0}, 500), ({"error_503_share": 1.0}, 503), ({"throttle_share": 1.0}, 429)],
)
def test_faults_apply_to_the_consultation_api(consult, settings, fault, status):
    message = drop()
    settings.EBOX_SIMULATOR_FAULTS = fault

    assert consult().status_code == status
    assert consult(f"/{message.message_id}/body").status_code == status
    settings.EBOX_SIMULATOR_FAULTS = {}
    assert EnterpriseMessage.objects.get().read_at is None


def test_a_dropped_connection_on_the_body_changes_nothing(consult, settings):
    message = drop()
    settings.EBOX_SIMULATOR_FAULTS = {"drop_share": 1.0}

    with pytest.raises(faults.ConnectionDropped):
        consult(f"/{message.message_id}/body")

    assert EnterpriseMessage.objects.get().read_at is None


def test_the_openapi_document_describes_the_consultation_api(client, db):
    document = client.get(BASE + "api/consultation/v2.1/openapi.json").json()

    assert {"/ebox/messages", "/ebox/messages/{messageId}", "/ebox/messages/{messageId}/body"} <= set(
        document["paths"]
    )
    assert document["servers"] == [{"url": "http://testserver/simulators/ebox/api/consultation/v2.1"}]
    assert document["components"]["schemas"]["Messages"]["properties"]["totalItems"]["type"] == "integer"
