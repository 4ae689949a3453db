"""Reads a `publishMessage` request into a `Publication`, refusing it as the real eBox does.

The messages and codes follow the eBox publisher FAQ word for word, since a sender's support staff
search for them. Checks run in the order the real service reports them: schema, languages, sender,
recipient, attachments, digests.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from django.conf import settings
from stdnum.be import bis, nn, vat

from . import errors
from .errors import ApiError, invalid

LANGUAGES = ("fr", "nl", "de")
PART_NAMES = tuple(f"upfile{number}" for number in range(1, 7))
REQUIRED_KEYS = ("recipient", "subject", "bodyMainContent", "replyAuthorized")
MAX_SUBJECT = 400
MAX_FILE_NAME = 255
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# The service's list (the `mediaType` enum of `Attachment` in the API document); PDF displays best.
MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "text/csv",
        "text/html",
        "text/plain",
        "text/xml",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.graphics",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
CITIZEN, ENTERPRISE = "citizen", "enterprise"


def max_attachment_bytes() -> int:
    """The size limit of one attachment (10 MB), read at request time so that a test may lower it."""
    return int(getattr(settings, "EBOX_SIMULATOR_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


@dataclass(frozen=True)
class UploadedPart:
    part_name: str
    file_name: str
    media_type: str
    data: bytes
    main_content: bool


@dataclass(frozen=True)
class Publication:
    # The citizen's NISS, or the enterprise's BCE number when `recipient_type` is "enterprise".
    recipient_niss: str
    subject: str
    language: str
    sender_organization_id: str
    sender_application_id: str
    message_type_id: str
    reply_authorized: bool
    body: str
    body_main_content: bool
    attachments: list[UploadedPart] = field(default_factory=list)
    recipient_type: str = CITIZEN


def _has_null(value) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        return any(_has_null(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_null(item) for item in value)
    return False


def _translated(value, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not set(value) <= set(LANGUAGES):
        raise invalid(f"Invalid Schema: {name} must be an object with keys among nl, fr, de")
    if any(not isinstance(text, str) for text in value.values()):
        raise invalid(f"Invalid Schema: {name} values must be strings")
    return {language: text for language, text in value.items() if text.strip()}


def _single_language(*translations: dict[str, str]) -> str:
    languages = {language for translation in translations for language in translation}
    if len(languages) > 1:
        raise ApiError(400, errors.NOT_IMPLEMENTED, "Multiple languages provided when only one expected")
    if not languages:
        raise invalid("Invalid Schema: subject has no text")
    return languages.pop()


def _document(raw: bytes | str) -> dict:
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise invalid(f"Invalid Schema: messageToPublish is not valid JSON ({error})") from error
    if not isinstance(document, dict):
        raise invalid("Invalid Schema: messageToPublish must be a JSON object")
    for key in REQUIRED_KEYS:
        if key not in document:
            raise invalid(f"Invalid Schema: required key [{key}] not found")
    if _has_null(document):
        raise invalid("Invalid Schema: null values are not accepted; leave the property out")
    for key in ("bodyMainContent", "replyAuthorized"):
        if not isinstance(document[key], bool):
            raise invalid(f"Invalid Schema: {key} must be a boolean")
    return document


def _sender(document: dict) -> str:
    sender = document.get("senderOrganizationId", "")
    if not (isinstance(sender, str) and len(sender) == 10 and sender[0] in "01" and sender.isdigit()):
        raise ApiError(400, errors.INVALID_SENDER, "Invalid message configuration")
    if not vat.is_valid(sender):
        raise ApiError(400, errors.INVALID_SENDER, f"{sender} is not a valid company")
    return sender


def _recipient(document: dict) -> tuple[str, str]:
    """(eboxType, eboxIdValue): a citizen's SSIN, or the BCE number of a company (the FAQ's message)."""
    recipient = document["recipient"]
    if not isinstance(recipient, dict) or recipient.get("eboxType") not in (CITIZEN, ENTERPRISE):
        raise invalid("Invalid Schema: recipient must have eboxType citizen or enterprise")
    value = recipient.get("eboxIdValue")
    if recipient["eboxType"] == ENTERPRISE:
        if not (isinstance(value, str) and len(value) == 10 and value.isdigit() and vat.is_valid(value)):
            raise invalid(f"{value} is not a valid company")
        return ENTERPRISE, value
    if not isinstance(value, str) or not (nn.is_valid(value) or bis.is_valid(value)):
        raise invalid(f"{value} is not a valid SSIN")
    return CITIZEN, value


def _unsupported(document: dict) -> None:
    """What the publisher's guide says the service does not do."""
    if "paymentData" in document:
        raise ApiError(400, errors.NOT_IMPLEMENTED, "Payment data is not supported")
    if document.get("registeredMail"):
        raise invalid("A registeredMail is only possible for the EPOST service")


def _digest_ok(digest, data: bytes) -> bool:
    if not isinstance(digest, dict) or digest.get("digestMethod", "").lower() != "sha_256":
        raise invalid("Invalid Schema: digest needs digestMethod sha_256 and a digestValue")
    expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    given = str(digest.get("digestValue", "")).rstrip("=")
    return hmac.compare_digest(expected, given)


def _attachments(document: dict, files) -> list[UploadedPart]:
    described = document.get("attachments", [])
    if not isinstance(described, list) or any(not isinstance(item, dict) for item in described):
        raise invalid("Invalid Schema: attachments must be an array of objects")
    if len(described) > len(PART_NAMES):
        raise invalid("At most 6 attachments are accepted")
    names = [item.get("httpPartName") for item in described]
    if any(not isinstance(item.get("mainContent"), bool) for item in described):
        raise invalid("Invalid Schema: required key [mainContent] not found")
    if len(set(names)) != len(names):
        raise invalid("Some json attachment info share the same httpPartName")
    if len(files) != len(described):
        raise invalid("Json Attachments number is inconsistent with number of parts")
    if any(name not in files for name in names):
        raise invalid("Some json attachment info do not match any file upload part")
    limit = max_attachment_bytes()
    parts = []
    for item in described:
        upload = files[item["httpPartName"]]
        media_type = (upload.content_type or "").split(";")[0].strip().lower()
        if not media_type or not upload.name:
            raise invalid("Missing mediaType or fileName in part")
        if media_type not in MEDIA_TYPES:
            raise invalid("Attachment mime type is not valid. See spec for list of available mime types")
        if len(upload.name) > MAX_FILE_NAME:
            raise invalid(f"File name is longer than {MAX_FILE_NAME} characters")
        if upload.size > limit:
            raise invalid(f"Attachment size exceeds the maximum allowed size of {limit // (1024 * 1024)} MB")
        data = upload.read()
        if "digest" in item and not _digest_ok(item["digest"], data):
            raise ApiError(400, errors.DIGEST_DO_NOT_MATCH, "Issue with Digest")
        parts.append(UploadedPart(item["httpPartName"], upload.name, media_type, data, item["mainContent"]))
    return parts


def _main_content(document: dict, parts: list[UploadedPart], body: dict[str, str]) -> None:
    mains = sum(part.main_content for part in parts) + int(document["bodyMainContent"])
    if mains == 0:
        raise invalid("No main content attachment. Exactly one is expected")
    if mains > 1:
        raise invalid("Too many main content. Exactly one is expected")
    if document["bodyMainContent"] and not body:
        raise invalid("bodyMainContent is true but there is no bodyContent")


def publication_parse(raw_message: bytes | str, files) -> Publication:
    """The publication a request describes; raises ApiError (400) with the real service's code."""
    document = _document(raw_message)
    subject = _translated(document["subject"], "subject")
    body = _translated(document.get("bodyContent", {}), "bodyContent")
    language = _single_language(subject, body)
    if language not in subject:
        raise invalid("Invalid Schema: subject has no text")
    if len(subject[language]) > MAX_SUBJECT:
        raise invalid(f"Subject is longer than {MAX_SUBJECT} characters")
    _unsupported(document)
    sender = _sender(document)
    recipient_type, recipient = _recipient(document)
    parts = _attachments(document, files)
    _main_content(document, parts, body)
    for key in ("messageTypeId", "senderApplicationId"):
        if not isinstance(document.get(key, ""), str):
            raise invalid(f"Invalid Schema: {key} must be a string")
    return Publication(
        recipient_niss=recipient,
        recipient_type=recipient_type,
        subject=subject[language],
        language=language,
        sender_organization_id=sender,
        sender_application_id=document.get("senderApplicationId", ""),
        message_type_id=document.get("messageTypeId", ""),
        reply_authorized=document["replyAuthorized"],
        body=body.get(language, ""),
        body_main_content=document["bodyMainContent"],
        attachments=parts,
    )
