"""How a citizen's identity reaches CPAS Online: typed, a real federal sign-in, or the simulator only."""

import importlib
import json
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import NoReverseMatch, clear_url_caches, reverse
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from cpasonline import federal_sign_in
from cpasonline.models import OnlineRequest, Source
from primaweb.models import AuditEvent
from tests.cpasonline.conftest import DELACROIX, typed_request
from tests.factories import CentreFactory

FORM = "/cpas-online/"
SIMULATED = "/cpas-online/connexion-simulee/"
PROVIDER = "https://fas.test/"


@pytest.fixture
def ixelles(db):
    return CentreFactory(nis_code="21009", language="fr", name_fr="CPAS d'Ixelles")


@pytest.fixture
def namur(db):
    return CentreFactory(nis_code="92094", language="fr", name_fr="CPAS de Namur")


def _load_urls():
    import cpasonline.urls
    import primaweb.urls

    importlib.reload(cpasonline.urls)
    importlib.reload(primaweb.urls)
    clear_url_caches()


@pytest.fixture
def production_like(settings):
    """The URLs as the production settings build them: the simulators off."""
    was = settings.SIMULATORS_ENABLED
    settings.SIMULATORS_ENABLED = False
    _load_urls()
    yield
    settings.SIMULATORS_ENABLED = was
    _load_urls()


# --- production-like: no register look-up for an anonymous visitor ---------------------------------------


@pytest.mark.django_db
def test_without_simulators_the_niss_look_up_does_not_exist(client, production_like, bcss_http, register):
    assert client.post(SIMULATED, {"signin-niss": DELACROIX}).status_code == 404
    assert client.post("/cpas-online/connexion/", {"signin-niss": DELACROIX}).status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("cpasonline:simulated_sign_in")
    assert bcss_http.calls == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BCSS_CONSULTATION).exists()


@pytest.mark.django_db
def test_the_simulated_sign_in_refuses_even_if_routed_while_simulators_are_off(
    client, settings, bcss_http, register
):
    settings.SIMULATORS_ENABLED = False
    assert client.post(reverse("cpasonline:simulated_sign_in"), {"signin-niss": DELACROIX}).status_code == 404
    assert bcss_http.calls == []


@pytest.mark.django_db
def test_without_simulators_nor_provider_the_citizen_types_their_identity(client, production_like, namur):
    page = client.get(FORM).content.decode()
    assert "signin-niss" not in page and "connexion fédérale" not in page
    assert "Remplissez votre identité dans le formulaire ci-dessous." in page
    assert client.post(FORM, typed_request()).status_code == 302
    stored = OnlineRequest.objects.get()
    assert (stored.identity_source, stored.first_name, stored.centre) == (Source.APPLICANT, "Louise", namur)


@pytest.mark.django_db
def test_with_simulators_the_simulated_sign_in_is_offered_and_marked_as_a_simulation(client):
    page = client.get(FORM).content.decode()
    assert "signin-niss" in page and "(simulation)" in page
    assert reverse("cpasonline:simulated_sign_in") == SIMULATED


# --- the real federal sign-in: OpenID Connect, off unless configured --------------------------------------


@pytest.mark.django_db
def test_the_federal_sign_in_is_off_unless_a_provider_is_configured(client):
    assert client.post(reverse("cpasonline:federal_sign_in")).status_code == 404
    assert client.get(reverse("cpasonline:federal_callback"), {"code": "x", "state": "y"}).status_code == 404


class FakeProvider(BaseAdapter):
    """The provider's token and userinfo endpoints, at the HTTP level."""

    def __init__(self, claims: dict):
        super().__init__()
        self.claims = claims
        self.calls: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.calls.append(request)
        path = urlsplit(request.url).path
        if path == "/token" and request.method == "POST":
            form = parse_qs(request.body if isinstance(request.body, str) else request.body.decode())
            good = (
                form.get("code") == ["good-code"]
                and form.get("code_verifier")
                and (form.get("grant_type") == ["authorization_code"])
            )
            body, status = (
                ({"access_token": "at-1", "token_type": "Bearer", "expires_in": 300}, 200)
                if good
                else ({"error": "invalid_grant"}, 400)
            )
        elif path == "/userinfo" and request.headers.get("Authorization") == "Bearer at-1":
            body, status = self.claims, 200
        else:
            body, status = {"error": "invalid_request"}, 401
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response._content = json.dumps(body).encode()
        response.raw = BytesIO(response._content)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def provider(settings, monkeypatch):
    settings.CPAS_ONLINE_OIDC_AUTHORIZATION_URL = f"{PROVIDER}authorize"
    settings.CPAS_ONLINE_OIDC_TOKEN_URL = f"{PROVIDER}token"
    settings.CPAS_ONLINE_OIDC_USERINFO_URL = f"{PROVIDER}userinfo"
    settings.CPAS_ONLINE_OIDC_CLIENT_ID = "primaweb-cpas-online"
    settings.CPAS_ONLINE_OIDC_CLIENT_SECRET = "provider-secret"
    settings.SITE_URL = "https://primaweb.example"
    adapter = FakeProvider({"sub": "citizen-1", "egovNRN": DELACROIX})
    build = federal_sign_in.build_session

    def session(**kwargs):
        http = build(**kwargs)
        http.mount(PROVIDER, adapter)
        return http

    monkeypatch.setattr(federal_sign_in, "build_session", session)
    return adapter


def start(client) -> dict:
    response = client.post(reverse("cpasonline:federal_sign_in"))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{PROVIDER}authorize"
    return {key: values[0] for key, values in parse_qs(location.query).items()}


@pytest.mark.django_db
def test_a_configured_provider_gets_the_citizen_with_state_and_pkce(client, provider, production_like):
    page = client.get(FORM).content.decode()
    assert reverse("cpasonline:federal_sign_in") in page and "signin-niss" not in page
    query = start(client)
    assert query["client_id"] == "primaweb-cpas-online" and query["response_type"] == "code"
    assert query["redirect_uri"] == "https://primaweb.example/cpas-online/connexion-federale/retour/"
    assert query["code_challenge_method"] == "S256" and query["code_challenge"] and query["state"]
    assert "openid" in query["scope"].split()
    assert provider.calls == []


@pytest.mark.django_db
def test_the_provider_callback_signs_the_citizen_in_with_the_register_identity(
    client, provider, register, bcss_http, ixelles, django_capture_on_commit_callbacks
):
    # The register answers through its simulator here, hence the simulators on.
    query = start(client)
    back = client.get(reverse("cpasonline:federal_callback"), {"code": "good-code", "state": query["state"]})
    assert back.status_code == 302 and back["Location"] == reverse("cpasonline:form")
    assert [urlsplit(call.url).path for call in provider.calls] == ["/token", "/userinfo"]
    page = client.get(FORM).content.decode()
    assert "DELACROIX" in page.upper() and "donnée obtenue des registres" in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(FORM, {"email": "helene@example.be", "nature": "housing", "website": ""})
    assert sent.status_code == 302
    stored = OnlineRequest.objects.get()
    assert (stored.identity_source, stored.niss, stored.centre) == (Source.REGISTERS, DELACROIX, ixelles)


@pytest.mark.django_db
def test_a_callback_with_another_state_signs_nobody_in(client, provider, register, bcss_http):
    start(client)
    back = client.get(reverse("cpasonline:federal_callback"), {"code": "good-code", "state": "forged"})
    assert back.status_code == 302
    page = client.get(FORM).content.decode()
    assert "La connexion fédérale n&#x27;a pas abouti" in page
    assert provider.calls == [] and bcss_http.calls == []


@pytest.mark.django_db
def test_a_code_the_provider_refuses_signs_nobody_in(client, provider, register, bcss_http):
    query = start(client)
    client.get(reverse("cpasonline:federal_callback"), {"code": "stolen-code", "state": query["state"]})
    page = client.get(FORM).content.decode()
    assert "La connexion fédérale n&#x27;a pas abouti" in page and "DELACROIX" not in page.upper()
    assert bcss_http.calls == []


@pytest.mark.django_db
def test_a_cancelled_federal_sign_in_says_so(client, provider):
    query = start(client)
    client.get(reverse("cpasonline:federal_callback"), {"error": "access_denied", "state": query["state"]})
    assert "La connexion fédérale a été annulée ou refusée." in client.get(FORM).content.decode()
    assert provider.calls == []


@pytest.mark.django_db
def test_a_provider_answer_without_national_number_signs_nobody_in(client, provider, register, bcss_http):
    provider.claims = {"sub": "citizen-1", "egovNRN": "not-a-niss"}
    query = start(client)
    client.get(reverse("cpasonline:federal_callback"), {"code": "good-code", "state": query["state"]})
    assert "La connexion fédérale n&#x27;a pas abouti" in client.get(FORM).content.decode()
    assert bcss_http.calls == []
