"""The RetrieveTIGroups service (« Tx25 »): a person's national-register record, with its history.

`answer(body)` takes the SOAP request's body element and returns the SOAP body to send back: a
`retrieveTIGroupsResponse`, or a `retrieveTIGroupsFault` for a request its schema refuses. As the real
service does, it answers only for a person the caller's organisation has integrated in the directory of
references on the day (ManageAccess); for anyone else the status is NO_RESULT.

Status codes: MSG00000 (« Treatment completed successfully. ») and MSG00008 (« A validation error
occurred. ») are those of the published samples. No public document gives the code of a person not
integrated for the organisation nor of an SSIN unknown to the register: the simulator answers them with
MSG00012 and MSG00010, its own, documented here and in the simulator's README.
"""

import uuid
from datetime import date

from django.utils import timezone
from lxml import etree
from stdnum.be import bis, nn

from . import schemas
from .history import Record, person_record
from .models import CivilState, RegisteredPerson
from .search import person_by_ssin
from .selectors import is_integrated

NS_INTF = "http://kszbcss.fgov.be/intf/RetrieveTIGroupsService/v2"
NS_RN = "http://www.ibz.rrn.fgov.be/XSD/xm25/rn25Schema"
AUTHOR = "http://www.ksz-bcss.fgov.be"

FOUND = ("DATA_FOUND", "MSG00000", "Treatment completed successfully.")
INVALID = ("NO_RESULT", "MSG00008", "A validation error occurred.")
UNKNOWN = ("NO_DATA_FOUND", "MSG00010", "No person is known in the National Register with this SSIN.")
NOT_INTEGRATED = (
    "NO_RESULT",
    "MSG00012",
    "The person is not integrated in the directory of references for your organisation.",
)
CIVIL_STATE_LABELS = {state.value: str(state.label) for state in CivilState}
NATIONALITY_LABELS = {
    150: "Belge", 103: "Allemande", 109: "Espagnole", 111: "Française", 122: "Polonaise", 123: "Portugaise",
    124: "Roumaine", 128: "Italienne", 129: "Néerlandaise", 251: "Afghane", 261: "Syrienne", 262: "Turque",
    306: "Congolaise (RDC)", 354: "Marocaine",
}  # fmt: skip
# FamilyRole: the person of reference (head of the household), a spouse or a legal cohabitant.
HEAD, SPOUSE, COHABITANT = ("01", "Personne de référence"), ("02", "Conjoint"), ("03", "Cohabitant légal")


class RequestRefused(Exception):
    """The request does not conform to its schema: answered with a retrieveTIGroupsFault."""


def _sub(parent, name, text=None, ns=None):
    element = etree.SubElement(parent, f"{{{ns}}}{name}" if ns else name)
    if text is not None:
        element.text = str(text)
    return element


def _r(parent, name, text=None):
    return _sub(parent, name, text, NS_RN)


def _date(parent, name: str, value: date) -> None:
    element = _r(parent, name)
    _r(element, "Century", f"{value.year // 100:02d}")
    _r(element, "Year", f"{value.year % 100:02d}")
    _r(element, "Month", f"{value.month:02d}")
    _r(element, "Day", f"{value.day:02d}")


def _item(parent, name: str, code: str, period) -> etree._Element:
    element = _r(parent, name)
    element.set("Type", code)
    _date(element, "Date", period.start)
    if period.end is not None:
        _date(element, "DelDate", period.end)
    return element


def _code_label(parent, name: str, code, label) -> None:
    element = _r(parent, name)
    _r(element, "Code", code)
    _r(element, "Label", label)


def _name(parent, person: RegisteredPerson | None) -> None:
    if person is None:
        return
    name = _r(parent, "Name")
    last = _r(name, "LastName")
    _r(last, "Code", f"{int(person.niss) % 10**8:08d}")
    _r(last, "Label", person.last_name.upper())
    if person.first_names:
        first = _r(name, "FirstName")
        _r(first, "Label", person.first_names)


def _number(parent, name: str, niss: str) -> None:
    _r(_r(parent, name), "NationalNumber", niss)


def _file(parent: etree._Element, record: Record, persons: dict[str, RegisteredPerson]) -> None:
    person = record.person
    data = _sub(parent, "rrn_it_implicit")
    identification = _r(_r(data, "NationalNumber"), "NationalNumber")
    identification.getparent().set("Type", "000")
    _r(identification, "NationalNumber", person.niss)
    _date(identification, "Date", person.birth_date_low)
    _r(identification, "Sex", person.gender if person.gender in (1, 2) else 1)
    if record.addresses:
        owner = _r(data, "FileOwner")
        for period in record.addresses:
            residence = _item(owner, "Residences", "001", period)
            _code_label(residence, "Residence", period.data["municipality_code"], period.data["municipality"])
            _r(residence, "Fusion", "0")
            _r(residence, "Language", "1")
        addresses = _r(data, "LegalMainAddresses")
        for period in record.addresses:
            address = _r(_item(addresses, "LegalMainAddress", "020", period), "Address")
            _r(address, "ZipCode", period.data["postal_code"])
            _r(_r(address, "Street"), "Graphic", period.data["street"])
            _r(address, "HouseNumber", period.data["house_number"] or "0")
            if period.data.get("box"):
                _r(address, "Box", period.data["box"])
    nationalities = _r(data, "Nationalities")
    for period in record.nationalities:
        code = int(period.data["code"])
        _code_label(
            _item(nationalities, "Nationality", "031", period),
            "Nationality",
            code,
            NATIONALITY_LABELS.get(code, str(code)),
        )
    civil_states = _r(data, "CivilStates")
    for period in record.civil_states:
        element = _item(civil_states, "CivilState", "120", period)
        code = int(period.data["code"])
        _code_label(element, "CivilState", code, CIVIL_STATE_LABELS.get(code, str(code)))
        partner = period.data.get("partner")
        if partner:
            spouse = _r(element, "Spouse")
            _number(spouse, "NationalNumber", partner)
            _name(spouse, persons.get(partner))
    _household(data, record, persons)
    if record.decease is not None:
        decease = _item(_r(data, "Deceases"), "Decease", "150", _Day(record.decease))
        body = _r(decease, "Decease")
        _r(body, "ActNumber", f"{record.decease.year}/{int(person.niss) % 997:03d}")
        place = _r(body, "Place1")
        _r(place, "Code", person.municipality_code or "00000")


class _Day:
    def __init__(self, day: date):
        self.start, self.end = day, None


def _household(data, record: Record, persons: dict[str, RegisteredPerson]) -> None:
    person = record.person
    members = _r(data, "FamilyMembers")
    headed = []
    for period in record.household:
        head = period.data["head"]
        element = _item(members, "FamilyMember", "140", period)
        if head == person.niss:
            element.set("Structure", "A1")
            _code_label(element, "FamilyRole", *HEAD)
            headed.append(period)
        else:
            element.set("Structure", "B1")
            _code_label(element, "FamilyRole", *(SPOUSE if person.civil_state == 20 else COHABITANT))
            _number(element, "NationalNumber", head)
            _name(element, persons.get(head))
    others = [(period, m) for period in headed for m in period.data["members"] if m != person.niss]
    if others:  # a person living alone heads a household with no other member: no group at all
        heads = _r(data, "HeadOfFamily")
        for period, member in others:
            element = _item(heads, "HeadOfFamily", "141", period)
            partner = persons.get(member)
            married = partner is not None and partner.civil_state == 20
            _code_label(element, "FamilyRole", *(SPOUSE if married else COHABITANT))
            _number(element, "NationalNumber", member)
            _name(element, partner)


def _related(record: Record) -> dict[str, RegisteredPerson]:
    nisses = {p.data.get("partner") for p in record.civil_states} | {
        niss for p in record.household for niss in [p.data["head"], *p.data["members"]]
    }
    nisses.discard(None)
    nisses.discard("")
    nisses.discard(record.person.niss)
    return {p.niss: p for p in RegisteredPerson.objects.filter(niss__in=nisses)}


def _information_cbss(parent, received) -> None:
    information = _sub(parent, "informationCBSS")
    _sub(information, "ticketCBSS", str(uuid.uuid4()))
    _sub(information, "timestampReceive", received.isoformat())
    _sub(information, "timestampReply", timezone.now().isoformat())


def _status(parent, status: tuple[str, str, str], ssin: str = "") -> None:
    element = _sub(parent, "status")
    value, code, description = status
    _sub(element, "value", value)
    _sub(element, "code", code)
    _sub(element, "description", description)
    if status not in (FOUND,) and ssin:
        information = _sub(element, "information")
        _sub(information, "fieldName", "ssin")
        _sub(information, "fieldValue", ssin)


def fault(request: etree._Element | None, complaint: str, received) -> etree._Element:
    """The retrieveTIGroupsFault for a request its schema refuses (the SOAP Fault's detail)."""
    element = etree.Element(f"{{{NS_INTF}}}retrieveTIGroupsFault", nsmap={"v2": NS_INTF})
    customer = request.find("informationCustomer") if request is not None else None
    if customer is not None and not schemas.tigroups_errors(_wrapped_customer(customer)):
        element.append(_copy(customer))
    _information_cbss(element, received)
    detail = _sub(element, "detail")
    _sub(detail, "severity", "FATAL")
    _sub(detail, "reasonCode", INVALID[1])
    _sub(detail, "diagnostic", INVALID[2])
    _sub(detail, "authorCode", AUTHOR)
    information = _sub(detail, "information")
    _sub(information, "fieldName", "request")
    _sub(information, "fieldValue", complaint[:256])
    return element


def _wrapped_customer(customer):
    """A fault holding only this informationCustomer, to check it before it is echoed."""
    probe = etree.Element(f"{{{NS_INTF}}}retrieveTIGroupsFault")
    probe.append(_copy(customer))
    cbss = _sub(probe, "informationCBSS")
    _sub(cbss, "ticketCBSS", str(uuid.UUID(int=0)))
    _sub(cbss, "timestampReceive", "2000-01-01T00:00:00Z")
    _sub(cbss, "timestampReply", "2000-01-01T00:00:00Z")
    detail = _sub(probe, "detail")
    for name, text in (("severity", "FATAL"), ("reasonCode", "X"), ("diagnostic", "X"), ("authorCode", "X")):
        _sub(detail, name, text)
    return probe


def _copy(element):
    return etree.fromstring(etree.tostring(element))


def answer(request: etree._Element, *, received=None, today: date | None = None) -> etree._Element:
    """The retrieveTIGroupsResponse for a retrieveTIGroupsRequest; `RequestRefused` if it is invalid."""
    received = received or timezone.now()
    complaint = schemas.tigroups_errors(request)
    if complaint:
        raise RequestRefused(complaint)
    search = request.find("searchInformation")
    ssin = search.findtext("ssin").strip()
    history = (search.findtext("history") or "false").strip() in ("true", "1")
    organisation = request.findtext("informationCustomer/customerIdentification/cbeNumber") or ""
    response = etree.Element(f"{{{NS_INTF}}}retrieveTIGroupsResponse", nsmap={"v2": NS_INTF})
    response.append(_copy(request.find("informationCustomer")))
    _information_cbss(response, received)
    _sub(response, "legalContext", request.findtext("legalContext"))
    response.append(_copy(search))
    person = None
    if not (nn.is_valid(ssin) or bis.is_valid(ssin)):
        status = INVALID
    elif not is_integrated(organisation=organisation, ssin=ssin, on=today or timezone.localdate()):
        status = NOT_INTEGRATED
    else:
        person = person_by_ssin(ssin)
        status = FOUND if person is not None else UNKNOWN
    _status(response, status, ssin)
    if person is not None:
        record = person_record(person)
        if not history:
            record = _current_only(record)
        _file(response, record, _related(record))
    return response


def _current_only(record: Record) -> Record:
    """Without `history`, each group gives only the period in force."""
    return Record(
        person=record.person,
        addresses=record.addresses[-1:],
        civil_states=record.civil_states[-1:],
        household=record.household[-1:],
        nationalities=record.nationalities[-1:],
        decease=record.decease,
    )
