"""The SSDN layer: an SSDNRequest string in, an SSDNReply string out, as the BCSS answers.

The reply echoes the request's AuthorizedUser and Message (Reference, TimeRequest) with a Ticket and the
times of reception and response, then one ServiceReply per ServiceRequest. Its structure and namespace
prefixes follow the real replies (ResultSummary in ns1/ns2, the IdentifyPersonReply in ns3).
"""

import secrets
import string
from datetime import datetime

from django.utils import timezone
from lxml import etree

from . import reasons, schemas
from .identify import Outcome, identify
from .manage_access import AccessOutcome, manage_access
from .person_xml import add_limited_legal_data
from .reasons import Detail
from .schemas import (
    MANAGE_ACCESS_SERVICE_ID,
    MANAGE_ACCESS_VERSION,
    NS_COMMON,
    NS_IPR,
    NS_MAR,
    NS_SERVICE,
    SERVICE_ID,
    SERVICE_VERSION,
)

MAX_RESULTS = 100
# The official SSDNRequest lets ServiceRequest repeat without bound and no public document states the
# real service's limit; a CPAS client sends one. Beyond this many the message is refused as a whole
# (ReplyContext ok="NO"), before any search: 200 phonetic searches in one body took 10 s of CPU.
MAX_SERVICE_REQUESTS = 10


class InvalidReply(Exception):
    """The simulator built a reply its own schemas refuse: a bug of the simulator, never sent as is."""


_Q = {"s": NS_SERVICE}
_TICKET_ALPHABET = string.ascii_uppercase + string.digits


def _stamp(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m%dT%H%M%S")


def _service(parent: etree._Element, name: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS_SERVICE}}}{name}")
    element.text = text
    return element


def _result_summary(parent: etree._Element, details: list[Detail], prefix: str) -> str:
    status = reasons.status_of(details)
    summary = etree.SubElement(parent, f"{{{NS_COMMON}}}ResultSummary", ok=status, nsmap={prefix: NS_COMMON})
    etree.SubElement(summary, f"{{{NS_COMMON}}}ReturnCode").text = str(reasons.RETURN_CODES[status])
    for detail in details[:30]:
        element = etree.SubElement(summary, f"{{{NS_COMMON}}}Detail")
        for name, text in (
            ("Severity", detail.severity),
            ("ReasonCode", detail.reason_code),
            ("Diagnostic", detail.diagnostic),
            ("AuthorCodeList", reasons.AUTHOR),
        ):
            if text:  # ReasonCode is optional: left out where no documented code exists
                etree.SubElement(element, f"{{{NS_COMMON}}}{name}").text = text
        for field_name, field_value in detail.information[:5]:
            information = etree.SubElement(element, f"{{{NS_COMMON}}}Information")
            etree.SubElement(information, f"{{{NS_COMMON}}}FieldName").text = field_name
            if field_value is not None:
                etree.SubElement(information, f"{{{NS_COMMON}}}FieldValue").text = field_value
    return status


def _service_reply(
    reply: etree._Element, service_id: str, version: str, outcome: Outcome | AccessOutcome
) -> str:
    element = etree.SubElement(reply, f"{{{NS_SERVICE}}}ServiceReply")
    status = _result_summary(element, outcome.details, "ns2")
    _service(element, "ServiceId", service_id)
    _service(element, "Version", version)
    if isinstance(outcome, AccessOutcome):
        # A refusal still echoes the request, with the inscriptions it ran into.
        outcome.build(element)
    elif status != "NO":
        payload = etree.SubElement(element, f"{{{NS_IPR}}}IdentifyPersonReply", nsmap={"ns3": NS_IPR})
        if outcome.persons:
            results = etree.SubElement(payload, f"{{{NS_IPR}}}SearchResults")
            for person in outcome.persons[:MAX_RESULTS]:
                add_limited_legal_data(results, person, extended=outcome.validated)
    return status


def _answer_service(request: etree._Element, organisation: str) -> tuple[str, str, Outcome | AccessOutcome]:
    service_id = " ".join((request.findtext("s:ServiceId", "", _Q)).split())
    version = " ".join((request.findtext("s:Version", "", _Q)).split())
    if service_id == MANAGE_ACCESS_SERVICE_ID and version == MANAGE_ACCESS_VERSION:
        payload = next((child for child in request if child.tag == f"{{{NS_MAR}}}ManageAccessRequest"), None)
        if payload is not None:
            return service_id, version, manage_access(payload, organisation=organisation)
    payload = next((child for child in request if child.tag == f"{{{NS_IPR}}}IdentifyPersonRequest"), None)
    if service_id != SERVICE_ID or version != SERVICE_VERSION or payload is None:
        return (
            service_id or SERVICE_ID,
            version or SERVICE_VERSION,
            Outcome([reasons.unknown_service(service_id, version)]),
        )
    return service_id, version, identify(payload)


def _reply_context(
    reply: etree._Element, details: list[Detail], request: etree._Element | None, received: datetime
) -> None:
    context = etree.SubElement(reply, f"{{{NS_SERVICE}}}ReplyContext")
    _result_summary(context, details, "ns1")
    request_context = request.find("s:RequestContext", _Q) if request is not None else None
    user = request_context.find("s:AuthorizedUser", _Q) if request_context is not None else None
    if user is not None:
        echoed = etree.SubElement(context, f"{{{NS_SERVICE}}}AuthorizedUser")
        for child in user:
            if isinstance(child.tag, str):
                _service(echoed, etree.QName(child).localname, (child.text or "").strip())
    message = _service(context, "Message", None)
    reference = (
        request_context.findtext("s:Message/s:Reference", None, _Q) if request_context is not None else None
    )
    if reference is not None:
        _service(message, "Reference", reference)
    _service(message, "Ticket", "".join(secrets.choice(_TICKET_ALPHABET) for _ in range(15)))
    time_request = (
        request_context.findtext("s:Message/s:TimeRequest", None, _Q) if request_context is not None else None
    )
    if time_request is not None:
        _service(message, "TimeRequest", time_request.strip())
    _service(message, "TimeReceive", _stamp(received))
    _service(message, "TimeResponse", _stamp(timezone.now()))


def _serialise(reply: etree._Element) -> str:
    complaint = schemas.document_errors(reply)
    if complaint:
        raise InvalidReply(complaint)
    # Written out by hand to match the real replies' declaration, double quotes included.
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + etree.tostring(
        reply, encoding="unicode"
    )


def answer(request_xml: str, *, received: datetime | None = None) -> str:
    """The serialized SSDNReply for a serialized SSDNRequest. Never raises for a bad request: a request
    that is not well-formed or not schema-valid gets a reply with ResultSummary ok="NO". Every reply is
    checked against the schemas before it leaves; one that fails raises `InvalidReply`."""
    received = received or timezone.now()
    reply = etree.Element(f"{{{NS_SERVICE}}}SSDNReply", nsmap={None: NS_SERVICE})
    try:
        request = schemas.parse_untrusted(request_xml.encode())
    except (etree.XMLSyntaxError, ValueError) as exc:
        _reply_context(reply, [reasons.invalid_request("SSDNRequest", str(exc))], None, received)
        return _serialise(reply)
    count = sum(1 for child in request if child.tag == f"{{{NS_SERVICE}}}ServiceRequest")
    if count > MAX_SERVICE_REQUESTS:
        _reply_context(
            reply, [reasons.too_many_service_requests(count, MAX_SERVICE_REQUESTS)], None, received
        )
        return _serialise(reply)
    complaint = (
        schemas.envelope_errors(request)
        if request.tag == f"{{{NS_SERVICE}}}SSDNRequest"
        else f"the root element is {request.tag}, not SSDNRequest"
    )
    if complaint:
        # Nothing of an invalid request is echoed: the echo could make the reply invalid too.
        _reply_context(reply, [reasons.invalid_request("SSDNRequest", complaint)], None, received)
        return _serialise(reply)
    organisation = " ".join(request.findtext("s:RequestContext/s:AuthorizedUser/s:OrgUnit", "", _Q).split())
    answers = [_answer_service(service, organisation) for service in request.findall("s:ServiceRequest", _Q)]
    statuses = [reasons.status_of(outcome.details) for _, _, outcome in answers]
    context_details = (
        [reasons.service_failed()]
        if "NO" in statuses
        else [reasons.service_warned()]
        if "WARNING" in statuses
        else []
    )
    _reply_context(reply, context_details, request, received)
    for service_id, version, outcome in answers:
        _service_reply(reply, service_id, version, outcome)
    return _serialise(reply)
