"""Helpers to talk to the BCSS simulator as its clients do: SSDN requests inside SOAP envelopes."""

from urllib.parse import urlsplit

import pytest
import requests
from lxml import etree
from lxml.builder import ElementMaker
from requests.structures import CaseInsensitiveDict

from simulators.bcss import schemas
from simulators.bcss.services import demo_persons_ensure

URL = "/simulators/bcss/connectors/webservice/KSZBCSSWebServiceConnectorPort"
S = ElementMaker(namespace=schemas.NS_SERVICE, nsmap={None: schemas.NS_SERVICE})
I = ElementMaker(namespace=schemas.NS_IPR, nsmap={"ipr": schemas.NS_IPR})  # noqa: E741
C = {"c": schemas.NS_COMMON, "s": schemas.NS_SERVICE, "i": schemas.NS_IPR}
WORKER_NISS = "75031212346"
CPAS_BCE = "0212344876"


@pytest.fixture
def demo_register(db):
    demo_persons_ensure()


def ssdn_request(search_criteria, verification=None, *, reference="IdentifyPersonRequest # 1") -> str:
    """A serialized SSDNRequest for IdentifyPerson, as a CPAS sends it (sector 17.1)."""
    payload = I.IdentifyPersonRequest(search_criteria, *([verification] if verification is not None else []))
    request = S.SSDNRequest(
        S.RequestContext(
            S.AuthorizedUser(
                S.UserID(WORKER_NISS),
                S.Email("worker@cpas.example.be"),
                S.OrgUnit(CPAS_BCE),
                S.MatrixID("17"),
                S.MatrixSubID("1"),
            ),
            S.Message(S.Reference(reference), S.TimeRequest("20250115T101500")),
        ),
        S.ServiceRequest(S.ServiceId("OCMWCPASIdentifyPerson"), S.Version("20050930"), payload),
    )
    return etree.tostring(request, encoding="unicode")


def by_ssin(ssin: str, *extra) -> str:
    return ssdn_request(I.SearchCriteria(I.SSIN(ssin), *extra))


def phonetic(last_name=None, birth_date=None, **optional) -> str:
    """PhoneticCriteria in schema order; pass None to leave LastName or BirthDate out."""
    parts = []
    if last_name is not None:
        parts.append(I.LastName(last_name))
    if "first_name" in optional:
        parts.append(I.FirstName(optional["first_name"]))
    if birth_date is not None:
        parts.append(I.BirthDate(birth_date))
    for key, tag in (("gender", "Gender"), ("tolerance", "Tolerance"), ("maximum", "Maximum")):
        if key in optional:
            parts.append(getattr(I, tag)(str(optional[key])))
    return ssdn_request(I.SearchCriteria(I.PhoneticCriteria(*parts)))


def soap_envelope(xml_string: str) -> bytes:
    envelope = etree.Element(f"{{{schemas.NS_SOAP}}}Envelope", nsmap={"soapenv": schemas.NS_SOAP})
    body = etree.SubElement(envelope, f"{{{schemas.NS_SOAP}}}Body")
    etree.SubElement(
        body, f"{{{schemas.NS_CONNECTOR}}}xmlString", nsmap={"web": schemas.NS_CONNECTOR}
    ).text = xml_string
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def post_soap(client, body: bytes, action: str = f'"{schemas.SOAP_ACTION}"'):
    return client.post(URL, data=body, content_type="text/xml; charset=utf-8", HTTP_SOAPACTION=action)


def call(client, ssdn_xml: str) -> etree._Element:
    """Posts an SSDN request through SOAP and returns the SSDNReply, checked against the schemas."""
    response = post_soap(client, soap_envelope(ssdn_xml))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    carrier = etree.fromstring(response.content).find(f".//{{{schemas.NS_CONNECTOR}}}xmlString")
    reply = etree.fromstring(carrier.text.encode())
    assert schemas.document_errors(reply) == ""
    return reply


def reason_codes(reply: etree._Element, where: str = "s:ServiceReply") -> list[str]:
    return reply.xpath(f"{where}/c:ResultSummary/c:Detail/c:ReasonCode/text()", namespaces=C)


def status(reply: etree._Element, where: str = "s:ServiceReply") -> str:
    return reply.xpath(f"{where}/c:ResultSummary/@ok", namespaces=C)[0]


def found_niss(reply: etree._Element) -> list[str]:
    return reply.xpath("//i:LimitedLegalData/i:Basic/i:SocialSecurityUser/text()", namespaces=C)


class DjangoClientAdapter(requests.adapters.BaseAdapter):
    """Routes a requests.Session (zeep's transport) to Django's test client: a real HTTP exchange
    without a server thread."""

    def __init__(self, client):
        super().__init__()
        self.client = client

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in request.headers.items()
            if name.lower() not in {"content-type", "content-length"}
        }
        answer = self.client.generic(
            request.method,
            path,
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
            **headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers = CaseInsensitiveDict(answer.headers.items())
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self):
        pass
