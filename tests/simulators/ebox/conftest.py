"""Helpers to talk to the eBox simulator as a publisher does: a token, then multipart publications."""

import base64
import hashlib
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from simulators.ebox import faults

BASE = "/simulators/ebox/"
API = BASE + "api/publication/v2.1/"
SCOPE = "scope:document:management:consult:ws-eboxrestentreprise:publicationsender"
SENDER_BCE = "0212344876"
CITIZEN_NISS = "75031212346"
OTHER_NISS = "85073003328"


def sample_pdf(text: str = "Decision du CPAS") -> bytes:
    """A small, well-formed one-page PDF, built byte by byte with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Part(io.BytesIO):
    """A file part as the test client encodes it; unlike SimpleUploadedFile it keeps long names whole."""

    def __init__(self, name: str, content: bytes, content_type: str):
        super().__init__(content)
        self.name, self.content_type = name, content_type


def digest(data: bytes) -> dict:
    value = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return {"digestMethod": "sha_256", "digestValue": value}


def message_to_publish(**changes) -> dict:
    message = {
        "recipient": {"eboxType": "citizen", "eboxIdValue": CITIZEN_NISS},
        "subject": {"fr": "Décision relative à votre demande d'aide"},
        "messageTypeId": "CPAS_DECISION",
        "senderOrganizationId": SENDER_BCE,
        "senderApplicationId": "primaweb",
        "attachments": [{"httpPartName": "upfile1", "mainContent": True, "attachmentSigned": False}],
        "bodyMainContent": False,
        "replyAuthorized": False,
    }
    message.update(changes)
    return message


@pytest.fixture(autouse=True)
def fresh_fault_random():
    faults.random_reset()
    yield
    faults.random_reset()


TOKEN_URL = "http://testserver" + BASE + "oauth2/token"


def assertion(*, client_id: str = "primaweb", key: str | None = None, audience: str = TOKEN_URL, **claims):
    """A client assertion as a publisher signs it (private_key_jwt); `claims` override the usual ones."""
    import time
    import uuid

    from joserfc import jwt
    from joserfc.jwk import RSAKey

    from tests.ebox_onboarding import key_pair

    now = int(time.time())
    payload = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now, "exp": now + 60}
    payload["jti"] = str(uuid.uuid4())
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode({"alg": "RS256"}, payload, RSAKey.import_key(key or key_pair().private_key))


def token_form(scope: str = SCOPE, **claims) -> dict:
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion(**claims),
        "scope": scope,
    }


@pytest.fixture
def publisher(db):
    """The publisher `primaweb`, onboarded: its certificate, mandatary of SENDER_BCE, whose configuration
    (application `primaweb`, message type CPAS_DECISION, to citizens) is registered."""
    from simulators.ebox.models import SenderConfiguration
    from tests.ebox_onboarding import simulator_publisher

    client = simulator_publisher()
    client.mandatary_for = SENDER_BCE
    client.save()
    SenderConfiguration.objects.create(
        organization_bce=SENDER_BCE, application_id="primaweb", message_type_id="CPAS_DECISION"
    )
    return client


@pytest.fixture
def token(client, publisher) -> str:
    response = client.post(BASE + "oauth2/token", token_form())
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def publish(client, token):
    """publish(message=None, files=None, key=None) posts a real multipart publishMessage request."""

    def post(message=None, files=None, *, key=None, bearer=None):
        message = message_to_publish() if message is None else message
        if files is None:
            files = {"upfile1": ("decision.pdf", sample_pdf(), "application/pdf")}
        data = {
            "messageToPublish": SimpleUploadedFile(
                "messageToPublish.json", json.dumps(message).encode(), content_type="application/json"
            )
        }
        for name, (file_name, content, media_type) in files.items():
            data[name] = Part(file_name, content, media_type)
        headers = {"Authorization": f"Bearer {bearer or token}"}
        if key:
            headers["Idempotency-Key"] = key
        return client.post(API + "publishMessage", data, headers=headers)

    return post


@pytest.fixture
def search(client, token):
    def post(couples, *, bearer=None):
        return client.post(
            API + "searchMessageStatus",
            json.dumps(couples),
            content_type="application/json",
            headers={"Authorization": f"Bearer {bearer or token}"},
        )

    return post


@pytest.fixture
def citizen_browser(db):
    """A second test client for the citizen, so that the publisher's client keeps no session."""
    from django.test import Client

    return Client()


def activate(
    browser, niss: str = CITIZEN_NISS, *, notifications: bool = True, email: str = "jean@example.be"
):
    browser.post(BASE + "citoyen/", {"niss": niss})
    form = {"email": email, "language": "fr"}
    if notifications:
        form["notifications"] = "on"
    response = browser.post(BASE + "citoyen/activer/", form)
    assert response.status_code == 302, response.content
    return response
