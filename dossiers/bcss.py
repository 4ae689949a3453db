"""The BCSS IdentifyPerson client: SSDN envelopes over the SOAP web service connector, through zeep.

No database access: callers get plain dataclasses, or a `BcssUnavailable` when the service cannot be
reached or answers something that is not an SSDN reply. The service's own refusals (reason codes) come
back in `IdentifyReply.details` for the caller to explain.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from lxml import etree
from stdnum.be import bis, nn, vat
from zeep import Client, Settings
from zeep.exceptions import Error as ZeepError
from zeep.transports import Transport

WSDL = Path(__file__).resolve().parent / "bcss_wsdl" / "WebServiceConnector.wsdl"
BINDING = "{http://ksz-bcss.fgov.be/connectors/WebServiceConnector}KSZBCSSWebServiceConnectorBinding"
NS_SERVICE = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Service"
NS_COMMON = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Common"
NS_IPR = "http://www.ksz-bcss.fgov.be/XSD/SSDN/OCMW_CPAS/IdentifyPerson"
SERVICE_ID = "OCMWCPASIdentifyPerson"
SERVICE_VERSION = "20050930"
# Sector 17, sub-sector 1: the CPAS.
MATRIX_ID, MATRIX_SUB_ID = "17", "1"


class BcssUnavailable(Exception):
    """The BCSS could not be reached, timed out, or answered something unreadable."""


class InvalidCaller(ValueError):
    """The AuthorizedUser would be refused by the BCSS's schema; nothing is sent.

    `problems` names what is missing or wrong: "niss", "email" and/or "bce".
    """

    def __init__(self, problems: tuple[str, ...]):
        super().__init__(f"invalid BCSS caller: {', '.join(problems)}")
        self.problems = problems


# AuthorizedUser/Email is t_EmailAddress: at most 100 characters, whitespace collapsed, pattern `.+@.+`
# (in XML Schema `.` is any character but a line end).
EMAIL_MAX_LENGTH = 100
_EMAIL_PATTERN = re.compile(r"[^\r\n]+@[^\r\n]+")


def _valid_ssin(value: str) -> bool:
    # UserID is t_SSIN: eleven digits; a real person's (or a program's) national or BIS number.
    return len(value) == 11 and value.isdigit() and (nn.is_valid(value) or bis.is_valid(value))


def _valid_email(value: str) -> bool:
    if not value or len(value) > EMAIL_MAX_LENGTH or not _EMAIL_PATTERN.fullmatch(value):
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def caller_problems(*, user_niss: str, email: str, bce_number: str) -> tuple[str, ...]:
    """What would make the AuthorizedUser invalid: "niss", "email", "bce"; empty when it is fine."""
    problems = []
    if not _valid_ssin(user_niss or ""):
        problems.append("niss")
    if not _valid_email(email or ""):
        problems.append("email")
    if not (bce_number and bce_number.isdigit() and vat.is_valid(bce_number)):
        problems.append("bce")
    return tuple(problems)


@dataclass(frozen=True)
class Caller:
    """Who asks: the envelope's AuthorizedUser. Only a valid one can be built (`InvalidCaller`): the BCSS
    refuses an empty e-mail or a made-up NISS such as 00000000000."""

    user_niss: str
    email: str
    bce_number: str

    def __post_init__(self):
        problems = caller_problems(user_niss=self.user_niss, email=self.email, bce_number=self.bce_number)
        if problems:
            raise InvalidCaller(problems)


@dataclass(frozen=True)
class Address:
    country_code: str = ""
    municipality_code: str = ""
    municipality: str = ""
    postal_code: str = ""
    street: str = ""
    house_number: str = ""
    box: str = ""
    plain_text: str = ""


@dataclass(frozen=True)
class IdentifiedPerson:
    niss: str
    last_name: str
    first_name: str = ""
    middle_name: str = ""
    birth_date: str = ""  # yyyy-mm-dd, possibly with 00 for an unknown month or day
    gender: str = ""  # "0" unknown, "1" male, "2" female
    address: Address = field(default_factory=Address)
    origin: str = ""
    civil_state: str = ""
    birth_place_code: str = ""
    birth_place: str = ""
    decease_date: str = ""
    register: str = ""
    nationality_code: str = ""


@dataclass(frozen=True)
class Detail:
    severity: str
    reason_code: str
    diagnostic: str


class DetailedReply:
    """What every BCSS reply says through its ``details``; the replies' dataclasses inherit it."""

    details: tuple[Detail, ...]

    @property
    def reason_codes(self) -> tuple[str, ...]:
        # ReasonCode is optional in the schema: a detail without one has no code to list.
        return tuple(d.reason_code for d in self.details if d.reason_code)

    @property
    def error_diagnostic(self) -> str:
        """The most specific error the service gave in words (the last one: service level after context)."""
        errors = [d.diagnostic for d in self.details if d.severity == "ERROR" and d.diagnostic]
        return errors[-1] if errors else ""


@dataclass(frozen=True)
class IdentifyReply(DetailedReply):
    ok: str  # YES, NO or WARNING
    persons: tuple[IdentifiedPerson, ...]
    details: tuple[Detail, ...]
    ticket: str = ""


@dataclass(frozen=True)
class PhoneticCriteria:
    last_name: str
    birth_date: str  # yyyy-mm-dd with 00 allowed
    first_name: str = ""
    gender: str = ""
    tolerance: int | None = None
    maximum: int | None = None


def build_session() -> requests.Session:
    """The HTTP session zeep uses; one place to add certificates or proxies for the real service."""
    return requests.Session()


@cache
def _service():
    transport = Transport(
        session=build_session(), timeout=settings.BCSS_TIMEOUT, operation_timeout=settings.BCSS_TIMEOUT
    )
    client = Client(str(WSDL), transport=transport, settings=Settings(strict=True, xml_huge_tree=False))
    return client.create_service(BINDING, settings.BCSS_URL)


def reset_client() -> None:
    """Forgets the cached client (after a settings change)."""
    _service.cache_clear()


def identify_by_niss(*, niss: str, caller: Caller) -> IdentifyReply:
    criteria = etree.Element(f"{{{NS_IPR}}}SearchCriteria")
    etree.SubElement(criteria, f"{{{NS_IPR}}}SSIN").text = niss
    return _send(criteria, caller)


def identify_phonetic(*, criteria: PhoneticCriteria, caller: Caller) -> IdentifyReply:
    search = etree.Element(f"{{{NS_IPR}}}SearchCriteria")
    phonetic = etree.SubElement(search, f"{{{NS_IPR}}}PhoneticCriteria")
    etree.SubElement(phonetic, f"{{{NS_IPR}}}LastName").text = criteria.last_name
    if criteria.first_name:
        etree.SubElement(phonetic, f"{{{NS_IPR}}}FirstName").text = criteria.first_name
    etree.SubElement(phonetic, f"{{{NS_IPR}}}BirthDate").text = criteria.birth_date
    if criteria.gender:
        etree.SubElement(phonetic, f"{{{NS_IPR}}}Gender").text = criteria.gender
    if criteria.tolerance is not None:
        etree.SubElement(phonetic, f"{{{NS_IPR}}}Tolerance").text = str(criteria.tolerance)
    if criteria.maximum is not None:
        etree.SubElement(phonetic, f"{{{NS_IPR}}}Maximum").text = str(criteria.maximum)
    return _send(search, caller)


def _envelope(payload: etree._Element, caller: Caller, *, service_id: str, version: str) -> str:
    root = etree.Element(f"{{{NS_SERVICE}}}SSDNRequest", nsmap={None: NS_SERVICE})
    context = etree.SubElement(root, f"{{{NS_SERVICE}}}RequestContext")
    user = etree.SubElement(context, f"{{{NS_SERVICE}}}AuthorizedUser")
    for name, value in (
        ("UserID", caller.user_niss),
        ("Email", caller.email),
        ("OrgUnit", caller.bce_number),
        ("MatrixID", MATRIX_ID),
        ("MatrixSubID", MATRIX_SUB_ID),
    ):
        etree.SubElement(user, f"{{{NS_SERVICE}}}{name}").text = value
    message = etree.SubElement(context, f"{{{NS_SERVICE}}}Message")
    etree.SubElement(message, f"{{{NS_SERVICE}}}Reference").text = f"PRIMAWEB-{uuid.uuid4().hex[:20].upper()}"
    etree.SubElement(message, f"{{{NS_SERVICE}}}TimeRequest").text = datetime.now().strftime("%Y%m%dT%H%M%S")
    service = etree.SubElement(root, f"{{{NS_SERVICE}}}ServiceRequest")
    etree.SubElement(service, f"{{{NS_SERVICE}}}ServiceId").text = service_id
    etree.SubElement(service, f"{{{NS_SERVICE}}}Version").text = version
    service.append(payload)
    return etree.tostring(root, encoding="unicode")


def send_ssdn(payload: etree._Element, caller: Caller, *, service_id: str, version: str) -> str:
    """Sends one SSDN request carrying `payload` (the service's own request element); returns the reply's
    XML text. Raises `BcssUnavailable` when nothing readable came back."""
    envelope = _envelope(payload, caller, service_id=service_id, version=version)
    try:
        reply = _service().sendXML(envelope)
    except (requests.RequestException, ZeepError, etree.XMLSyntaxError) as exc:
        raise BcssUnavailable(str(exc)) from exc
    if not isinstance(reply, str) or not reply.strip():
        raise BcssUnavailable("empty reply")
    return reply


def _send(search_criteria: etree._Element, caller: Caller) -> IdentifyReply:
    request = etree.Element(f"{{{NS_IPR}}}IdentifyPersonRequest", nsmap={"ipr": NS_IPR})
    request.append(search_criteria)
    return parse_reply(send_ssdn(request, caller, service_id=SERVICE_ID, version=SERVICE_VERSION))


def _text(element, path: str) -> str:
    found = element.find(path, {"s": NS_SERVICE, "c": NS_COMMON, "i": NS_IPR})
    return (found.text or "").strip() if found is not None else ""


def _localized(element, path: str, preferred: str = "fr") -> str:
    """Among repeated elements with a `lang` attribute, the preferred language's text, else the first."""
    found = element.findall(path, {"i": NS_IPR})
    for candidate in found:
        if candidate.get("lang") == preferred:
            return (candidate.text or "").strip()
    return (found[0].text or "").strip() if found else ""


def reply_root(xml: str) -> etree._Element:
    """The parsed SSDNReply; `BcssUnavailable` when it is not one."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml.encode(), parser)
    except etree.XMLSyntaxError as exc:
        raise BcssUnavailable(f"unreadable reply: {exc}") from exc
    if root.tag != f"{{{NS_SERVICE}}}SSDNReply":
        raise BcssUnavailable(f"unexpected reply element {root.tag}")
    return root


def summary(root: etree._Element) -> tuple[str, tuple[Detail, ...]]:
    """The reply's overall status (YES, NO or WARNING: the worst of its ResultSummary) and its details."""
    summaries = root.findall(".//c:ResultSummary", {"c": NS_COMMON})
    if not summaries:
        raise BcssUnavailable("reply without ResultSummary")
    ok = "YES"
    details = []
    for result in summaries:
        status = result.get("ok", "NO")
        if status == "NO" or (status == "WARNING" and ok == "YES"):
            ok = status
        for detail in result.findall("c:Detail", {"c": NS_COMMON}):
            details.append(
                Detail(
                    severity=_text(detail, "c:Severity"),
                    reason_code=_text(detail, "c:ReasonCode"),
                    diagnostic=_text(detail, "c:Diagnostic"),
                )
            )
    return ok, tuple(details)


def parse_reply(xml: str) -> IdentifyReply:
    root = reply_root(xml)
    ok, details = summary(root)
    persons = tuple(_person(data) for data in root.iterfind(".//i:LimitedLegalData", {"i": NS_IPR}))
    return IdentifyReply(
        ok=ok,
        persons=persons,
        details=details,
        ticket=_text(root, "s:ReplyContext/s:Message/s:Ticket"),
    )


def _person(data) -> IdentifiedPerson:
    basic = data.find("i:Basic", {"i": NS_IPR})
    extended = data.find("i:Extended", {"i": NS_IPR})
    address_element = basic.find("i:Address", {"i": NS_IPR})
    post = basic.find("i:DiplomaticPost", {"i": NS_IPR})
    if address_element is not None:
        address = Address(
            country_code=_text(address_element, "i:CountryCode"),
            municipality_code=_text(address_element, "i:MunicipalityCode"),
            municipality=_localized(address_element, "i:Municipality"),
            postal_code=_text(address_element, "i:PostalCode"),
            street=_localized(address_element, "i:Street"),
            house_number=_text(address_element, "i:HouseNumber"),
            box=_text(address_element, "i:Box"),
        )
    elif post is not None:
        address = Address(
            country_code=_text(post, "i:CountryCode"), plain_text=_text(post, "i:AddressPlainText")
        )
    else:
        address = Address()
    extra = {}
    if extended is not None:
        extra = {
            "civil_state": _text(extended, "i:CivilState"),
            "birth_place_code": _text(extended, "i:BirthLocationCode"),
            "birth_place": _localized(extended, "i:BirthLocation"),
            "decease_date": _text(extended, "i:DeceaseDate"),
            "register": _text(extended, "i:InscriptionRegister"),
            "nationality_code": _text(extended, "i:NationalityCode"),
        }
    return IdentifiedPerson(
        niss=_text(basic, "i:SocialSecurityUser"),
        last_name=_text(basic, "i:LastName"),
        first_name=_text(basic, "i:FirstName"),
        middle_name=_text(basic, "i:MiddleName"),
        birth_date=_text(basic, "i:BirthDate"),
        gender=_text(basic, "i:Gender"),
        address=address,
        origin=data.get("origin", ""),
        **extra,
    )
