"""The BCSS RetrieveTIGroups client (« Tx25 »): a person's national-register record with its history.

A document/literal SOAP service of its own (not the SSDN connector): the request and the response are
the `retrieveTIGroupsRequest` and `retrieveTIGroupsResponse` of the service's WSDL, the record inside
the National Register's own schema (rn25). No database access: callers get a `FullRecord`, or
`bcss.BcssUnavailable` when the service cannot answer, or `RecordRefused` for a SOAP fault.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

import requests
from django.conf import settings
from django.utils import timezone
from lxml import etree

from . import bcss

NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_INTF = "http://kszbcss.fgov.be/intf/RetrieveTIGroupsService/v2"
NS_RN = "http://www.ibz.rrn.fgov.be/XSD/xm25/rn25Schema"
SOAP_ACTION = "http://kszbcss.fgov.be/RetrieveTIGroupsService/retrieveTI"
# The legal context a CPAS consults the register in (a social inquiry).
LEGAL_CONTEXT = "PCSA:SOCIAL_INQUIRY"
_R = {"r": NS_RN}


class RecordRefused(Exception):
    """The service answered a SOAP fault (a request it refuses): `code` and `diagnostic` say why."""

    def __init__(self, code: str, diagnostic: str):
        super().__init__(f"{code} {diagnostic}".strip())
        self.code, self.diagnostic = code, diagnostic


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None


@dataclass(frozen=True)
class AddressPeriod(Period):
    street: str = ""
    house_number: str = ""
    box: str = ""
    postal_code: str = ""
    municipality: str = ""


@dataclass(frozen=True)
class CivilStatePeriod(Period):
    code: str = ""
    partner_niss: str = ""
    partner_name: str = ""


@dataclass(frozen=True)
class NationalityPeriod(Period):
    code: str = ""
    label: str = ""


@dataclass(frozen=True)
class HouseholdMember(Period):
    role: str = ""
    niss: str = ""
    name: str = ""


@dataclass(frozen=True)
class FullRecord:
    status: str  # DATA_FOUND, NO_DATA_FOUND or NO_RESULT
    code: str
    description: str
    ticket: str = ""
    addresses: tuple[AddressPeriod, ...] = ()
    civil_states: tuple[CivilStatePeriod, ...] = ()
    nationalities: tuple[NationalityPeriod, ...] = ()
    household: tuple[HouseholdMember, ...] = field(default=())
    head_of_household: bool = False
    decease_date: date | None = None

    @property
    def found(self) -> bool:
        return self.status == "DATA_FOUND"


def _sub(parent, name, text=None):
    element = etree.SubElement(parent, name)
    if text is not None:
        element.text = text
    return element


def request_envelope(*, ssin: str, bce_number: str, language: str = "fr", history: bool = True) -> bytes:
    envelope = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soapenv": NS_SOAP})
    body = etree.SubElement(envelope, f"{{{NS_SOAP}}}Body")
    request = etree.SubElement(body, f"{{{NS_INTF}}}retrieveTIGroupsRequest", nsmap={"v2": NS_INTF})
    customer = _sub(request, "informationCustomer")
    _sub(customer, "ticket", str(uuid.uuid4()))
    _sub(customer, "timestampSent", timezone.now().isoformat())
    _sub(_sub(customer, "customerIdentification"), "cbeNumber", bce_number)
    _sub(request, "legalContext", LEGAL_CONTEXT)
    search = _sub(request, "searchInformation")
    _sub(search, "ssin", ssin)
    _sub(search, "language", language if language in ("fr", "nl", "de") else "fr")
    _sub(search, "history", "true" if history else "false")
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def retrieve(*, ssin: str, bce_number: str, language: str = "fr", history: bool = True) -> FullRecord:
    """The person's record as the register gives it to the centre `bce_number`."""
    envelope = request_envelope(ssin=ssin, bce_number=bce_number, language=language, history=history)
    try:
        response = bcss.build_session().post(
            settings.BCSS_TI_GROUPS_URL,
            data=envelope,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION}"'},
            timeout=settings.BCSS_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise bcss.BcssUnavailable(str(exc)) from exc
    return parse_response(response.content, status=response.status_code)


def parse_response(content: bytes, *, status: int = 200) -> FullRecord:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        envelope = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise bcss.BcssUnavailable(f"unreadable reply ({status}): {exc}") from exc
    body = envelope.find(f"{{{NS_SOAP}}}Body")
    payload = (
        next((child for child in body if isinstance(child.tag, str)), None) if body is not None else None
    )
    if payload is None:
        raise bcss.BcssUnavailable(f"reply without a body ({status})")
    if payload.tag == f"{{{NS_SOAP}}}Fault":
        detail = payload.find(f"detail/{{{NS_INTF}}}retrieveTIGroupsFault/detail")
        if detail is None or (payload.findtext("faultcode") or "").endswith("Server"):
            raise bcss.BcssUnavailable(payload.findtext("faultstring") or f"SOAP fault ({status})")
        raise RecordRefused(detail.findtext("reasonCode") or "", detail.findtext("diagnostic") or "")
    if payload.tag != f"{{{NS_INTF}}}retrieveTIGroupsResponse" or status != 200:
        raise bcss.BcssUnavailable(f"unexpected reply {payload.tag} ({status})")
    record = payload.find("rrn_it_implicit")
    values = {
        "status": payload.findtext("status/value") or "",
        "code": payload.findtext("status/code") or "",
        "description": payload.findtext("status/description") or "",
        "ticket": payload.findtext("informationCBSS/ticketCBSS") or "",
    }
    if record is None:
        return FullRecord(**values)
    return FullRecord(**values, **_record(record))


def _date(element) -> date | None:
    if element is None:
        return None
    parts = [element.findtext(f"r:{name}", "", _R) for name in ("Century", "Year", "Month", "Day")]
    try:
        return date(int(parts[0] + parts[1]), int(parts[2] or 1), int(parts[3] or 1))
    except ValueError:
        return None


def _period(element) -> dict:
    return {"start": _date(element.find("r:Date", _R)), "end": _date(element.find("r:DelDate", _R))}


def _name(element) -> str:
    name = element.find("r:Name", _R) if element is not None else None
    if name is None:
        return ""
    last = " ".join(n.findtext("r:Label", "", _R) for n in name.findall("r:LastName", _R))
    first = " ".join(n.findtext("r:Label", "", _R) for n in name.findall("r:FirstName", _R))
    return f"{last} {first}".strip()


def _record(record) -> dict:
    municipalities = [
        (_period(item), item.findtext("r:Residence/r:Label", "", _R))
        for item in record.findall("r:FileOwner/r:Residences", _R)
    ]

    def municipality_on(start):
        found = [
            name for period, name in municipalities if period["start"] and start and period["start"] <= start
        ]
        return found[-1] if found else ""

    addresses = tuple(
        AddressPeriod(
            **_period(item),
            street=item.findtext("r:Address/r:Street/r:Graphic", "", _R)
            or item.findtext("r:Address/r:Street/r:Label", "", _R),
            house_number=item.findtext("r:Address/r:HouseNumber", "", _R),
            box=item.findtext("r:Address/r:Box", "", _R),
            postal_code=item.findtext("r:Address/r:ZipCode", "", _R),
            municipality=municipality_on(_date(item.find("r:Date", _R))),
        )
        for item in record.findall("r:LegalMainAddresses/r:LegalMainAddress", _R)
    )
    civil_states = tuple(
        CivilStatePeriod(
            **_period(item),
            code=item.findtext("r:CivilState/r:Code", "", _R),
            partner_niss=item.findtext("r:Spouse/r:NationalNumber/r:NationalNumber", "", _R),
            partner_name=_name(item.find("r:Spouse", _R)),
        )
        for item in record.findall("r:CivilStates/r:CivilState", _R)
    )
    nationalities = tuple(
        NationalityPeriod(
            **_period(item),
            code=item.findtext("r:Nationality/r:Code", "", _R),
            label=item.findtext("r:Nationality/r:Label", "", _R),
        )
        for item in record.findall("r:Nationalities/r:Nationality", _R)
    )
    members = record.findall("r:FamilyMembers/r:FamilyMember", _R)
    current = members[-1] if members else None
    head = current is not None and current.find("r:NationalNumber", _R) is None
    if head:
        household = tuple(
            HouseholdMember(
                **_period(item),
                role=item.findtext("r:FamilyRole/r:Label", "", _R),
                niss=item.findtext("r:NationalNumber/r:NationalNumber", "", _R),
                name=_name(item),
            )
            for item in record.findall("r:HeadOfFamily/r:HeadOfFamily", _R)
        )
    else:
        household = tuple(
            HouseholdMember(
                **_period(item),
                role=item.findtext("r:FamilyRole/r:Label", "", _R),
                niss=item.findtext("r:NationalNumber/r:NationalNumber", "", _R),
                name=_name(item),
            )
            for item in members
        )
    decease = record.find("r:Deceases/r:Decease", _R)
    return {
        "addresses": addresses,
        "civil_states": civil_states,
        "nationalities": nationalities,
        "household": household,
        "head_of_household": head,
        "decease_date": _date(decease.find("r:Date", _R)) if decease is not None else None,
    }
