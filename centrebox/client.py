"""The eBox consultation API 2.1 for the centre's enterprise e-Box: messages and a message's body.

The e-Box read is the one of the organisation the credentials belong to: requests name no box, so the
caller passes the centre's own credentials (`ebox.senders.box_credentials_for`). No database here; the
token, retries on 401 and the error classes are `ebox.client`'s. Raises `EboxTransientError` (retry
later) or `EboxRejected`.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from ebox import client as ebox_client
from ebox.auth import Credentials
from ebox.client import EboxTransientError


@dataclass(frozen=True)
class InboxMessage:
    message_id: str
    message_type: str
    subject: dict
    receipt_date: str
    expiration_date: str = ""
    original_message_id: str = ""
    read: bool = False
    visible: bool = True
    sender_organization_id: str = ""
    sender_application_id: str = ""
    sender_citizen_id: str = ""
    reply_authorized: bool = False


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxMessage]
    page: int
    page_size: int
    total: int


@dataclass(frozen=True)
class MessageBody:
    content: str
    media_type: str


def _message(row: dict) -> InboxMessage:
    subject = row.get("subject")
    return InboxMessage(
        message_id=str(row.get("messageId") or ""),
        message_type=str(row.get("messageTypeId") or ""),
        subject=subject if isinstance(subject, dict) else {},
        receipt_date=str(row.get("receiptDate") or ""),
        expiration_date=str(row.get("expirationDate") or ""),
        original_message_id=str(row.get("originalMessageId") or ""),
        read=bool(row.get("readStatus")),
        visible=bool(row.get("visible", True)),
        sender_organization_id=str(row.get("senderOrganizationId") or ""),
        sender_application_id=str(row.get("senderApplicationId") or ""),
        sender_citizen_id=str(row.get("senderCitizenId") or ""),
        reply_authorized=bool(row.get("replyAuthorized")),
    )


def list_messages(
    *, credentials: Credentials, page: int, page_size: int, received_after: date | None = None
) -> InboxPage:
    """One page of the messages of the e-Box the credentials open, received after the day
    `received_after` (the API takes a date); `total` is the service's `totalItems`."""
    params = {"page": page, "pageSize": page_size}
    if received_after is not None:
        params["receivedAfter"] = received_after.isoformat()
    body = ebox_client.consult("/ebox/messages", credentials=credentials, params=params)
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise EboxTransientError("messages: unexpected reply")
    items = [_message(row) for row in body["items"] if isinstance(row, dict)]
    if any(not item.message_id or not item.receipt_date for item in items):
        raise EboxTransientError("messages: an item without messageId or receiptDate")
    total = body.get("totalItems")
    if not isinstance(total, int) or isinstance(total, bool):
        raise EboxTransientError("messages: a reply without totalItems")
    return InboxPage(items=items, page=page, page_size=page_size, total=total)


def body_text(body) -> str:
    """The text of a body, a `TranslatedString` {fr|nl|de: …}: a message carries one language."""
    if not isinstance(body, dict):
        raise EboxTransientError("body: unexpected reply")
    texts = [body[language] for language in ("fr", "nl", "de") if isinstance(body.get(language), str)]
    return texts[0] if texts else ""


def message_body(*, credentials: Credentials, message_id: str) -> MessageBody:
    """A message's body, from the e-Box the credentials open; the service marks the message read."""
    body = ebox_client.consult(f"/ebox/messages/{quote(message_id, safe='')}/body", credentials=credentials)
    return MessageBody(content=body_text(body), media_type="text/plain")
