"""Who may publish what, and whether a citizen has an eBox: the simulator holds publishers to onboarding."""

import json

import pytest

from simulators.ebox.models import Message, SenderConfiguration
from tests.ebox_onboarding import PLATFORM_BCE

from .conftest import BASE, CITIZEN_NISS, OTHER_NISS, activate, message_to_publish, token_form

FEDERATION = BASE + "api/federation/v1/eboxPreferences/search"
FEDERATION_SCOPE = "scope:documentmanagement:ebox:enterprise:federation-rest:preference"
NOT_MANDATED_BCE = "0207654333"


def test_a_mandatary_publishes_for_the_organisation_it_represents(publish):
    response = publish()

    assert response.status_code == 201, response.content


def test_publishing_for_an_organisation_one_is_not_mandatary_of_is_invalid_sender(publish):
    SenderConfiguration.objects.create(
        organization_bce=NOT_MANDATED_BCE, application_id="primaweb", message_type_id="CPAS_DECISION"
    )

    response = publish(message_to_publish(senderOrganizationId=NOT_MANDATED_BCE))

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_SENDER"
    assert response.json()["message"] == "Invalid sender: user credentials does not match payload"
    assert not Message.objects.exists()


def test_the_organisation_of_the_certificate_publishes_for_itself(publish):
    SenderConfiguration.objects.create(
        organization_bce=PLATFORM_BCE, application_id="primaweb", message_type_id="CPAS_DECISION"
    )

    assert publish(message_to_publish(senderOrganizationId=PLATFORM_BCE)).status_code == 201


@pytest.mark.parametrize(
    "changes",
    [
        {"senderApplicationId": "PRIMAWEB"},
        {"messageTypeId": "CPAS_SOMETHING_ELSE"},
        {"recipient": {"eboxType": "citizen", "eboxIdValue": CITIZEN_NISS}, "messageTypeId": None},
    ],
)
def test_an_unregistered_configuration_is_invalid_message_configuration(publish, changes):
    message = message_to_publish(**changes)
    message = {key: value for key, value in message.items() if value is not None}

    response = publish(message)

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_SENDER"
    assert response.json()["message"] == "Invalid message configuration"
    assert not Message.objects.exists()


def _preferences(client, token, niss_list, **changes):
    body = {"eboxType": "CITIZEN", "eboxIdType": "SSIN", "eboxIdValueList": niss_list, **changes}
    return client.post(
        FEDERATION,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def federation_token(client, publisher):
    response = client.post(BASE + "oauth2/token", token_form(scope=FEDERATION_SCOPE))
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_federation_lists_only_citizens_who_activated_their_ebox(client, federation_token, citizen_browser):
    activate(citizen_browser, CITIZEN_NISS)

    response = _preferences(client, federation_token, [CITIZEN_NISS, OTHER_NISS])

    assert response.status_code == 200
    (row,) = response.json()
    assert row["eboxId"] == {"eboxType": "CITIZEN", "eboxIdValue": CITIZEN_NISS}
    assert row["exclusivelyEbox"] is False


def test_federation_answers_404_when_no_one_has_an_ebox(client, federation_token):
    response = _preferences(client, federation_token, [OTHER_NISS])

    assert response.status_code == 404
    assert response.json()["message"] == "Ebox not found"


@pytest.mark.parametrize(
    "changes",
    [{"eboxIdType": "NISS"}, {"eboxType": "citizen"}, {"eboxIdValueList": []}, {"eboxIdValueList": ["123"]}],
)
def test_federation_refuses_malformed_searches(client, federation_token, changes):
    response = _preferences(client, federation_token, [CITIZEN_NISS], **changes)

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_INPUT"


def test_federation_needs_its_own_scope(client, token):
    assert _preferences(client, token, [CITIZEN_NISS]).status_code == 403
