"""The BCSS contract, both ways: the project's client (zeep) against the simulator, every SSDN request it
sends and every SSDN reply it gets checked against the project's XSD subset of the official schemas; and
replies shaped like the official IdentifyPerson samples fed to the client's parser.

The schema files loaded here are the project's own (simulators/bcss/schemas), written from the official
ones; the sample replies are written out below in the shapes of the official fixtures.
"""

import pytest
from lxml import etree

from dossiers import bcss
from simulators.bcss import schemas
from simulators.bcss.services import demo_persons_ensure

NS_CONNECTOR = "http://ksz-bcss.fgov.be/connectors/WebServiceConnector"
NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
CALLER = bcss.Caller(user_niss="85073003427", email="as@cpas-namur.example", bce_number="0212345668")


@pytest.fixture
def exchanges(bcss_http, db):
    """Every (SSDNRequest, SSDNReply) the client exchanged with the simulator, as parsed elements."""
    demo_persons_ensure()
    recorded = []
    send = bcss_http.send

    def recording_send(request, **kwargs):
        response = send(request, **kwargs)
        body = request.body if isinstance(request.body, bytes) else request.body.encode()
        recorded.append((_carried(body), _carried(response.content)))
        return response

    bcss_http.send = recording_send
    return recorded


def _carried(soap: bytes) -> etree._Element:
    """The SSDN document a SOAP message's xmlString carries (as text, as the WSDL says)."""
    envelope = etree.fromstring(soap)
    body = envelope.find(f"{{{NS_SOAP}}}Body")
    assert [child.tag for child in body] == [f"{{{NS_CONNECTOR}}}xmlString"]
    carrier = body[0]
    assert len(carrier) == 0, "the SSDN document travels as escaped text, not as XML children"
    return etree.fromstring(carrier.text.encode())


def assert_conforms(exchanges):
    assert exchanges, "the client sent nothing"
    for request, reply in exchanges:
        assert request.tag == f"{{{schemas.NS_SERVICE}}}SSDNRequest"
        assert schemas.document_errors(request) == ""
        assert reply.tag == f"{{{schemas.NS_SERVICE}}}SSDNReply"
        assert schemas.document_errors(reply) == ""


NISS_CASES = {
    "found": "75031212346",
    "bis-number": "79440905194",
    "deceased": "31050203311",
    "diplomatic-or-foreign": "85011715758",
    "unknown-day": "00100001485",
    "unknown": "75031212544",
}


@pytest.mark.parametrize("niss", NISS_CASES.values(), ids=NISS_CASES.keys())
def test_identify_by_niss_sends_and_gets_schema_valid_documents(exchanges, niss):
    reply = bcss.identify_by_niss(niss=niss, caller=CALLER)
    assert_conforms(exchanges)
    assert [person.niss for person in reply.persons] == ([] if niss == NISS_CASES["unknown"] else [niss])


PHONETIC_CASES = {
    "complete-date": bcss.PhoneticCriteria(last_name="Dupont", birth_date="1975-03-12"),
    "all-fields": bcss.PhoneticCriteria(
        last_name="Dupont", first_name="Jean", birth_date="1975-03-12", gender="1", tolerance=3, maximum=5
    ),
    "unknown-day": bcss.PhoneticCriteria(last_name="Mukendi", birth_date="2000-10-00", tolerance=0),
    "unknown-month": bcss.PhoneticCriteria(last_name="Yilmaz", birth_date="1962-00-00", tolerance=1),
    "incomplete-without-tolerance": bcss.PhoneticCriteria(last_name="Yilmaz", birth_date="1962-00-00"),
    "accents-and-spaces": bcss.PhoneticCriteria(
        last_name="Van den Berghe", birth_date="1982-11-00", tolerance=2
    ),
    "nobody": bcss.PhoneticCriteria(last_name="Zzyzx", birth_date="1901-01-01"),
    "female-gender": bcss.PhoneticCriteria(last_name="Lambert", birth_date="1977-09-30", gender="2"),
}


@pytest.mark.parametrize("criteria", PHONETIC_CASES.values(), ids=PHONETIC_CASES.keys())
def test_identify_phonetic_sends_and_gets_schema_valid_documents(exchanges, criteria):
    bcss.identify_phonetic(criteria=criteria, caller=CALLER)
    assert_conforms(exchanges)


def test_the_request_carries_the_official_envelope_fields(exchanges):
    bcss.identify_by_niss(niss="75031212346", caller=CALLER)
    (request, reply), *_ = exchanges
    q = {"s": schemas.NS_SERVICE, "i": schemas.NS_IPR}
    assert request.xpath("s:RequestContext/s:AuthorizedUser/*/text()", namespaces=q) == [
        "85073003427",
        "as@cpas-namur.example",
        "0212345668",
        "17",
        "1",
    ]
    assert request.xpath("s:ServiceRequest/s:ServiceId/text()", namespaces=q) == ["OCMWCPASIdentifyPerson"]
    assert request.xpath("s:ServiceRequest/s:Version/text()", namespaces=q) == ["20050930"]
    assert request.xpath(
        "s:ServiceRequest/i:IdentifyPersonRequest/i:SearchCriteria/i:SSIN/text()", namespaces=q
    ) == ["75031212346"]
    # The reply echoes what was asked, as the real one does.
    assert reply.xpath("s:ReplyContext/s:Message/s:Reference/text()", namespaces=q) == request.xpath(
        "s:RequestContext/s:Message/s:Reference/text()", namespaces=q
    )


# Replies in the shapes of the official IdentifyPerson samples (demo_ipr_1..5): a person abroad at a
# diplomatic post, an incomplete birth date without tolerance, a person in Eupen with Extended data,
# SSIN and phonetic criteria both given with mismatching PersonData, and a missing last name.
_CONTEXT = """<ReplyContext>
    <ns1:ResultSummary ok="{ok}" xmlns:ns1="http://www.ksz-bcss.fgov.be/XSD/SSDN/Common">
      <ns1:ReturnCode>{code}</ns1:ReturnCode>{details}
    </ns1:ResultSummary>
    <AuthorizedUser><UserID>85073003427</UserID><Email>as@cpas-namur.example</Email>
      <OrgUnit>0212345668</OrgUnit><MatrixID>17</MatrixID><MatrixSubID>1</MatrixSubID></AuthorizedUser>
    <Message><Reference>PRIMAWEB-0001</Reference><Ticket>TICKET000000001</Ticket>
      <TimeRequest>20250115T101500</TimeRequest><TimeReceive>20250115T101501</TimeReceive>
      <TimeResponse>20250115T101502</TimeResponse></Message>
  </ReplyContext>"""


def _detail(prefix, severity, code, diagnostic, *information):
    infos = "".join(
        f"<{prefix}:Information><{prefix}:FieldName>{name}</{prefix}:FieldName>"
        + (f"<{prefix}:FieldValue>{value}</{prefix}:FieldValue>" if value is not None else "")
        + f"</{prefix}:Information>"
        for name, value in information
    )
    return (
        f"<{prefix}:Detail><{prefix}:Severity>{severity}</{prefix}:Severity><{prefix}:ReasonCode>{code}"
        f"</{prefix}:ReasonCode><{prefix}:Diagnostic>{diagnostic}</{prefix}:Diagnostic>"
        f"<{prefix}:AuthorCodeList>CBSS</{prefix}:AuthorCodeList>{infos}</{prefix}:Detail>"
    )


def _reply(context_ok, context_details, service_ok, service_details, payload=""):
    codes = {"YES": 0, "WARNING": 1, "NO": 10000}
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SSDNReply xmlns="http://www.ksz-bcss.fgov.be/XSD/SSDN/Service">
  {_CONTEXT.format(ok=context_ok, code=codes[context_ok], details=context_details)}
  <ServiceReply>
    <ns2:ResultSummary ok="{service_ok}" xmlns:ns2="http://www.ksz-bcss.fgov.be/XSD/SSDN/Common">
      <ns2:ReturnCode>{codes[service_ok]}</ns2:ReturnCode>{service_details}
    </ns2:ResultSummary>
    <ServiceId>OCMWCPASIdentifyPerson</ServiceId>
    <Version>20050930</Version>{payload}
  </ServiceReply>
</SSDNReply>"""


def _payload(*persons):
    return (
        '<ns3:IdentifyPersonReply xmlns:ns3="http://www.ksz-bcss.fgov.be/XSD/SSDN/OCMW_CPAS/IdentifyPerson">'
        f"<ns3:SearchResults>{''.join(persons)}</ns3:SearchResults></ns3:IdentifyPersonReply>"
    )


ABROAD = _reply(
    "YES",
    "",
    "YES",
    "",
    _payload(
        """<ns3:LimitedLegalData origin="RN_RR"><ns3:Basic>
        <ns3:SocialSecurityUser>40060100175</ns3:SocialSecurityUser><ns3:LastName>MUSTERMANN</ns3:LastName>
        <ns3:FirstName>MAX MORITZ</ns3:FirstName><ns3:BirthDate>1940-06-01</ns3:BirthDate>
        <ns3:Gender>1</ns3:Gender>
        <ns3:DiplomaticPost><ns3:CountryCode>173</ns3:CountryCode><ns3:Post>1418</ns3:Post>
        <ns3:AddressPlainText>WILHELM-BUSCH-STR. 15 BERLIN DEUTSCHLAND</ns3:AddressPlainText>
        </ns3:DiplomaticPost>
        </ns3:Basic><ns3:Extended/></ns3:LimitedLegalData>"""
    ),
)
TOLERANCE_MISSING = _reply(
    "NO",
    _detail("ns1", "ERROR", "30000001", "At least one service request has generated an error."),
    "NO",
    _detail(
        "ns2",
        "ERROR",
        "31009001",
        "When the birth date in the phonetic criteria is not a complete date, a birth date tolerance\n"
        "must be specified.",
        ("Phonetic Criteria: Birth Date", "1940-06-00"),
        ("Phonetic Criteria: Birth Date Tolerance", None),
    ),
)
EUPEN = _reply(
    "YES",
    "",
    "YES",
    "",
    _payload(
        """<ns3:LimitedLegalData origin="RN_RR"><ns3:Basic>
        <ns3:SocialSecurityUser>58022804556</ns3:SocialSecurityUser><ns3:LastName>MÜLLER</ns3:LastName>
        <ns3:FirstName>HANS</ns3:FirstName><ns3:BirthDate>1958-02-28</ns3:BirthDate><ns3:Gender>1</ns3:Gender>
        <ns3:Address><ns3:CountryCode>150</ns3:CountryCode><ns3:MunicipalityCode>63023</ns3:MunicipalityCode>
        <ns3:Municipality lang="de">EUPEN</ns3:Municipality>
        <ns3:Municipality lang="fr">EUPEN</ns3:Municipality>
        <ns3:PostalCode>4700</ns3:PostalCode><ns3:StreetCode>1821</ns3:StreetCode>
        <ns3:Street lang="de">HAASSTRASSE</ns3:Street><ns3:HouseNumber>12</ns3:HouseNumber>
        <ns3:Box>3</ns3:Box>
        </ns3:Address></ns3:Basic><ns3:Extended><ns3:CivilState>30</ns3:CivilState>
        <ns3:BirthLocationCode>63079</ns3:BirthLocationCode><ns3:BirthLocation>VERVIERS</ns3:BirthLocation>
        <ns3:InscriptionRegister>1</ns3:InscriptionRegister><ns3:NationalityCode>150</ns3:NationalityCode>
        </ns3:Extended></ns3:LimitedLegalData>"""
    ),
)
MISMATCH = _reply(
    "WARNING",
    _detail("ns1", "WARNING", "20000001", "At least one service request has generated a warning."),
    "WARNING",
    _detail(
        "ns2",
        "WARNING",
        "21007001",
        "Both a SSIN and Phonetic Criteria were specified. The Phonetic Criteria will be ignored. ",
    )
    + _detail(
        "ns2",
        "WARNING",
        "22007007",
        "The specified PersonData does not match with the data found for this person.",
        ("Phonetic Information: Birth Date", "1975-03-11"),
        ("Phonetic Information: First Name", "Jean"),
        ("SSIN", "75031212346"),
        ("Phonetic Information: Last Name", "Dupond"),
        ("Phonetic Information: Middle Name", None),
    )
    + _detail(
        "ns2",
        "INFORMATION",
        "12007001",
        "The identity of the person was successfully validated by the system.",
        ("SSIN", "75031212346"),
    ),
    _payload(
        """<ns3:LimitedLegalData origin="RN_RR"><ns3:Basic>
        <ns3:SocialSecurityUser>75031212346</ns3:SocialSecurityUser><ns3:LastName>DUPONT</ns3:LastName>
        <ns3:FirstName>JEAN-PIERRE</ns3:FirstName><ns3:BirthDate>1975-03-12</ns3:BirthDate><ns3:Gender>1</ns3:Gender>
        <ns3:Address><ns3:CountryCode>150</ns3:CountryCode><ns3:MunicipalityCode>92094</ns3:MunicipalityCode>
        <ns3:Municipality lang="fr">NAMUR</ns3:Municipality><ns3:PostalCode>5000</ns3:PostalCode>
        <ns3:Street lang="fr">RUE DE L&apos;ANGE</ns3:Street><ns3:HouseNumber>7</ns3:HouseNumber>
        </ns3:Address>
        </ns3:Basic><ns3:Extended><ns3:CivilState>20</ns3:CivilState></ns3:Extended></ns3:LimitedLegalData>"""
    ),
)
LAST_NAME_MISSING = _reply(
    "NO",
    _detail("ns1", "ERROR", "30000001", "At least one service request has generated an error."),
    "NO",
    _detail(
        "ns2",
        "ERROR",
        "31000007",
        "The expected mandatory argument is not provided or empty.",
        ("Phonetic Criteria: Last Name", None),
    )
    + _detail(
        "ns2",
        "ERROR",
        "31000007",
        "The expected mandatory argument is not provided or empty.",
        ("Phonetic Information: Last Name", None),
    ),
)
SAMPLES = {
    "abroad": ABROAD,
    "tolerance-missing": TOLERANCE_MISSING,
    "eupen": EUPEN,
    "mismatch": MISMATCH,
    "last-name-missing": LAST_NAME_MISSING,
}


@pytest.mark.parametrize("xml", SAMPLES.values(), ids=SAMPLES.keys())
def test_the_sample_replies_conform_to_the_schemas(xml):
    # So that the parser tests below feed the client what the real service may send.
    assert schemas.document_errors(etree.fromstring(xml.encode())) == ""


def test_the_parser_reads_a_person_registered_at_a_diplomatic_post():
    reply = bcss.parse_reply(ABROAD)
    assert reply.ok == "YES" and reply.details == () and reply.ticket == "TICKET000000001"
    (person,) = reply.persons
    assert (person.niss, person.last_name, person.first_name, person.birth_date, person.gender) == (
        "40060100175",
        "MUSTERMANN",
        "MAX MORITZ",
        "1940-06-01",
        "1",
    )
    assert person.address == bcss.Address(
        country_code="173", plain_text="WILHELM-BUSCH-STR. 15 BERLIN DEUTSCHLAND"
    )
    assert person.origin == "RN_RR" and person.civil_state == "" and person.register == ""


def test_the_parser_reads_a_refusal_with_its_codes_and_no_person():
    reply = bcss.parse_reply(TOLERANCE_MISSING)
    assert reply.ok == "NO" and reply.persons == ()
    assert reply.reason_codes == ("30000001", "31009001")
    assert reply.error_diagnostic.startswith("When the birth date in the phonetic criteria")


def test_the_parser_reads_an_address_in_its_languages_and_the_extended_data():
    (person,) = bcss.parse_reply(EUPEN).persons
    assert person.address == bcss.Address(
        country_code="150",
        municipality_code="63023",
        municipality="EUPEN",
        postal_code="4700",
        street="HAASSTRASSE",
        house_number="12",
        box="3",
    )
    assert (person.civil_state, person.birth_place_code, person.birth_place) == ("30", "63079", "VERVIERS")
    assert (person.register, person.nationality_code, person.decease_date) == ("1", "150", "")


def test_the_parser_reads_warnings_with_the_person_found():
    reply = bcss.parse_reply(MISMATCH)
    assert reply.ok == "WARNING"
    assert reply.reason_codes == ("20000001", "21007001", "22007007", "12007001")
    assert [d.severity for d in reply.details] == ["WARNING", "WARNING", "WARNING", "INFORMATION"]
    (person,) = reply.persons
    assert (person.niss, person.address.street) == ("75031212346", "RUE DE L'ANGE")


def test_the_parser_reads_every_missing_argument():
    reply = bcss.parse_reply(LAST_NAME_MISSING)
    assert reply.ok == "NO"
    assert reply.reason_codes == ("30000001", "31000007", "31000007")
    assert reply.persons == ()
