"""The simulator's own XML schemas and WSDL (under `schemas/`), and checking documents against them.

The XSD files are a faithful subset of the official BCSS ones: same namespaces, element names and
restrictions, limited to what IdentifyPerson and ManageAccess use (and, under `schemas/be/`, what
RetrieveTIGroups uses: see `tigroups`). Each check returns the first complaint of the schema
as a string, or "" when the document conforms.
"""

import copy
from functools import cache
from pathlib import Path

from lxml import etree

NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_CONNECTOR = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector"
NS_SERVICE = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Service"
NS_COMMON = "http://www.ksz-bcss.fgov.be/XSD/SSDN/Common"
NS_IPR = "http://www.ksz-bcss.fgov.be/XSD/SSDN/OCMW_CPAS/IdentifyPerson"
NS_WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP_ACTION = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector/sendXML"
NS_MAR = "http://www.ksz-bcss.fgov.be/XSD/SSDN/OCMW_CPAS/ManageAccess"
SERVICE_ID = "OCMWCPASIdentifyPerson"
SERVICE_VERSION = "20050930"
MANAGE_ACCESS_SERVICE_ID = "OCMWCPASManageAccess"
MANAGE_ACCESS_VERSION = "20050930"

DIRECTORY = Path(__file__).resolve().parent / "schemas"
XSD = DIRECTORY / "XSD" / "SSDN"


def safe_parser() -> etree.XMLParser:
    """A parser that never fetches anything nor expands entities (requests come from outside)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


class DoctypeRefused(ValueError):
    """The document carries a document type declaration: refused, never expanded nor fetched."""


def parse_untrusted(data: bytes) -> etree._Element:
    """The root of a document received from outside, which must not declare a DTD.

    Neither SOAP 1.1 ("A SOAP message MUST NOT contain a Document Type Declaration") nor the SSDN
    schemas have any use for one, and its entities would reach the schema validator unexpanded. Raises
    `etree.XMLSyntaxError` for a document that is not well-formed, `DoctypeRefused` for a DTD.
    """
    if b"<!DOCTYPE" in data:  # the cheap refusal, before libxml2 reads any declaration
        raise DoctypeRefused("A document type declaration (DTD) is not allowed.")
    root = etree.fromstring(data, safe_parser())
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DoctypeRefused("A document type declaration (DTD) is not allowed.")
    return root


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def envelope_schema() -> etree.XMLSchema:
    """SSDNRequest/SSDNReply alone: the service payload inside is not checked (lax wildcard)."""
    return _schema(XSD / "Service" / "NamespaceRoot.xsd")


def payload_schema() -> etree.XMLSchema:
    """IdentifyPersonRequest and IdentifyPersonReply."""
    return _schema(XSD / "OCMW_CPAS" / "IdentifyPerson" / "NamespaceRoot.xsd")


def manage_access_schema() -> etree.XMLSchema:
    """ManageAccessRequest and ManageAccessReply."""
    return _schema(XSD / "OCMW_CPAS" / "ManageAccess" / "NamespaceRoot.xsd")


def complete_schema() -> etree.XMLSchema:
    """The envelopes with every payload: a whole SSDNRequest or SSDNReply in one pass."""
    return _schema(DIRECTORY / "SSDN-Services.xsd")


def _errors(schema: etree.XMLSchema, element: etree._Element) -> str:
    # Validate a detached copy: the element may sit inside a larger document.
    try:
        if schema.validate(etree.ElementTree(copy.deepcopy(element))):
            return ""
    except etree.XMLSchemaValidateError as exc:
        # libxml2 gives up on some nodes (an entity reference left unexpanded): invalid, not a crash.
        return f"the document cannot be validated: {exc}"
    error = schema.error_log.last_error
    return f"line {error.line}: {error.message}" if error else "invalid"


def envelope_errors(element: etree._Element) -> str:
    return _errors(envelope_schema(), element)


def payload_errors(element: etree._Element) -> str:
    return _errors(payload_schema(), element)


def manage_access_errors(element: etree._Element) -> str:
    return _errors(manage_access_schema(), element)


def document_errors(element: etree._Element) -> str:
    """Complaints about a whole SSDNRequest or SSDNReply, payload included."""
    return _errors(complete_schema(), element)


TIGROUPS = DIRECTORY / "be" / "fgov" / "kszbcss" / "intf" / "RetrieveTIGroupsService"


def tigroups_schema() -> etree.XMLSchema:
    """The RetrieveTIGroups service's request, response and fault elements, the record included."""
    return _schema(TIGROUPS / "RetrieveTIGroupsServiceV2.xsd")


def tigroups_errors(element: etree._Element) -> str:
    return _errors(tigroups_schema(), element)


@cache
def _wsdl_template() -> bytes:
    return (DIRECTORY / "WebServiceConnector.wsdl").read_bytes()


def wsdl(address: str) -> bytes:
    """The connector's WSDL with `soap:address` pointing at `address`."""
    tree = etree.fromstring(_wsdl_template(), safe_parser())
    for location in tree.iter(f"{{{NS_WSDL_SOAP}}}address"):
        location.set("location", address)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
