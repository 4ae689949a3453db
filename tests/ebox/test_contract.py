"""The eBox clients against the contract: every request they send and every reply they get is held to the
project's OpenAPI document of eBox REST 2.1 (simulators/ebox/ebox-rest-2.1.yaml) with openapi-core, on
the captured HTTP, whether the other side is the simulator or a reply written from the official
examples."""

import json
from io import BytesIO

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from centrebox import client as centre_client
from ebox import auth, client, senders
from simulators.ebox import contract
from simulators.ebox import services as simulator
from simulators.ebox.models import Attachment
from tests.ebox_onboarding import own_client
from tests.http import DjangoAppAdapter, route_ebox

pytestmark = pytest.mark.django_db

SENDER_BCE = "0212344876"
NISS = "75031212346"


def contract_for(settings) -> OpenAPI:
    """The document with the client's configured API roots as its servers."""
    servers = [{"url": settings.EBOX_API_URL}, {"url": settings.EBOX_CONSULT_URL}]
    return OpenAPI.from_dict({**contract.REST.document, "servers": servers})


class Recording(BaseAdapter):
    """Hands each request to `inner` and keeps (request, response) for the API calls (not the token's)."""

    def __init__(self, inner):
        super().__init__()
        self.inner, self.exchanges = inner, []

    def send(self, request, **kwargs):
        response = self.inner.send(request, **kwargs)
        if not request.url.endswith("/oauth2/token"):
            self.exchanges.append((request, response))
        return response

    def close(self):
        pass


def assert_within_contract(settings, exchanges) -> None:
    openapi = contract_for(settings)
    assert exchanges
    for request, response in exchanges:
        openapi.validate_request(RequestsOpenAPIRequest(request))
        openapi.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))


@pytest.fixture
def simulator_http(monkeypatch, settings, centre, tmp_path):
    """The clients routed to the simulator in this process, every exchange recorded; `centre` holds its
    own OAuth client (whose tokens open its enterprise e-Box)."""
    recording = Recording(DjangoAppAdapter())
    route_ebox(monkeypatch, settings, recording)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ebox.test"]
    settings.EBOX_SIMULATOR_FAULTS = {}
    own_client(centre, tmp_path)
    return recording


def publish(**changes):
    values = {
        "recipient_niss": NISS,
        "language": "fr",
        "subject": "Décision relative à votre demande",
        "message_type": "CPAS_DECISION",
        "sender_bce": SENDER_BCE,
        "sender_application_id": "primaweb-test",
        "pdf": b"%PDF-1.4 decision",
        "filename": "decision.pdf",
        "idempotency_key": "doc-1",
        **changes,
    }
    return client.publish(**values)


def test_every_call_of_the_clients_to_the_simulator_is_within_the_contract(settings, simulator_http, centre):
    simulator.citizen_activate(
        citizen=simulator.citizen_sign_in(niss=NISS),
        email="c@example.org",
        language="fr",
        notifications=False,
    )
    sender = senders.sender_for(centre=centre)
    published = publish(
        sender_bce=sender.organization_id,
        sender_application_id=sender.application_id,
        credentials=sender.credentials,
    )
    simulator.enterprise_message_drop(
        recipient_bce=centre.bce_number,
        sender_organization_id="0367302178",
        message_type_id="SPPIS_DECISION",
        subject="Subside",
        body="Accordé",
    )

    statuses = client.search_status([(published.message_id, NISS)], credentials=sender.credentials)
    box = senders.box_credentials_for(centre=centre)
    page = centre_client.list_messages(credentials=box, page=1, page_size=10)
    body = centre_client.message_body(credentials=box, message_id=page.items[0].message_id)

    assert statuses[0].message_id == published.message_id and statuses[0].ebox_id == NISS
    assert (page.total, body.content) == (1, "Accordé")
    assert {request.url.split("?")[0].rsplit("/", 1)[-1] for request, _ in simulator_http.exchanges} == {
        "publishMessage",
        "searchMessageStatus",
        "messages",
        "body",
    }
    assert_within_contract(settings, simulator_http.exchanges)


def test_the_federation_call_of_the_client_is_within_the_federation_document(settings, simulator_http):
    simulator.citizen_activate(
        citizen=simulator.citizen_sign_in(niss=NISS),
        email="c@example.org",
        language="fr",
        notifications=False,
    )

    assert client.citizen_has_ebox(NISS) is True
    assert client.citizen_has_ebox("85073003328") is False  # the 404 « Ebox not found »

    openapi = OpenAPI.from_dict(
        {**contract.FEDERATION.document, "servers": [{"url": settings.EBOX_FEDERATION_URL}]}
    )
    assert [response.status_code for _, response in simulator_http.exchanges] == [200, 404]
    for request, response in simulator_http.exchanges:
        openapi.validate_request(RequestsOpenAPIRequest(request))
        openapi.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))


def test_a_non_ascii_file_name_is_sent_per_rfc_6266_and_arrives_whole(settings, simulator_http, centre):
    sender = senders.sender_for(centre=centre)
    publish(
        filename="Décision « aide » Œuvre.pdf",
        sender_bce=sender.organization_id,
        sender_application_id=sender.application_id,
        credentials=sender.credentials,
    )

    request = simulator_http.exchanges[0][0]
    assert b'filename="D_cision _ aide _ _uvre.pdf"' in request.body
    assert b"filename*=UTF-8''D%C3%A9cision%20%C2%AB%20aide%20%C2%BB%20%C5%92uvre.pdf" in request.body
    assert Attachment.objects.get().file_name == "Décision « aide » Œuvre.pdf"
    assert_within_contract(settings, simulator_http.exchanges)


def test_a_plain_ascii_file_name_is_sent_as_is():
    assert client.content_disposition("upfile1", "decision.pdf") == (
        'form-data; name="upfile1"; filename="decision.pdf"'
    )


# Replies written from the examples and shapes of the official document ---------------------------------

PUBLICATION_STATUS = {
    "messageId": "3e1c4b7a-5d2f-4c69-9a37-0f5b8e2d1c44",
    "expirationDate": "2027-07-24T09:26:00+02:00",
    "code": "NO_DIGITAL_USER",
    "message": "The recipient never opened his e-Box",
}
MESSAGE_STATUS_LIST = [
    {
        "messageId": "3e1c4b7a-5d2f-4c69-9a37-0f5b8e2d1c44",
        "eboxId": {"eboxType": "citizen", "eboxIdValue": NISS},
        "expirationDate": "2027-07-24T09:26:00Z",
        "readStatus": True,
        "visible": True,
    }
]
MESSAGES = {
    "items": [
        {
            "messageId": "m-1",
            "subject": {"nl": "Beslissing over uw subsidie"},
            "receiptDate": "2017-07-24T09:26:00Z",
            "expirationDate": "2019-07-24T09:26:00Z",
            "readStatus": False,
            "visible": True,
            "registeredMail": False,
            "messageTypeId": "SpfFodSocialElections",
            "senderOrganizationId": "0406798006",
            "senderApplicationId": "db2b.SPFETCS-FODWASO.fgov.be",
            "attachments": {
                "items": [
                    {
                        "attachmentId": "a-1",
                        "fileName": "beslissing.pdf",
                        "mainContent": True,
                        "mediaType": "application/pdf",
                        "size": 1800.0,
                    }
                ],
                "totalItems": 1,
            },
            "bodyMainContent": False,
            "replyAuthorized": False,
        },
        {
            "messageId": "m-2",
            "originalMessageId": "3e1c4b7a-5d2f-4c69-9a37-0f5b8e2d1c44",
            "subject": {"fr": "Réponse"},
            "receiptDate": "2017-07-25T10:00:00+02:00",
            "expirationDate": "2019-07-25T10:00:00+02:00",
            "readStatus": True,
            "registeredMail": False,
            "messageTypeId": "CITIZEN_REPLY",
            "senderOrganizationId": "0406798006",
            "bodyMainContent": True,
            "replyAuthorized": False,
        },
    ],
    "totalItems": 57,
}
BODY = {"fr": "Votre demande est acceptée."}


class OfficialReplies(BaseAdapter):
    """Answers each operation with the reply above, as the real service would."""

    def __init__(self):
        super().__init__()
        self.exchanges = []

    def send(self, request, **kwargs):
        path = request.url.split("?")[0]
        if path.endswith("/oauth2/token"):
            status, body = 200, {"access_token": "t", "token_type": "Bearer", "expires_in": 300}
        elif path.endswith("/publishMessage"):
            status, body = 201, PUBLICATION_STATUS
        elif path.endswith("/searchMessageStatus"):
            status, body = 201, MESSAGE_STATUS_LIST
        elif path.endswith("/body"):
            status, body = 200, BODY
        else:
            status, body = 200, MESSAGES
        response = requests.Response()
        response.status_code, response._content = status, json.dumps(body).encode()
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.raw, response.url, response.request = BytesIO(response._content), request.url, request
        if not path.endswith("/oauth2/token"):
            self.exchanges.append((request, response))
        return response

    def close(self):
        pass


@pytest.fixture
def official(monkeypatch, settings):
    adapter = OfficialReplies()
    route_ebox(monkeypatch, settings, adapter)
    return adapter


def test_the_parsers_read_the_official_replies(settings, official):
    published = publish()
    statuses = client.search_status([(PUBLICATION_STATUS["messageId"], NISS)])
    page = centre_client.list_messages(credentials=auth.platform_credentials(), page=1, page_size=2)
    body = centre_client.message_body(credentials=auth.platform_credentials(), message_id="m-2")

    assert published.no_digital_user and published.message_id == PUBLICATION_STATUS["messageId"]
    assert published.expiration_date == "2027-07-24T09:26:00+02:00"
    assert [(s.message_id, s.ebox_id, s.read) for s in statuses] == [
        (PUBLICATION_STATUS["messageId"], NISS, True)
    ]
    assert page.total == 57 and [item.message_id for item in page.items] == ["m-1", "m-2"]
    assert page.items[0].subject == {"nl": "Beslissing over uw subsidie"}
    assert (page.items[0].original_message_id, page.items[1].original_message_id) == (
        "",
        PUBLICATION_STATUS["messageId"],
    )
    assert body.content == "Votre demande est acceptée."
    assert_within_contract(settings, official.exchanges)


def test_the_import_follows_total_items_over_pages(settings, official, centre, monkeypatch):
    from centrebox import services

    monkeypatch.setattr(services, "MAX_PAGES", 3)
    settings.EBOX_PLATFORM_BCE = centre.bce_number  # the platform's certificate is the centre's

    services.inbox_import(centre=centre)

    # 57 messages by pages of 50: the import asks for the second page (the reply says so).
    pages = [request.url for request, _ in official.exchanges if "/ebox/messages?" in request.url]
    assert len(pages) == 2 and "page=2" in pages[1]
