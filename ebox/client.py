"""The eBox REST API 2.1 over HTTP: a bearer token, `publishMessage` and `searchMessageStatus`, the
consultation of the caller's own e-Box (`consult`), and the federation's eBox preferences.

No database here: the callers (ebox.delivery, ebox.read_status, centrebox.client) get plain dataclasses
back, or one of two exceptions (ebox.errors): `EboxTransientError` (worth retrying, possibly after
`retry_after` seconds) and `EboxRejected` (the service refused the message for good). Tokens are
ebox.tokens', the publishMessage body ebox.multipart's. Pointing the settings at the real service needs
no code change.
"""

from dataclasses import dataclass

import requests
from django.conf import settings

from . import auth

# The errors, the tokens and the multipart body have their own modules; callers know them from here.
from .errors import EboxError, EboxRejected, EboxTransientError, json_of, never_connected, raise_for  # noqa: F401
from .multipart import content_disposition, digest, multipart_body  # noqa: F401
from .tokens import TOKEN_MARGIN, access_token, forget_token  # noqa: F401

NO_DIGITAL_USER = "NO_DIGITAL_USER"


@dataclass(frozen=True)
class PublishResult:
    message_id: str
    expiration_date: str = ""
    code: str = ""
    message: str = ""
    # True when the service already had a message under this idempotency key (HTTP 409).
    duplicate: bool = False

    @property
    def no_digital_user(self) -> bool:
        return self.code == NO_DIGITAL_USER


@dataclass(frozen=True)
class MessageStatus:
    message_id: str
    # The recipient's eboxIdValue (a citizen's NISS, a company's BCE number).
    ebox_id: str
    read: bool
    expiration_date: str = ""
    visible: bool = True


@dataclass(frozen=True)
class EboxPreference:
    """A recipient's eBox as the federation knows it: it exists, hence they activated it."""

    niss: str
    exclusively_ebox: bool = False
    last_connection: str = ""


def build_session() -> requests.Session:
    """The HTTP session of every call; one place to add certificates or proxies for the real service."""
    return requests.Session()


def _call(
    session: requests.Session,
    method: str,
    url: str,
    *,
    credentials: auth.Credentials | None = None,
    scope: str | None = None,
    **kwargs,
) -> requests.Response:
    """One authenticated call; a 401 renews the token and tries once more (it may have been revoked)."""
    for renew in (False, True):
        token = access_token(session, credentials=credentials, scope=scope, renew=renew)
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {token}"}
        try:
            response = session.request(method, url, headers=headers, timeout=settings.EBOX_TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise EboxTransientError(
                f"{exc.__class__.__name__}: {exc}", maybe_stored=not never_connected(exc)
            ) from exc
        if response.status_code != 401:
            return response
        forget_token(credentials, scope)
        kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
    return response


def publish(
    *,
    recipient_niss: str,
    language: str,
    subject: str,
    message_type: str,
    sender_bce: str,
    sender_application_id: str,
    pdf: bytes,
    filename: str,
    idempotency_key: str,
    reply_authorized: bool = False,
    credentials: auth.Credentials | None = None,
) -> PublishResult:
    """Publishes one PDF to a citizen's eBox for the centre `sender_bce`, with the senderApplicationId
    and messageTypeId its onboarding gave, as `credentials` (the centre's own, or the platform's as its
    mandatary). The same `idempotency_key` never delivers twice."""
    message = {
        "recipient": {"eboxType": "citizen", "eboxIdValue": recipient_niss},
        "subject": {language: subject},
        "bodyMainContent": False,
        "replyAuthorized": reply_authorized,
        "senderOrganizationId": sender_bce,
        "senderApplicationId": sender_application_id,
        "attachments": [
            {
                "httpPartName": "upfile1",
                "mainContent": True,
                "digest": {"digestMethod": "sha_256", "digestValue": digest(pdf)},
            }
        ],
    }
    if message_type:
        message["messageTypeId"] = message_type
    body, content_type = multipart_body(message, {"upfile1": (filename, pdf, "application/pdf")})
    with build_session() as session:
        response = _call(
            session,
            "POST",
            f"{settings.EBOX_API_URL}/publishMessage",
            data=body,
            headers={"Content-Type": content_type, "Idempotency-Key": idempotency_key},
            credentials=credentials,
        )
    if response.status_code == 409:
        body = json_of(response)
        message_id = body.get("messageId") if isinstance(body, dict) else None
        if not message_id:
            raise EboxRejected("CONFLICT", "409 without the original messageId")
        return PublishResult(
            message_id=str(message_id),
            expiration_date=str(body.get("expirationDate") or ""),
            # The 409's own code is DUPLICATE; what matters is what the first publication answered.
            code=str(body.get("originalCode") or ""),
            duplicate=True,
        )
    raise_for(response)
    body = json_of(response)
    if not isinstance(body, dict) or (not body.get("messageId") and body.get("code") != NO_DIGITAL_USER):
        raise EboxTransientError(f"HTTP {response.status_code} without a messageId")
    return PublishResult(
        message_id=str(body.get("messageId") or ""),
        expiration_date=str(body.get("expirationDate") or ""),
        code=str(body.get("code") or ""),
        message=str(body.get("message") or ""),
    )


def ebox_id(value: str) -> dict:
    """An `EboxId`: a 10-digit BCE number is a company's e-Box, an 11-digit NISS a citizen's."""
    return {"eboxType": "enterprise" if len(value) == 10 else "citizen", "eboxIdValue": value}


def search_status(
    items: list[tuple[str, str]], *, credentials: auth.Credentials | None = None
) -> list[MessageStatus]:
    """The read status of messages given as (messageId, recipient NISS or BCE) pairs, asked as the
    client that published them (`credentials`, the platform's by default); the service answers 201
    with one status per message it knows."""
    payload = [{"messageId": message_id, "eboxId": ebox_id(value)} for message_id, value in items]
    with build_session() as session:
        response = _call(
            session,
            "POST",
            f"{settings.EBOX_API_URL}/searchMessageStatus",
            json=payload,
            credentials=credentials,
        )
    raise_for(response)
    body = json_of(response)
    if not isinstance(body, list):
        raise EboxTransientError("searchMessageStatus: unexpected reply")
    return [
        MessageStatus(
            message_id=str(row.get("messageId", "")),
            ebox_id=str(row["eboxId"].get("eboxIdValue", "")) if isinstance(row.get("eboxId"), dict) else "",
            read=bool(row.get("readStatus")),
            expiration_date=str(row.get("expirationDate") or ""),
            visible=bool(row.get("visible", True)),
        )
        for row in body
        if isinstance(row, dict)
    ]


def consult(path: str, *, credentials: auth.Credentials, params: dict | None = None) -> dict | list:
    """GET `path` (quoted by the caller) of the consultation API as `credentials`: the e-Box read is the
    one of the organisation the credentials belong to, since a request names no box. Returns the JSON
    answer; raises EboxTransientError (retry later) or EboxRejected."""
    with build_session() as session:
        response = _call(
            session, "GET", f"{settings.EBOX_CONSULT_URL}{path}", params=params, credentials=credentials
        )
    raise_for(response)
    return json_of(response)


# The federation names a citizen's box this way (its example shows ENTERPRISE / EnterpriseNumber).
CITIZEN_EBOX_TYPE = "CITIZEN"

CITIZEN_ID_TYPE = "SSIN"


def citizen_ebox_preferences(
    niss_list: list[str], *, credentials: auth.Credentials | None = None
) -> dict[str, EboxPreference]:
    """The eBoxes among these citizens', by NISS (federation `POST /eboxPreferences/search`).

    A citizen missing from the answer has no eBox (never activated, or deactivated): a publication
    would answer NO_DIGITAL_USER. The service answers 404 « Ebox not found » when none has one.
    """
    payload = {"eboxType": CITIZEN_EBOX_TYPE, "eboxIdType": CITIZEN_ID_TYPE, "eboxIdValueList": niss_list}
    with build_session() as session:
        response = _call(
            session,
            "POST",
            f"{settings.EBOX_FEDERATION_URL}/eboxPreferences/search",
            json=payload,
            credentials=credentials,
            scope=settings.EBOX_FEDERATION_SCOPE,
        )
    if response.status_code == 404:
        return {}
    raise_for(response)
    body = json_of(response)
    if not isinstance(body, list):
        raise EboxTransientError("eboxPreferences: unexpected reply")
    found = {}
    for row in body:
        ebox_id = row.get("eboxId") if isinstance(row, dict) else None
        niss = ebox_id.get("eboxIdValue") if isinstance(ebox_id, dict) else None
        if isinstance(niss, str) and niss in niss_list:
            found[niss] = EboxPreference(
                niss=niss,
                exclusively_ebox=bool(row.get("exclusivelyEbox")),
                last_connection=str(row.get("lastConnectionDate") or ""),
            )
    return found


def citizen_has_ebox(niss: str, *, credentials: auth.Credentials | None = None) -> bool:
    """Whether a publication to this citizen would reach an eBox; raises the client's errors."""
    return niss in citizen_ebox_preferences([niss], credentials=credentials)
