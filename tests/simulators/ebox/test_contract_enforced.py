"""An answer of the simulator outside its OpenAPI document is a bug: the tests catch it; in production it
is logged and the client still gets the answer (never a 500 for the simulator's own slip)."""

import logging

import pytest

from simulators.ebox import contract, services
from simulators.ebox.models import OAuthClient
from simulators.ebox.views import consultation

from .conftest import BASE, SENDER_BCE

CONSULT = BASE + "api/consultation/v2.1/ebox/messages"


@pytest.fixture
def null_original(monkeypatch, token):
    """The slip this module is about: a null where the document wants the property left out."""
    real = consultation.message_json
    monkeypatch.setattr(
        consultation, "message_json", lambda message: {**real(message), "originalMessageId": None}
    )
    OAuthClient.objects.filter(client_id="primaweb").update(organization_bce=SENDER_BCE)
    services.enterprise_message_drop(
        recipient_bce=SENDER_BCE, sender_organization_id="0367302178", message_type_id="X", subject="Objet"
    )
    return {"Authorization": f"Bearer {token}"}


def test_under_tests_an_answer_outside_the_document_raises(client, null_original):
    with pytest.raises(contract.ContractViolation, match="originalMessageId"):
        client.get(CONSULT, headers=null_original)


def test_in_production_it_is_logged_and_the_answer_still_goes_out(client, null_original, settings, caplog):
    settings.EBOX_SIMULATOR_STRICT_CONTRACT = False

    with caplog.at_level(logging.ERROR, logger="simulators.ebox.contract"):
        response = client.get(CONSULT, headers=null_original)

    assert response.status_code == 200
    assert "outside its contract" in caplog.text


def test_a_request_the_document_refuses_gets_the_official_error_shape(client, token):
    response = client.get(CONSULT, {"pageSize": "0"}, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 400
    assert set(response.json()) == {"id", "code", "message", "contact", "environment"}
    assert response.json()["environment"] == "simulation"


FEDERATION = BASE + "api/federation/v1/eboxPreferences/search"
FEDERATION_SCOPE = "scope:documentmanagement:ebox:enterprise:federation-rest:preference"


@pytest.fixture
def federation_headers(client, publisher):
    from .conftest import token_form

    response = client.post(BASE + "oauth2/token", token_form(scope=FEDERATION_SCOPE))
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.parametrize(
    "body",
    [
        {"eboxType": "CITIZEN", "eboxIdType": "SSIN"},
        {"eboxType": "CITIZEN", "eboxIdType": "SSIN", "eboxIdValueList": "75031212346"},
        {"eboxType": 1, "eboxIdType": "SSIN", "eboxIdValueList": ["75031212346"]},
        ["75031212346"],
    ],
)
def test_the_federation_refuses_what_its_document_refuses_in_its_own_error_shape(
    client, federation_headers, body
):
    import json

    response = client.post(
        FEDERATION, json.dumps(body), content_type="application/json", headers=federation_headers
    )

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_INPUT"
    # The federation's document spells the environment in capitals, the REST document in lower case.
    assert response.json()["environment"] == "SIMULATION"


def test_a_federation_answer_outside_its_document_raises_under_tests(client, federation_headers, monkeypatch):
    import json

    from simulators.ebox.views import federation

    monkeypatch.setattr(federation, "_citizens", lambda values: [{"eboxId": {"eboxType": "CITIZEN"}}])
    body = {"eboxType": "CITIZEN", "eboxIdType": "SSIN", "eboxIdValueList": ["75031212346"]}

    with pytest.raises(contract.ContractViolation, match="exclusivelyEbox|eboxIdValue"):
        client.post(FEDERATION, json.dumps(body), content_type="application/json", headers=federation_headers)
