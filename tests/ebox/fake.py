"""A stand-in for the eBox REST API 2.1 at the HTTP level, implementing the contract the client relies on:
publishMessage, searchMessageStatus, the federation's eBox preferences and the consultation of an
enterprise e-Box (`GET /ebox/messages`, `GET /ebox/messages/{id}/body`).

The tests that need a real server use the simulator (simulators/ebox/, `ebox_simulator`); this stand-in
serves those that script the network's failures. `script` holds the outcome of the next publishMessage
calls: "connection" (refused: nothing reached the
service), "503" and "429" (turned away unread, with Retry-After), "500" (failed, nothing stored, but the
client can not know it), "stored-503" and "stored-reset" (the message is stored, then the reply is lost
as a 503 or a reset connection), "timeout" (stored, the answer never comes), or "400".
Like the API 2.1 it ignores Idempotency-Key unless `idempotent` (the v3 behaviour).

On the consultation API the box is the one of the organisation the credentials belong to
(`organisations`: client id → BCE), never a query parameter; `clients` holds the public keys of clients
other than the platform's (a centre's own); `script` then holds "503", "429" or "connection".
"""

import base64
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

BASE = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class StoredMessage:
    message_id: str
    key: str
    recipient: str
    subject: dict
    message: dict
    pdf: bytes
    read: bool = False


def _public_key() -> str:
    from tests.ebox_onboarding import key_pair

    return key_pair().public_key


@dataclass
class FakeEbox(BaseAdapter):
    client_id: str = "primaweb"
    public_key: str = field(default_factory=_public_key)
    token_lifetime: int = 300
    messages: dict = field(default_factory=dict)  # message id → StoredMessage
    idempotent: bool = False
    not_activated: set = field(default_factory=set)
    tokens: set = field(default_factory=set)
    script: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    tokens_issued: int = 0
    boxes: dict = field(default_factory=dict)  # BCE → list of message dicts (the API's own shape)
    bodies: dict = field(default_factory=dict)  # messageId → body content
    organisations: dict = field(default_factory=dict)  # OAuth client id → BCE of its e-Box
    token_clients: dict = field(default_factory=dict)  # token → OAuth client id
    clients: dict = field(default_factory=dict)  # other OAuth client id → its public key (PEM)

    def __post_init__(self):
        super().__init__()

    def __hash__(self):
        return id(self)

    # the contract ---------------------------------------------------------------------------------
    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.calls.append(request)
        path = urlsplit(request.url).path
        if path.endswith("/oauth2/token"):
            return self._token(request)
        if "/consultation/" in path:
            return self._consult(request)
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if token not in self.tokens:
            return self._reply(request, 401, {"id": str(uuid.uuid4()), "code": "UNAUTHORIZED", "message": ""})
        if path.endswith("/publishMessage"):
            return self._publish(request)
        if path.endswith("/searchMessageStatus"):
            return self._search(request)
        if path.endswith("/eboxPreferences/search"):
            return self._preferences(request)
        return self._reply(request, 404, {"code": "NOT_FOUND"})

    def _platform_token(self, request):
        form = {
            k: v[0]
            for k, v in parse_qs(
                request.body if isinstance(request.body, str) else request.body.decode()
            ).items()
        }
        try:
            claims = jwt.decode(
                form.get("client_assertion", ""), RSAKey.import_key(self.public_key), algorithms=["RS256"]
            ).claims
        except (JoseError, ValueError):
            claims = {}
        if (
            form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            or claims.get("iss") != self.client_id
            or claims.get("sub") != self.client_id
        ):
            return self._reply(request, 401, {"error": "invalid_client"})
        token = uuid.uuid4().hex
        self.tokens.add(token)
        self.tokens_issued += 1
        return self._reply(
            request, 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
        )

    def drop(
        self,
        bce,
        *,
        message_type="SPPIS_INFORMATION",
        minutes=0,
        subject=None,
        original="",
        citizen="",
        organisation="0123456749",
        body="Bonjour",
        message_id=None,
    ):
        message_id = message_id or uuid.uuid4().hex
        subject = subject or {"fr": f"Message {message_id[:6]}"}
        item = {
            "messageId": message_id,
            "subject": subject,
            "receiptDate": (BASE + timedelta(minutes=minutes)).isoformat(),
            "expirationDate": (BASE + timedelta(days=365)).isoformat(),
            "readStatus": False,
            "visible": True,
            "registeredMail": False,
            "messageTypeId": message_type,
            "senderOrganizationId": bce if citizen else organisation,
            "attachments": {"items": [], "totalItems": 0},
            "bodyMainContent": True,
            "replyAuthorized": False,
        }
        # Optional properties are absent, never null.
        if original:
            item["originalMessageId"] = original
        if citizen:
            item["senderCitizenId"] = citizen
        else:
            item["senderApplicationId"] = "SPPIS"
        self.boxes.setdefault(bce, []).append(item)
        self.bodies[message_id] = {next(iter(subject)): body}
        return message_id

    def message(self, message_id):
        return next(m for box in self.boxes.values() for m in box if m["messageId"] == message_id)

    def _token(self, request):
        # A centre's own client signs with its own key; the token then opens that organisation's e-Box.
        form = parse_qs(request.body if isinstance(request.body, str) else request.body.decode())
        client_id = form["client_id"][0]
        platform = (self.client_id, self.public_key)
        if client_id in self.clients:
            self.client_id, self.public_key = client_id, self.clients[client_id]
        try:
            response = self._platform_token(request)
        finally:
            self.client_id, self.public_key = platform
        if response.status_code == 200:
            self.token_clients[response.json()["access_token"]] = client_id
        return response

    def _consult(self, request):
        url = urlsplit(request.url)
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if token not in self.tokens:
            return self._reply(request, 401, {"code": "UNAUTHORIZED"})
        if self.script:
            outcome = self.script.pop(0)
            if outcome == "connection":
                raise requests.ConnectionError("connection reset")
            if outcome == "503":
                return self._reply(request, 503, {"code": "UNAVAILABLE"})
            if outcome == "429":
                return self._reply(request, 429, {"code": "TOO_MANY_REQUESTS"}, headers={"Retry-After": "7"})
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if "eboxType" in query or "eboxIdValue" in query:
            return self._reply(request, 400, {"code": "INVALID_INPUT", "message": "unknown parameter"})
        box = self.boxes.get(self.organisations.get(self.token_clients.get(token), ""), [])
        if url.path.endswith("/body"):
            message_id = url.path.split("/")[-2]
            found = [m for m in box if m["messageId"] == message_id]
            if not found:
                return self._reply(request, 404, {"code": "NOT_FOUND"})
            found[0]["readStatus"] = True
            return self._reply(request, 200, self.bodies[message_id])
        if url.path.endswith("/ebox/messages"):
            after = query.get("receivedAfter")
            chosen = sorted(box, key=lambda m: (m["receiptDate"], m["messageId"]))
            if after:
                limit = date.fromisoformat(after)  # a date: a date-time is refused
                chosen = [m for m in chosen if datetime.fromisoformat(m["receiptDate"]).date() > limit]
            page, size = int(query.get("page", 1)), int(query.get("pageSize", 50))
            items = chosen[(page - 1) * size : page * size]
            return self._reply(
                request,
                200,
                {"items": json.loads(json.dumps(items)), "totalItems": len(chosen)},
            )
        return self._reply(request, 404, {"code": "NOT_FOUND"})

    def _publish(self, request):
        outcome = self.script.pop(0) if self.script else "ok"
        if outcome == "connection":
            refused = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
            raise requests.ConnectionError(MaxRetryError(None, request.url, refused), request=request)
        if outcome == "503":
            return self._reply(request, 503, {"code": "UNAVAILABLE"}, headers={"Retry-After": "3"})
        if outcome == "500":
            return self._reply(request, 500, {"code": "INTERNAL_ERROR"})
        if outcome == "429":
            return self._reply(request, 429, {"code": "TOO_MANY_REQUESTS"}, headers={"Retry-After": "7"})
        if outcome == "400":
            return self._reply(request, 400, self._error("INVALID_INPUT", "Subject is too long"))
        key = request.headers.get("Idempotency-Key", "")
        original = next((m for m in self.messages.values() if key and m.key == key), None)
        if self.idempotent and original is not None:
            return self._reply(request, 409, {"messageId": original.message_id, "code": "CONFLICT"})
        content_type = request.headers["Content-Type"]
        body = request.body if isinstance(request.body, bytes) else request.body.encode()
        parsed = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        parts = {part.get_param("name", header="content-disposition"): part for part in parsed.iter_parts()}
        message = json.loads(parts["messageToPublish"].get_payload(decode=True))
        pdf_part = parts[message["attachments"][0]["httpPartName"]]
        pdf = pdf_part.get_payload(decode=True)
        digest = base64.urlsafe_b64encode(hashlib.sha256(pdf).digest()).rstrip(b"=").decode()
        if pdf_part.get_content_type() != "application/pdf":
            return self._reply(request, 400, self._error("INVALID_INPUT", "PDF expected"))
        if message["attachments"][0]["digest"]["digestValue"] != digest:
            return self._reply(request, 400, self._error("DIGEST_DO_NOT_MATCH", "Digest does not match"))
        if len(message["subject"]) != 1:
            return self._reply(
                request,
                400,
                self._error("NOT_IMPLEMENTED", "Multiple languages provided when only one expected"),
            )
        if not re.fullmatch(r"[0-1][0-9]{9}", message.get("senderOrganizationId", "")):
            return self._reply(request, 400, self._error("INVALID_SENDER", "Unknown sender"))
        recipient = message["recipient"]["eboxIdValue"]
        stored = StoredMessage(
            message_id=uuid.uuid4().hex,
            key=key,
            recipient=recipient,
            subject=message["subject"],
            message=message,
            pdf=pdf,
        )
        self.messages[stored.message_id] = stored
        if outcome == "stored-503":
            return self._reply(request, 503, {"code": "UNAVAILABLE"})
        if outcome == "stored-reset":
            reset = ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset"))
            raise requests.ConnectionError(reset, request=request)
        if outcome == "timeout":
            raise requests.ReadTimeout("Read timed out. (read timeout=15)", request=request)
        code = "NO_DIGITAL_USER" if recipient in self.not_activated else "OK"
        return self._reply(
            request,
            201,
            {"messageId": stored.message_id, "expirationDate": "2027-05-01", "code": code, "message": ""},
        )

    def _search(self, request):
        wanted = json.loads(request.body)
        by_id = {m.message_id: m for m in self.messages.values()}
        return self._reply(
            request,
            200,
            [
                {
                    "messageId": w["messageId"],
                    "eboxId": w["eboxId"],
                    "readStatus": by_id[w["messageId"]].read,
                    "expirationDate": "2027-05-01",
                    "visible": True,
                }
                for w in wanted
                if w["messageId"] in by_id
            ],
        )

    def _preferences(self, request):
        wanted = json.loads(request.body)["eboxIdValueList"]
        found = [
            {"eboxId": {"eboxType": "CITIZEN", "eboxIdValue": niss}, "exclusivelyEbox": False}
            for niss in wanted
            if niss not in self.not_activated
        ]
        if not found:
            return self._reply(request, 404, self._error("NOT_FOUND", "Ebox not found"))
        return self._reply(request, 200, found)

    # helpers --------------------------------------------------------------------------------------
    @property
    def delivered(self) -> list[StoredMessage]:
        """What a citizen would see: messages to activated eBoxes."""
        return [m for m in self.messages.values() if m.recipient not in self.not_activated]

    def publish_calls(self):
        return [c for c in self.calls if c.url.endswith("/publishMessage")]

    @staticmethod
    def _error(code, message):
        return {
            "id": str(uuid.uuid4()),
            "code": code,
            "message": message,
            "contact": "",
            "environment": "TEST",
        }

    @staticmethod
    def _reply(request, status, payload, headers=None):
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json", **(headers or {})})
        response._content = json.dumps(payload).encode()
        response.raw = BytesIO(response._content)
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self):
        pass

    def list_calls(self):
        return [c for c in self.calls if c.url.split("?")[0].endswith("/ebox/messages")]

    def body_calls(self):
        return [c for c in self.calls if c.url.split("?")[0].endswith("/body")]
