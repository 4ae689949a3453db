"""SOAP 1.1 document/literal for the BCSS web service connector: unwrap a request, wrap a reply or a fault.

The connector has one operation, `sendXML`, whose body is a single `xmlString` element (namespace
http://ksz-bcss.fgov.be/connectors/WebServiceConnector) carrying a serialized SSDN document as text.
"""

from lxml import etree

from .schemas import NS_CONNECTOR, NS_SOAP, SOAP_ACTION, DoctypeRefused, parse_untrusted


class SoapFault(Exception):
    """The SOAP message itself is unusable; `code` is the SOAP 1.1 fault code (Client, VersionMismatch)."""

    def __init__(self, message: str, code: str = "Client"):
        super().__init__(message)
        self.code = code


def check_action(header: str | None) -> None:
    """The SOAPAction, when given, must be the connector's sendXML (quoted or not)."""
    action = (header or "").strip().strip('"')
    if action and action != SOAP_ACTION:
        raise SoapFault(f"Unknown SOAPAction {action!r}; expected {SOAP_ACTION!r}.")


def body_payload(body: bytes) -> etree._Element:
    """The one element a document/literal SOAP request's Body carries (RetrieveTIGroups)."""
    envelope = _parsed_envelope(body)
    body_element = envelope.find(f"{{{NS_SOAP}}}Body")
    children = (
        [child for child in body_element if isinstance(child.tag, str)] if body_element is not None else []
    )
    if len(children) != 1:
        raise SoapFault("The SOAP body must hold exactly one element.")
    return children[0]


def _parsed_envelope(body: bytes) -> etree._Element:
    try:
        envelope = parse_untrusted(body)
    except DoctypeRefused as exc:
        raise SoapFault("A SOAP message must not contain a document type declaration.") from exc
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SoapFault(f"The request is not well-formed XML: {exc}") from exc
    if etree.QName(envelope).localname != "Envelope":
        raise SoapFault("The request is not a SOAP envelope.")
    if etree.QName(envelope).namespace != NS_SOAP:
        raise SoapFault("Only SOAP 1.1 envelopes are understood.", code="VersionMismatch")
    return envelope


def unwrap(body: bytes) -> str:
    """The SSDN document carried by a SOAP request's xmlString element."""
    envelope = _parsed_envelope(body)
    body_element = envelope.find(f"{{{NS_SOAP}}}Body")
    carrier = body_element.find(f"{{{NS_CONNECTOR}}}xmlString") if body_element is not None else None
    if carrier is None:
        raise SoapFault(f"The SOAP body holds no {{{NS_CONNECTOR}}}xmlString element.")
    children = [child for child in carrier if isinstance(child.tag, str)]
    if children:
        # Tolerated: a client that put the SSDN document in as XML rather than as escaped text.
        return etree.tostring(children[0], encoding="unicode")
    text = (carrier.text or "").strip()
    if not text:
        raise SoapFault("The xmlString element is empty.")
    return text


def _serialise(envelope: etree._Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(envelope, encoding="UTF-8")


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soap": NS_SOAP})
    return envelope, etree.SubElement(envelope, f"{{{NS_SOAP}}}Body")


def wrap(reply_xml: str) -> bytes:
    """A SOAP response whose xmlString carries `reply_xml`."""
    envelope, body = _envelope()
    carrier = etree.SubElement(body, f"{{{NS_CONNECTOR}}}xmlString", nsmap={None: NS_CONNECTOR})
    carrier.text = reply_xml
    return _serialise(envelope)


def wrap_element(payload: etree._Element) -> bytes:
    """A document/literal SOAP response whose Body carries `payload`."""
    envelope, body = _envelope()
    body.append(payload)
    return _serialise(envelope)


def fault(error: SoapFault, detail: etree._Element | None = None) -> bytes:
    envelope, body = _envelope()
    element = etree.SubElement(body, f"{{{NS_SOAP}}}Fault")
    etree.SubElement(element, "faultcode").text = f"soap:{error.code}"
    etree.SubElement(element, "faultstring").text = str(error)
    if detail is not None:
        etree.SubElement(element, "detail").append(detail)
    return _serialise(envelope)
