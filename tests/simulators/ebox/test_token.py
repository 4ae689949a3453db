import time
from datetime import timedelta

from django.utils import timezone

from simulators.ebox.models import AccessToken
from tests.ebox_onboarding import key_pair

from .conftest import BASE, SCOPE, TOKEN_URL, token_form


def token_request(client, form=None, **changes):
    form = {**(form or token_form()), **changes}
    return client.post(BASE + "oauth2/token", form)


def refused(response, reason: str) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["error"] == "invalid_client"
    assert reason in response.json()["error_description"]


def test_registered_client_gets_a_bearer_token_with_a_signed_assertion(client, publisher):
    response = token_request(client)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert body["scope"] == SCOPE
    assert len(body["access_token"]) > 20


def test_a_client_secret_is_no_longer_enough(client, publisher):
    response = token_request(
        client,
        {"grant_type": "client_credentials", "client_id": "primaweb", "client_secret": "x", "scope": SCOPE},
    )

    refused(response, "private_key_jwt")


def test_an_assertion_signed_with_another_key_is_refused(client, publisher):
    stranger = key_pair("stranger").private_key

    refused(token_request(client, token_form(key=stranger)), "signature")


def test_an_expired_assertion_is_refused(client, publisher):
    past = int(time.time()) - 120

    refused(token_request(client, token_form(iat=past - 60, exp=past)), "expired")


def test_an_assertion_valid_for_too_long_is_refused(client, publisher):
    now = int(time.time())

    refused(token_request(client, token_form(iat=now, exp=now + 3600)), "more than")


def test_a_replayed_assertion_is_refused(client, publisher):
    form = token_form()
    assert token_request(client, form).status_code == 200

    refused(token_request(client, form), "jti")


def test_an_assertion_for_another_audience_is_refused(client, publisher):
    refused(token_request(client, token_form(audience="https://oauth.socialsecurity.be")), "audience")


def test_the_configured_audience_is_accepted(client, publisher, settings):
    settings.EBOX_SIMULATOR_AUDIENCE = "https://oauth.socialsecurity.be"

    assert token_request(client, token_form(audience="https://oauth.socialsecurity.be")).status_code == 200


def test_an_assertion_without_jti_or_exp_is_refused(client, publisher):
    refused(token_request(client, token_form(jti=None)), "jti")
    refused(token_request(client, token_form(exp=None)), "exp")


def test_an_assertion_whose_subject_is_not_the_client_is_refused(client, publisher):
    refused(token_request(client, token_form(sub="someone-else")), "sub")


def test_unknown_client_is_refused_as_invalid_client(client, publisher):
    refused(token_request(client, token_form(client_id="someone")), "Unknown client")


def test_garbage_assertion_is_refused_not_a_500(client, publisher):
    refused(token_request(client, client_assertion="not.a.jwt"), "")
    refused(token_request(client, client_assertion="\x00"), "")


def test_a_kid_picks_the_registered_certificate(client, publisher):
    from ebox import auth

    credentials = auth.Credentials(
        client_id="primaweb", private_key=key_pair().private_key, certificate=key_pair().certificate
    )
    form = {**token_form(), "client_assertion": auth.client_assertion(credentials, audience=TOKEN_URL)}

    assert token_request(client, form).status_code == 200


def test_an_unknown_kid_is_refused(client, publisher):
    from ebox import auth

    credentials = auth.Credentials(
        client_id="primaweb", private_key=key_pair().private_key, certificate=key_pair("other").certificate
    )
    form = {**token_form(), "client_assertion": auth.client_assertion(credentials, audience=TOKEN_URL)}

    refused(token_request(client, form), "kid")


def test_a_jwks_may_be_registered_instead_of_a_certificate(client, publisher):
    import json

    from joserfc.jwk import RSAKey

    public = RSAKey.import_key(key_pair().public_key).as_dict(private=False)
    publisher.public_keys = json.dumps({"keys": [public]})
    publisher.save()

    assert token_request(client).status_code == 200


def test_scope_not_ending_in_a_known_suffix_is_refused(client, publisher):
    response = token_request(client, scope="scope:other")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_other_grant_types_are_refused(client, publisher):
    assert token_request(client, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_token_lifetime_follows_the_setting(client, publisher, settings):
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
