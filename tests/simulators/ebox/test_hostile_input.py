"""Input the database or the service cannot take is refused with the official StatusMessage, never a 500."""

import json
import time

import pytest

from simulators.ebox.models import EnterpriseMessage, Message, OAuthClient

from .conftest import API, BASE, CITIZEN_NISS, SENDER_BCE, message_to_publish

CONSULT = BASE + "api/consultation/v2.1/ebox/messages"


def refused(response) -> bool:
    body = response.json()
    return response.status_code == 400 and body["code"] == "INVALID_INPUT" and len(body["id"]) == 36


@pytest.fixture
def consult(client, token):
    OAuthClient.objects.filter(client_id="primaweb").update(organization_bce=SENDER_BCE)

    def get(path="", **params):
        return client.get(CONSULT + path, params, headers={"Authorization": f"Bearer {token}"})

    return get


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": {"fr": "Décision\x00"}},
        {"messageTypeId": "CPAS\x00DECISION"},
        {"senderApplicationId": "primaweb\x00"},
        {"subject": {"fr": "Décision \ud800"}},
        {"bodyContent": {"fr": "\udfff"}, "bodyMainContent": True, "attachments": []},
    ],
)
def test_a_nul_or_a_lone_surrogate_in_a_publication_is_invalid_input(publish, db, changes):
    files = {} if changes.get("attachments") == [] else None
    started = time.monotonic()

    response = publish(message_to_publish(**changes), files)

    assert refused(response), response.content
    assert time.monotonic() - started < 5
    assert not Message.objects.exists()


@pytest.mark.parametrize("message_id", ["abc\x00", "\ud800"])
def test_a_nul_or_a_lone_surrogate_in_a_status_search_is_invalid_input(search, db, message_id):
    couples = [{"messageId": message_id, "eboxId": {"eboxType": "citizen", "eboxIdValue": CITIZEN_NISS}}]

    assert refused(search(couples))


def test_a_nul_in_a_consultation_filter_or_path_id_is_invalid_input(consult):
    assert refused(consult(messageTypeId="SPPIS\x00"))
    assert refused(consult(senderApplicationId="\x00"))
    assert refused(consult("/abc%00def"))
    assert refused(consult("/abc%00def/body"))
    assert not EnterpriseMessage.objects.exists()


@pytest.mark.parametrize("page", ["99999999999999999999", "2147483648", "-1", "un"])
def test_a_page_out_of_the_int32_range_is_invalid_input(consult, page):
    response = consult(page=page)

    assert refused(response)
    assert "page" in response.json()["message"]


def test_the_last_int32_page_is_simply_empty(consult):
    assert consult(page="2147483647", pageSize="100").json() == {"items": [], "totalItems": 0}


def test_a_body_that_is_not_json_is_invalid_input(client, token):
    response = client.post(
        API + "searchMessageStatus",
        b"{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert refused(response)


def test_an_undocumented_method_gets_the_official_error_shape(client, token):
    response = client.get(API + "publishMessage", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 405
    assert set(json.loads(response.content)) == {"id", "code", "message", "contact", "environment"}


def test_an_unknown_path_under_the_api_gets_the_official_404(client, token):
    response = client.get(API + "ebox/messages/", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_a_body_that_is_not_utf8_is_invalid_input(client, token):
    # Found by schemathesis: openapi-core's own error message choked on it (a 500).
    response = client.post(
        API + "searchMessageStatus",
        b"\xb2\xff",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert refused(response)
