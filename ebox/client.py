"""The eBox REST API 2.1 over HTTP: a bearer token, `publishMessage` and `searchMessageStatus`, the
consultation of the caller's own e-Box (`consult`), and the federation's eBox preferences.

No database here: the caller (ebox.services) gets plain dataclasses back, or one of two exceptions:
`EboxTransientError` (worth retrying, possibly after `retry_after` seconds) and `EboxRejected` (the
service refused the message for good). Pointing the settings at the real service needs no code change.
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from urllib.parse import quote

import requests
import urllib3
from django.conf import settings
from django.core.cache import cache
from urllib3.fields import RequestField
from urllib3.filepost import encode_multipart_formdata

from . import auth

NO_DIGITAL_USER = "NO_DIGITAL_USER"
# Renew the token this many seconds before the service says it expires, so that it never expires in flight.
TOKEN_MARGIN = 30


class EboxError(Exception):
    pass


class EboxTransientError(EboxError):
    """The service was unreachable, overloaded or failing: the same request may succeed later.

    `maybe_stored` is False only when the failure proves the service stored nothing (the connection was
    never made, a token step failed, a 401, a 429, a 503 with Retry-After: refused before the body was
    read); a time-out after the body left, a reset connection or another 5xx may hide a stored message.
    """

    def __init__(self, message: str, retry_after: float | None = None, *, maybe_stored: bool = True):
        super().__init__(message)
        self.retry_after = retry_after
        self.maybe_stored = maybe_stored


class EboxRejected(EboxError):
    """The service refused the request: sending it again unchanged will not help."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


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


def digest(data: bytes) -> str:
    """The attachment digest the service checks: base64url of the SHA-256, without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def content_disposition(name: str, filename: str) -> str:
    """A multipart part's Content-Disposition with the file name per RFC 6266 / RFC 5987: an ASCII
    `filename` every server reads, and `filename*` with the exact UTF-8 name when it is not plain ASCII."""
    fallback = "".join(
        char if char.isascii() and char.isprintable() and char not in '"\\' else "_" for char in filename
    )
    header = f'form-data; name="{name}"; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def multipart_body(message: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """The publishMessage body and its Content-Type: the `messageToPublish` JSON part, then each file
    part `name: (filename, data, media type)` with its name encoded as `content_disposition` says
    (requests would write the raw UTF-8 name, which RFC 7578 servers may misread)."""
    parts = [
        RequestField(
            "messageToPublish",
            json.dumps(message).encode(),
            headers={
                "Content-Disposition": 'form-data; name="messageToPublish"',
                "Content-Type": "application/json",
            },
        )
    ]
    for name, (filename, data, media_type) in files.items():
        parts.append(
            RequestField(
                name,
                data,
                headers={
                    "Content-Disposition": content_disposition(name, filename),
                    "Content-Type": media_type,
                },
            )
        )
    return encode_multipart_formdata(parts)


def _token_cache_key(credentials: auth.Credentials, scope: str) -> str:
    scope_digest = hashlib.sha256(scope.encode()).hexdigest()[:16]
    return f"ebox:token:{credentials.cache_name}:{scope_digest}"


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _json(response: requests.Response) -> dict | list:
    try:
        return response.json()
    except ValueError:
        return {}


def forget_token(credentials: auth.Credentials | None = None, scope: str | None = None) -> None:
    credentials = credentials or auth.platform_credentials()
    cache.delete(_token_cache_key(credentials, scope or settings.EBOX_SCOPE))


def access_token(
    session: requests.Session,
    *,
    credentials: auth.Credentials | None = None,
    scope: str | None = None,
    renew: bool = False,
) -> str:
    """A bearer token for `credentials` (the platform's by default) and `scope`, from the shared cache
    while it is still valid for at least TOKEN_MARGIN seconds, else asked for with a fresh signed
    assertion (private_key_jwt). Every worker shares the cache, so they share one token."""
    try:
        credentials = credentials or auth.platform_credentials()
    except auth.CredentialsError as exc:
        raise EboxRejected("invalid_client", str(exc)) from exc
    scope = scope or settings.EBOX_SCOPE
    key = _token_cache_key(credentials, scope)
    if not renew:
        token = cache.get(key)
        if token:
            return token
    assertion = auth.client_assertion(
        credentials, audience=settings.EBOX_TOKEN_AUDIENCE or settings.EBOX_TOKEN_URL
    )
    try:
        response = session.post(
            settings.EBOX_TOKEN_URL,
            data={
                "grant_type": "client_credentials",
                "client_id": credentials.client_id,
                "client_assertion_type": auth.ASSERTION_TYPE,
                "client_assertion": assertion,
                "scope": scope,
            },
            timeout=settings.EBOX_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise EboxTransientError(f"token: {exc.__class__.__name__}: {exc}", maybe_stored=False) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise EboxTransientError(
            f"token: HTTP {response.status_code}", _retry_after(response), maybe_stored=False
        )
    body = _json(response)
    if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
        error = body.get("error", "") if isinstance(body, dict) else ""
        description = body.get("error_description", "") if isinstance(body, dict) else ""
        raise EboxRejected(error or f"HTTP {response.status_code}", description or "token refused")
    token = body["access_token"]
    try:
        lifetime = int(body.get("expires_in") or 300) - TOKEN_MARGIN
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime > 0:
        cache.set(key, token, timeout=lifetime)
    return token


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


def never_connected(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the service: the connection was refused, timed out
    or its name did not resolve. A reset or a read time-out may come after the body was received."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.ReadTimeout):
        return False
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _refused_unread(response: requests.Response) -> bool:
    # A 429, or a 503 asking to come back later: the gateway turned the request away before reading it.
    return response.status_code == 429 or (response.status_code == 503 and _retry_after(response) is not None)


def _raise_for(response: requests.Response) -> None:
    status = response.status_code
    if status == 429 or status >= 500:
        raise EboxTransientError(
            f"HTTP {status}", _retry_after(response), maybe_stored=not _refused_unread(response)
        )
    if status >= 400:
        body = _json(response)
        body = body if isinstance(body, dict) else {}
        raise EboxRejected(str(body.get("code") or f"HTTP {status}"), str(body.get("message") or ""))


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
        body = _json(response)
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
    _raise_for(response)
    body = _json(response)
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
    _raise_for(response)
    body = _json(response)
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
    _raise_for(response)
    return _json(response)


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
    _raise_for(response)
    body = _json(response)
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
