"""The official media types and limits of attachments, and publications to companies."""

import pytest

from simulators.ebox.models import EnterpriseMessage, Message, OAuthClient, SenderConfiguration
from tests.ebox_onboarding import key_pair

from .conftest import BASE, SENDER_BCE, message_to_publish, sample_pdf, token_form

ONEM = "0206737484"
TEN_MB = 10 * 1024 * 1024


def error_message(response) -> str:
    return response.json()["message"]


@pytest.mark.parametrize(
    "media_type",
    [
        "application/pdf",
        "application/zip",
        "text/html",
        "text/xml",
        "text/csv",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/msword",
    ],
)
def test_the_official_media_types_are_accepted(publish, db, media_type):
    response = publish(files={"upfile1": ("document", b"content", media_type)})

    assert response.status_code == 201, response.content


@pytest.mark.parametrize("media_type", ["image/png", "image/jpeg", "application/xml", "application/json"])
def test_media_types_outside_the_official_list_are_refused(publish, db, media_type):
    response = publish(files={"upfile1": ("document", b"content", media_type)})

    assert response.status_code == 400
    assert error_message(response) == (
        "Attachment mime type is not valid. See spec for list of available mime types"
    )


def test_an_attachment_of_ten_megabytes_is_accepted(publish, db):
    pdf = sample_pdf()
    data = pdf + b"%" * (TEN_MB - len(pdf))

    response = publish(files={"upfile1": ("gros.pdf", data, "application/pdf")})

    assert response.status_code == 201, response.content
    assert len(Message.objects.get().attachments.get().data) == TEN_MB


def test_an_attachment_over_ten_megabytes_is_refused_for_its_size(publish, db):
    response = publish(files={"upfile1": ("trop-gros.pdf", b"%" * (TEN_MB + 1), "application/pdf")})

    assert response.status_code == 400
    assert error_message(response) == "Attachment size exceeds the maximum allowed size of 10 MB"
    assert not Message.objects.exists()


@pytest.fixture
def to_companies(publisher):
    """The sender's onboarding also lists companies as recipients of this configuration."""
    SenderConfiguration.objects.create(
        organization_bce=SENDER_BCE,
        application_id="primaweb",
        message_type_id="CPAS_DECISION",
        recipient_type=SenderConfiguration.RecipientType.ENTERPRISE,
    )


def test_a_publication_to_a_company_needs_a_configuration_for_companies(publish, db):
    response = publish(
        message_to_publish(
            recipient={"eboxType": "enterprise", "eboxIdValue": ONEM},
            attachments=[],
            bodyMainContent=True,
            bodyContent={"fr": "Bonjour"},
        ),
        files={},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_SENDER"
    assert not EnterpriseMessage.objects.exists()


def test_a_publication_to_a_company_lands_in_its_box_and_its_status_is_known(
    publish, search, client, to_companies
):
    recipient = {"eboxType": "enterprise", "eboxIdValue": ONEM}

    response = publish(message_to_publish(recipient=recipient))

    assert response.status_code == 201, response.content
    assert "code" not in response.json() or response.json()["code"] != "NO_DIGITAL_USER"
    message_id = response.json()["messageId"]
    assert EnterpriseMessage.objects.get(message_id=message_id).box.bce == ONEM
    status = search([{"messageId": message_id, "eboxId": recipient}])
    assert status.status_code == 201
    assert status.json()[0]["eboxId"] == recipient and status.json()[0]["readStatus"] is False


def test_a_company_reading_a_publication_makes_it_read_for_the_sender(publish, search, client, to_companies):
    recipient = {"eboxType": "enterprise", "eboxIdValue": ONEM}
    message_id = publish(
        message_to_publish(
            recipient=recipient, attachments=[], bodyMainContent=True, bodyContent={"fr": "Bonjour"}
        ),
        files={},
    ).json()["messageId"]
    onem = key_pair("onem")
    OAuthClient.objects.create(client_id="onem", organization_bce=ONEM, public_keys=onem.certificate)
    form = token_form(scope="scope:document:management:consult", client_id="onem", key=onem.private_key)
    token = client.post(BASE + "oauth2/token", form).json()["access_token"]

    body = client.get(
        f"{BASE}api/consultation/v2.1/ebox/messages/{message_id}/body",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert body.json() == {"fr": "Bonjour"}
    assert search([{"messageId": message_id, "eboxId": recipient}]).json()[0]["readStatus"] is True
