from datetime import timedelta

from django.utils import timezone

from simulators.ebox.models import AccessToken

from .conftest import BASE, SCOPE


def token_request(client, **changes):
    form = {
        "grant_type": "client_credentials",
        "client_id": "primaweb",
        "client_secret": "primaweb-simulator-secret",
        "scope": SCOPE,
        **changes,
    }
    return client.post(BASE + "oauth2/token", form)


def test_registered_client_gets_a_bearer_token_for_the_publication_scope(client, db):
    response = token_request(client)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert body["scope"] == SCOPE
    assert len(body["access_token"]) > 20


def test_wrong_secret_is_refused_as_invalid_client(client, db):
    response = token_request(client, client_secret="nope")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_unknown_client_is_refused_as_invalid_client(client, db):
    assert token_request(client, client_id="someone").json()["error"] == "invalid_client"


def test_scope_not_ending_in_publicationsender_is_refused(client, db):
    response = token_request(client, scope="scope:other")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_other_grant_types_are_refused(client, db):
    assert token_request(client, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_token_lifetime_follows_the_setting(client, db, settings):
    settings.EBOX_SIMULATOR_TOKEN_SECONDS = 60

    assert token_request(client).json()["expires_in"] == 60


def test_expired_token_is_refused_with_a_status_message(client, search, token):
    AccessToken.objects.filter(token=token).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = search([])

    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHORIZED"
    assert response.json()["environment"] == "simulation"
    assert "Bearer" in response["WWW-Authenticate"]


def test_unknown_bearer_is_refused(search, db):
    response = search([], bearer="made-up")

    assert response.status_code == 401
    assert {"id", "code", "message", "contact", "environment"} <= set(response.json())


def test_request_without_authorization_is_refused(client, db):
    response = client.post(
        BASE + "api/publication/v2.1/searchMessageStatus", "[]", content_type="application/json"
    )

    assert response.status_code == 401
