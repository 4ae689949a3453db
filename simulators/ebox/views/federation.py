"""The federation API 1.3 (subset): `POST /eboxPreferences/search`, whether recipients have an eBox.
Held to the project's document `ebox-federation-1.3.yaml` as the REST API is to its own (`operation`).

A citizen has an eBox once they activated it in My eBox (and until they deactivate it): the answer lists
only those; when none of the asked ones has one, the service answers 404 « Ebox not found ». An
enterprise has one once it was first addressed here.
"""

import json
from datetime import UTC

from django.http import HttpRequest, JsonResponse
from stdnum.be import bis, nn

from .. import contract, errors, services
from ..models import Citizen, EnterpriseBox, Message
from . import oauth
from .api import operation

# The box types and identifier types the federation names (its example: ENTERPRISE / EnterpriseNumber).
ID_TYPES = {"CITIZEN": "SSIN", "ENTERPRISE": "EnterpriseNumber"}
MAX_IDS = 100


def _timestamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _query(raw: bytes) -> tuple[str, list[str]]:
    """What the document can not say: which box and identifier types go together, how many identifiers
    one call may carry, and that each is a valid SSIN or BCE number (the document already checked the
    shape: an object with the three properties, strings in a list)."""
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise errors.invalid("Invalid Schema: the body must be an EboxIdSameTypeList")
    ebox_type, id_type, values = body["eboxType"], body["eboxIdType"], body["eboxIdValueList"]
    if ebox_type not in ID_TYPES or id_type != ID_TYPES.get(ebox_type):
        raise errors.invalid(
            "Invalid Schema: eboxType/eboxIdType must be CITIZEN/SSIN or ENTERPRISE/EnterpriseNumber"
        )
    if not isinstance(values, list) or not 1 <= len(values) <= MAX_IDS:
        raise errors.invalid(f"Invalid Schema: eboxIdValueList must hold 1 to {MAX_IDS} values")
    if not all(isinstance(value, str) for value in values):
        raise errors.invalid("Invalid Schema: eboxIdValueList holds strings")
    for value in values:
        valid = (
            (nn.is_valid(value) or bis.is_valid(value))
            if ebox_type == "CITIZEN"
            else services.bce_clean(value) == value
        )
        if not valid:
            raise errors.invalid(f"{value[:20]!r} is not a valid {id_type}")
    return ebox_type, values


def _citizens(values: list[str]) -> list[dict]:
    found = []
    for citizen in Citizen.objects.filter(niss__in=values, activated=True).order_by("niss"):
        messages = Message.objects.filter(recipient_niss=citizen.niss, delivered=True)
        preferences = {
            "eboxId": {"eboxType": "CITIZEN", "eboxIdValue": citizen.niss},
            "exclusivelyEbox": False,
            "totalNumberOfMessages": messages.count(),
            "totalNumberOfUnreadMessages": messages.filter(read_at__isnull=True).count(),
        }
        if citizen.activated_at:
            preferences["lastConnectionDate"] = _timestamp(citizen.activated_at)
        found.append(preferences)
    return found


def _enterprises(values: list[str]) -> list[dict]:
    return [
        {
            "eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": box.bce},
            "exclusivelyEbox": False,
            "totalNumberOfMessages": box.messages.count(),
            "totalNumberOfUnreadMessages": box.messages.filter(read_at__isnull=True).count(),
        }
        for box in EnterpriseBox.objects.filter(bce__in=values).order_by("bce")
    ]


@operation(scopes=(oauth.FEDERATION_SCOPE_SUFFIX,), document=contract.FEDERATION)
def preferences_search(request: HttpRequest, client, body: bytes, current) -> JsonResponse:
    ebox_type, values = _query(body)
    found = _citizens(values) if ebox_type == "CITIZEN" else _enterprises(values)
    if not found:
        raise errors.ApiError(404, errors.NOT_FOUND, "Ebox not found")
    return JsonResponse(found, safe=False)
