"""The mutation pull service: a GetMutationsRequest string in, a GetMutationsReply string out.

It stands in for the BCSS mutation flow (see schemas/Mutations/MutationPull.xsd): a centre (its BCE
number) receives the mutations of the persons it has integrated, those whose date falls within one of
its integration periods for that person, recorded after its cursor, oldest first, at most MaxResults at
a time. The same request gives the same page: the cursor only moves when the centre asks from the next
one. A request its schema refuses gets Status REFUSED with the schema's complaint. Every reply is
validated before it leaves.
"""

from datetime import datetime
from functools import cache

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from lxml import etree

from . import schemas
from .models import Integration, MutationKind, RegisterMutation

NS = "urn:be:primaweb:bcss:mutations:v1"
_Q = {"m": NS}


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schemas.DIRECTORY / "Mutations" / "MutationPull.xsd")))


def errors(element: etree._Element) -> str:
    """The schema's first complaint about a GetMutationsRequest or GetMutationsReply, "" when valid."""
    if schema().validate(element):
        return ""
    error = schema().error_log.last_error
    return f"line {error.line}: {error.message}" if error else "invalid"


class InvalidReply(Exception):
    """The simulator built a reply its own schema refuses: a bug, never sent as is."""


def _integrated_at_date(organisation: str):
    covering = Integration.objects.filter(
        organisation=organisation, ssin=OuterRef("ssin"), start_date__lte=OuterRef("occurred_on")
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("occurred_on")))
    return Exists(covering)


def mutations_for(*, organisation: str, cursor: int, kinds: list[str], limit: int) -> list[RegisterMutation]:
    """The next `limit` mutations after `cursor` that `organisation` is entitled to, oldest first."""
    return list(
        RegisterMutation.objects.filter(pk__gt=cursor, kind__in=kinds)
        .filter(_integrated_at_date(organisation))
        .order_by("pk")[:limit]
    )


def _add(parent: etree._Element, name: str, text=None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = str(text)
    return element


def _content(element: etree._Element, mutation: RegisterMutation) -> None:
    data = mutation.data or {}
    if mutation.kind == MutationKind.MOVE:
        address = _add(element, "Address")
        _add(address, "Street", data["street"])
        _add(address, "HouseNumber", data["house_number"])
        if data.get("box"):
            _add(address, "Box", data["box"])
        _add(address, "PostalCode", data["postal_code"])
        _add(address, "MunicipalityCode", data["municipality_code"])
        _add(address, "Municipality", data["municipality"])
    elif mutation.kind == MutationKind.DEATH:
        _add(element, "Decease")
    elif mutation.kind in (MutationKind.MARRIAGE, MutationKind.DIVORCE):
        civil = _add(element, "CivilState")
        _add(civil, "Code", data["civil_state"])
        if data.get("partner"):
            _add(civil, "PartnerSSIN", data["partner"])
    elif mutation.kind == MutationKind.BIRTH:
        child = _add(element, "Child")
        _add(child, "SSIN", data["child"])
        _add(child, "LastName", data["last_name"])
        _add(child, "FirstName", data["first_name"])
    else:
        _add(_add(element, "Nationality"), "Code", data["nationality"])


def _stamp(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def reply(*, mutations: list[RegisterMutation], cursor: int, more: bool, refusal: str = "") -> etree._Element:
    root = etree.Element(f"{{{NS}}}GetMutationsReply", nsmap={None: NS})
    status = _add(root, "Status")
    _add(status, "Code", "REFUSED" if refusal else "OK")
    if refusal:
        _add(status, "Reason", refusal)
    _add(root, "NextCursor", mutations[-1].pk if mutations else cursor)
    _add(root, "More", "true" if more else "false")
    for mutation in mutations:
        element = _add(root, "Mutation")
        _add(element, "Id", mutation.pk)
        _add(element, "SSIN", mutation.ssin)
        _add(element, "Type", mutation.kind)
        _add(element, "Date", mutation.occurred_on.isoformat())
        _add(element, "RecordedAt", _stamp(mutation.recorded_at))
        _content(element, mutation)
    return root


def _serialise(root: etree._Element) -> str:
    complaint = errors(root)
    if complaint:
        raise InvalidReply(complaint)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode")


def answer(request_xml: str) -> str:
    """The serialized GetMutationsReply for a serialized GetMutationsRequest; never raises for a bad
    request (REFUSED with the reason). Raises InvalidReply for a reply the schema refuses."""
    try:
        request = schemas.parse_untrusted(request_xml.encode())
    except (etree.XMLSyntaxError, ValueError) as exc:
        return _serialise(reply(mutations=[], cursor=0, more=False, refusal=f"not well-formed: {exc}"))
    complaint = (
        errors(request)
        if request.tag == f"{{{NS}}}GetMutationsRequest"
        else f"the root element is {request.tag}, not GetMutationsRequest"
    )
    if complaint:
        return _serialise(reply(mutations=[], cursor=0, more=False, refusal=complaint))
    organisation = request.findtext("m:Organisation", "", _Q).strip()
    cursor = int(request.findtext("m:Cursor", "0", _Q))
    limit = int(request.findtext("m:MaxResults", "100", _Q))
    kinds = [element.text.strip() for element in request.findall("m:MutationTypes/m:Type", _Q)] or list(
        MutationKind.values
    )
    found = mutations_for(organisation=organisation, cursor=cursor, kinds=kinds, limit=limit + 1)
    return _serialise(reply(mutations=found[:limit], cursor=cursor, more=len(found) > limit))
