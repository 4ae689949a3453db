"""The client of the register's mutation pull service (SOAP, like the BCSS connector).

No database access: `fetch()` returns a `Batch` of plain dataclasses. It raises `RegisterUnavailable`
when the service cannot be reached, times out or answers a fault, and `MalformedBatch` (with the reason)
when the reply does not conform to the service's schema (mutations/schemas/MutationPull.xsd) or says
it refused the request: a batch is taken whole or not at all.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import requests
from django.conf import settings
from lxml import etree

NS = "urn:be:primaweb:bcss:mutations:v1"
NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_CONNECTOR = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector"
SOAP_ACTION = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector/sendXML"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "MutationPull.xsd"
SECTOR_CPAS = "17"
_Q = {"m": NS}


class RegisterUnavailable(Exception):
    """The register could not be reached, timed out, or answered something that is not a reply."""


class MalformedBatch(Exception):
    """The reply is not a valid batch (or the service refused the request); `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReceivedMutation:
    register_id: int
    niss: str
    kind: str
    occurred_on: date
    recorded_at: datetime
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Batch:
    mutations: list[ReceivedMutation]
    next_cursor: int
    more: bool


def build_session() -> requests.Session:
    """The HTTP session of the client; one place to add certificates or proxies for the real service."""
    return requests.Session()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _parse(data: bytes) -> etree._Element:
    if b"<!DOCTYPE" in data:
        raise ValueError("a document type declaration is not allowed")
    return etree.fromstring(data, _parser())


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def request_document(*, organisation: str, cursor: int, kinds: list[str], max_results: int) -> str:
    root = etree.Element(f"{{{NS}}}GetMutationsRequest", nsmap={None: NS})
    for name, text in (
        ("Organisation", organisation),
        ("Sector", SECTOR_CPAS),
        ("Cursor", str(cursor)),
        ("MaxResults", str(max_results)),
    ):
        etree.SubElement(root, f"{{{NS}}}{name}").text = text
    types = etree.SubElement(root, f"{{{NS}}}MutationTypes")
    for kind in kinds:
        etree.SubElement(types, f"{{{NS}}}Type").text = kind
    if not schema().validate(root):
        raise ValueError(f"invalid GetMutationsRequest: {schema().error_log.last_error}")
    return etree.tostring(root, encoding="unicode")


def _envelope(document: str) -> bytes:
    envelope = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soap": NS_SOAP})
    body = etree.SubElement(envelope, f"{{{NS_SOAP}}}Body")
    etree.SubElement(body, f"{{{NS_CONNECTOR}}}xmlString", nsmap={None: NS_CONNECTOR}).text = document
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _reply_document(response: requests.Response) -> bytes:
    try:
        envelope = _parse(response.content)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise RegisterUnavailable(f"HTTP {response.status_code}, not a SOAP message") from exc
    fault = envelope.find(f"{{{NS_SOAP}}}Body/{{{NS_SOAP}}}Fault")
    if fault is not None:
        raise RegisterUnavailable(f"SOAP fault: {fault.findtext('faultstring', '').strip()}")
    carrier = envelope.find(f"{{{NS_SOAP}}}Body/{{{NS_CONNECTOR}}}xmlString")
    if carrier is None or response.status_code != 200:
        raise RegisterUnavailable(f"HTTP {response.status_code} without a reply")
    return (carrier.text or "").strip().encode()


def _data(kind: str, element: etree._Element) -> dict:
    def text(path: str) -> str:
        return (element.findtext(path, "", _Q) or "").strip()

    if kind == "MOVE":
        return {
            "street": text("m:Address/m:Street"),
            "house_number": text("m:Address/m:HouseNumber"),
            "box": text("m:Address/m:Box"),
            "postal_code": text("m:Address/m:PostalCode"),
            "municipality_code": text("m:Address/m:MunicipalityCode"),
            "municipality": text("m:Address/m:Municipality"),
        }
    if kind in ("MARRIAGE", "DIVORCE"):
        return {"civil_state": text("m:CivilState/m:Code"), "partner": text("m:CivilState/m:PartnerSSIN")}
    if kind == "BIRTH":
        return {
            "child": text("m:Child/m:SSIN"),
            "last_name": text("m:Child/m:LastName"),
            "first_name": text("m:Child/m:FirstName"),
        }
    if kind == "NATIONALITY":
        return {"nationality": text("m:Nationality/m:Code")}
    return {}


# The schema's integers and dates are unbounded; the centre keeps ids in a bigint and dates in Python's.
MAX_IDENTIFIER = 2**63 - 1


def _identifier(text: str) -> int:
    value = int(text)
    if not 0 <= value <= MAX_IDENTIFIER:
        raise ValueError(f"{text} is out of range")
    return value


def _date(text: str) -> date:
    """An xs:date, its time zone (if any) dropped; ValueError for a year Python does not hold."""
    text = text.strip()
    if not (text[:4].isdigit() and text[4:5] == "-"):
        raise ValueError(f"date {text} is out of range")
    return date.fromisoformat(text[:10])


# What a refusal says is logged and kept on the feed the administrator reads: it names the line, the
# element and the rule, never the content (a national number a digit short, a name, an address). A schema
# error quotes the value it refused, in several shapes and possibly with quotes inside it: the refused
# element's own text is masked wherever it appears, then whatever the known shapes still quote.
_REFUSED_VALUE = re.compile(r"(The value |': )'.*'(?= is not| is less| is greater| has more)")


def _schema_refusal(root: etree._Element, error) -> str:
    message = error.message
    try:
        nodes = root.getroottree().xpath(error.path) if error.path else []
    except etree.XPathError:
        nodes = []
    for node in nodes:  # libxml2's path of the refused element: one element
        for value in (node.text or "", *node.attrib.values()):
            for form in sorted({value, value.strip(), " ".join(value.split())}, key=len, reverse=True):
                if len(form) >= 3:
                    message = message.replace(form, "…")
    message = _REFUSED_VALUE.sub(r"\1'…'", message)
    return f"line {error.line}: {message}"


def _syntax_refusal(exc: Exception) -> str:
    """A parser's error quotes what it could not read (an entity's or a tag's name, taken from a name):
    only its place and kind are said."""
    if isinstance(exc, etree.XMLSyntaxError):
        return f"not well-formed XML at line {exc.lineno}, column {exc.offset} (libxml2 error {exc.code})"
    return f"not well-formed XML: {exc}"  # our own checks' messages (`_parse`), which quote nothing


def parse_batch(document: bytes, *, kinds: list[str]) -> Batch:
    """The batch a GetMutationsReply carries; MalformedBatch when the reply or its content is not right."""
    try:
        root = _parse(document)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MalformedBatch(_syntax_refusal(exc)) from exc
    if root.tag != f"{{{NS}}}GetMutationsReply":
        raise MalformedBatch(f"the root element is {root.tag}, not GetMutationsReply")
    if not schema().validate(root):
        error = schema().error_log.last_error
        raise MalformedBatch(_schema_refusal(root, error) if error else "invalid")
    if root.findtext("m:Status/m:Code", "", _Q) != "OK":
        raise MalformedBatch(f"refused by the register: {root.findtext('m:Status/m:Reason', '', _Q)}")
    mutations = []
    for element in root.findall("m:Mutation", _Q):
        kind = element.findtext("m:Type", "", _Q)
        if kind not in kinds:
            raise MalformedBatch(
                f"mutation {element.findtext('m:Id', '', _Q)}: type {kind} was not asked for"
            )
        try:
            mutations.append(
                ReceivedMutation(
                    register_id=_identifier(element.findtext("m:Id", "", _Q)),
                    niss=element.findtext("m:SSIN", "", _Q),
                    kind=kind,
                    occurred_on=_date(element.findtext("m:Date", "", _Q)),
                    recorded_at=datetime.fromisoformat(element.findtext("m:RecordedAt", "", _Q).strip()),
                    data=_data(kind, element),
                )
            )
        except ValueError as exc:
            raise MalformedBatch(f"mutation {element.findtext('m:Id', '', _Q)}: {exc}") from exc
    try:
        next_cursor = _identifier(root.findtext("m:NextCursor", "0", _Q))
    except ValueError as exc:
        raise MalformedBatch(f"NextCursor: {exc}") from exc
    if mutations and next_cursor < mutations[-1].register_id:
        raise MalformedBatch(f"NextCursor {next_cursor} is before the batch's last mutation")
    return Batch(
        mutations=mutations, next_cursor=next_cursor, more=root.findtext("m:More", "", _Q) in ("true", "1")
    )


def fetch(*, organisation: str, cursor: int, kinds: list[str], max_results: int = 500) -> Batch:
    """The mutations for `organisation` after `cursor`, of the given types, at most `max_results`."""
    body = _envelope(
        request_document(organisation=organisation, cursor=cursor, kinds=kinds, max_results=max_results)
    )
    try:
        response = build_session().post(
            settings.BCSS_MUTATIONS_URL,
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION}"'},
            timeout=settings.BCSS_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise RegisterUnavailable(str(exc)) from exc
    if response.status_code >= 500 and b"Fault" not in response.content:
        raise RegisterUnavailable(f"HTTP {response.status_code}")
    return parse_batch(_reply_document(response), kinds=kinds)
