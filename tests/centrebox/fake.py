"""A stand-in for the eBox consultation API 2.1 (enterprise e-Box) at the HTTP level.

It keeps the token handling of tests.ebox.fake.FakeEbox and adds the two calls the import relies on:
`GET /ebox/messages` (paged, `receivedAfter` a date, `totalItems`) and `GET /ebox/messages/{id}/body`
(a TranslatedString; marks the message read). As on the real service the box is the one of the
organisation the credentials belong to (`organisations`: client id → BCE), never a query parameter;
`clients` holds the public keys of clients other than the platform's (a centre's own).
`script` holds the outcome of the next consultation calls ("503", "429", "connection").
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import requests

from tests.ebox.fake import FakeEbox

BASE = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class FakeCentreEbox(FakeEbox):
    boxes: dict = field(default_factory=dict)  # BCE → list of message dicts (the API's own shape)
    bodies: dict = field(default_factory=dict)  # messageId → body content
    organisations: dict = field(default_factory=dict)  # OAuth client id → BCE of its e-Box
    token_clients: dict = field(default_factory=dict)  # token → OAuth client id
    clients: dict = field(default_factory=dict)  # other OAuth client id → its public key (PEM)

    def __hash__(self):
        return id(self)

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
        form = parse_qs(request.body if isinstance(request.body, str) else request.body.decode())
        client_id = form["client_id"][0]
        platform = (self.client_id, self.public_key)
        if client_id in self.clients:
            self.client_id, self.public_key = client_id, self.clients[client_id]
        try:
            response = super()._token(request)
        finally:
            self.client_id, self.public_key = platform
        if response.status_code == 200:
            self.token_clients[response.json()["access_token"]] = client_id
        return response

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        if "/consultation/" not in url.path:
            return super().send(request, stream, timeout, verify, cert, proxies)
        self.calls.append(request)
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

    def list_calls(self):
        return [c for c in self.calls if c.url.split("?")[0].endswith("/ebox/messages")]

    def body_calls(self):
        return [c for c in self.calls if c.url.split("?")[0].endswith("/body")]
