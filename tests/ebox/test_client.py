"""The eBox client: bearer token cached, renewed before expiry and on a 401; errors sorted out."""

import base64
from urllib.parse import parse_qs

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.core.cache import cache
from joserfc import jwt
from joserfc.jwk import RSAKey

from ebox import client
from tests.ebox_onboarding import key_pair
from tests.http import FailingAdapter

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test"


def _publish(key="k-1", niss="85073000278"):
    return client.publish(
        recipient_niss=niss,
        language="fr",
        subject="Décision",
        message_type="CPAS_DECISION",
        sender_bce="0212345668",
        sender_application_id="primaweb-test",
        pdf=PDF,
        filename="decision.pdf",
        idempotency_key=key,
    )


def _token_calls(ebox):
    return [c for c in ebox.calls if c.url.endswith("/oauth2/token")]


def test_the_token_is_fetched_once_and_reused(ebox):
    _publish("a")
    _publish("b")

    assert len(_token_calls(ebox)) == 1
    tokens = {c.headers["Authorization"] for c in ebox.publish_calls()}
    assert len(tokens) == 1 and tokens.pop().startswith("Bearer ")


def test_the_token_is_renewed_when_it_expires(ebox, settings):
    _publish("a")
    cache.clear()  # what the cache's timeout does at expiry

    _publish("b")

    assert len(_token_calls(ebox)) == 2


def test_the_token_is_cached_for_less_than_its_lifetime(ebox, settings, monkeypatch):
    timeouts = []
    real_set = cache.set
    monkeypatch.setattr(
        cache,
        "set",
        lambda key, value, timeout=None: timeouts.append(timeout) or real_set(key, value, timeout),
    )

    _publish("a")

    assert timeouts == [300 - client.TOKEN_MARGIN]


def test_a_revoked_token_is_renewed_once_on_401(ebox):
    _publish("a")
    ebox.tokens.clear()  # the service forgot or revoked it

    result = _publish("b")

    assert result.message_id
    assert len(_token_calls(ebox)) == 2
    assert len(ebox.publish_calls()) == 3


def test_the_token_request_carries_a_signed_assertion_not_a_secret(ebox, settings):
    _publish()

    (call,) = _token_calls(ebox)
    form = {key: values[0] for key, values in parse_qs(call.body).items()}
    assert "client_secret" not in form
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    token = jwt.decode(form["client_assertion"], RSAKey.import_key(key_pair().public_key))
    claims, header = token.claims, token.header
    assert claims["iss"] == claims["sub"] == "primaweb"
    assert claims["aud"] == settings.EBOX_TOKEN_URL
    assert 0 < claims["exp"] - claims["iat"] <= 300 and len(claims["jti"]) >= 20
    assert header["alg"] == "RS256"
    certificate = x509.load_pem_x509_certificate(key_pair().certificate.encode())
    thumbprint = base64.urlsafe_b64encode(certificate.fingerprint(hashes.SHA256())).rstrip(b"=").decode()
    assert header["kid"] == thumbprint


def test_each_token_request_has_a_fresh_jti(ebox):
    _publish("a")
    cache.clear()
    _publish("b")

    jtis = {
        jwt.decode(
            parse_qs(call.body)["client_assertion"][0], RSAKey.import_key(key_pair().public_key)
        ).claims["jti"]
        for call in _token_calls(ebox)
    }
    assert len(jtis) == 2


def test_the_configured_audience_is_signed(ebox, settings):
    settings.EBOX_TOKEN_AUDIENCE = "https://oauth.socialsecurity.be"
    _publish()

    (call,) = _token_calls(ebox)
    assertion = parse_qs(call.body)["client_assertion"][0]
    assert jwt.decode(assertion, RSAKey.import_key(key_pair().public_key)).claims["aud"] == (
        "https://oauth.socialsecurity.be"
    )


def test_a_key_the_service_does_not_know_is_a_rejection(ebox, settings):
    settings.EBOX_PRIVATE_KEY = key_pair("stranger").private_key
    with pytest.raises(client.EboxRejected) as error:
        _publish()
    assert error.value.code == "invalid_client"


def test_the_key_and_certificate_may_come_from_files(ebox, settings, tmp_path):
    (tmp_path / "key.pem").write_text(key_pair().private_key)
    (tmp_path / "cert.pem").write_text(key_pair().certificate)
    settings.EBOX_PRIVATE_KEY, settings.EBOX_CERTIFICATE = "", ""
    settings.EBOX_PRIVATE_KEY_FILE = str(tmp_path / "key.pem")
    settings.EBOX_CERTIFICATE_FILE = str(tmp_path / "cert.pem")

    assert _publish().message_id


def test_a_missing_key_file_is_a_rejection_not_a_crash(ebox, settings, tmp_path):
    settings.EBOX_PRIVATE_KEY = ""
    settings.EBOX_PRIVATE_KEY_FILE = str(tmp_path / "absent.pem")
    with pytest.raises(client.EboxRejected) as error:
        _publish()
    assert error.value.code == "invalid_client"
    assert not _token_calls(ebox)


def test_the_token_is_shared_through_the_django_cache(ebox):
    _publish("a")
    # Another worker process: same cache, nothing in memory.
    client.auth._signing_key.cache_clear()

    _publish("b")

    assert len(_token_calls(ebox)) == 1


def test_the_digest_is_base64url_sha256_without_padding():
    assert client.digest(b"abc") == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"


def test_409_returns_the_original_message(ebox):
    ebox.idempotent = True  # the API v3
    first = _publish("same")
    again = _publish("same")

    assert again.duplicate and again.message_id == first.message_id
    assert len(ebox.messages) == 1


def test_no_digital_user_is_reported(ebox):
    ebox.not_activated.add("85073000278")
    assert _publish().no_digital_user


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ("503", client.EboxTransientError),
        ("connection", client.EboxTransientError),
        ("400", client.EboxRejected),
    ],
)
def test_errors_are_sorted_transient_or_permanent(ebox, script, error):
    ebox.script = [script]
    with pytest.raises(error):
        _publish()


def test_429_carries_retry_after(ebox):
    ebox.script = ["429"]
    with pytest.raises(client.EboxTransientError) as error:
        _publish()
    assert error.value.retry_after == 7.0


def test_timeouts_are_transient(monkeypatch, settings):
    settings.EBOX_TOKEN_URL = "http://ebox.test/token"

    def session():
        http = requests.Session()
        http.mount("http://ebox.test/", FailingAdapter(error=requests.Timeout("read timed out")))
        return http

    monkeypatch.setattr(client, "build_session", session)
    cache.clear()
    with pytest.raises(client.EboxTransientError):
        _publish()


@pytest.mark.parametrize(
    ("script", "maybe_stored"),
    [
        ("connection", False),
        ("429", False),
        ("503", False),  # turned away with Retry-After, before the body was read
        ("500", True),
        ("stored-503", True),  # a 503 without Retry-After may come after storing
        ("stored-reset", True),
        ("timeout", True),
    ],
)
def test_transient_failures_say_whether_a_message_may_have_been_stored(ebox, script, maybe_stored):
    ebox.script = [script]

    with pytest.raises(client.EboxTransientError) as failure:
        _publish()

    assert failure.value.maybe_stored is maybe_stored


def test_search_status_reports_read_messages(ebox):
    result = _publish()
    ebox.messages[result.message_id].read = True

    (status,) = client.search_status([(result.message_id, "85073000278")])

    assert status.read and status.message_id == result.message_id
