"""The IdentifyPerson SOAP endpoint tested as a server: real SOAP envelopes in, SSDN replies out."""

import re

import pytest
from lxml import etree

from simulators.bcss import schemas

from .conftest import (
    URL,
    WORKER_NISS,
    C,
    I,
    by_ssin,
    call,
    found_niss,
    phonetic,
    post_soap,
    reason_codes,
    soap_envelope,
    ssdn_request,
    status,
)

DUPONT, MUKENDI, KOWALSKI, PEETERS, MULLER, DELACROIX = (
    "75031212346",
    "00100001485",
    "79440905194",
    "31050203311",
    "58022804556",
    "90072108659",
)
pytestmark = pytest.mark.usefixtures("demo_register")


def texts(reply, path):
    return reply.xpath(path, namespaces=C)


def test_the_endpoint_lives_where_the_settings_point():
    from django.conf import settings
    from django.urls import reverse

    assert reverse("bcss_simulator:connector") == URL
    assert settings.BCSS_URL.endswith(URL)


def test_wsdl_is_served_with_the_address_it_was_asked_at(client):
    response = client.get(URL + "?wsdl", HTTP_HOST="localhost:8443", secure=True)
    assert response.status_code == 200
    wsdl = etree.fromstring(response.content)
    address = wsdl.find(f".//{{{schemas.NS_WSDL_SOAP}}}address").get("location")
    assert address == f"https://localhost:8443{URL}"
    action = wsdl.find(f".//{{{schemas.NS_WSDL_SOAP}}}operation").get("soapAction")
    assert action == schemas.SOAP_ACTION


def test_a_found_ssin_validates_the_identity_with_extended_data(client):
    reply = call(client, by_ssin(DUPONT))
    assert status(reply) == "YES"
    assert status(reply, "s:ReplyContext") == "YES"
    assert texts(reply, "s:ServiceReply/c:ResultSummary/c:ReturnCode/text()") == ["0"]
    assert reason_codes(reply) == ["12007001"]
    assert found_niss(reply) == [DUPONT]
    data = texts(reply, "//i:LimitedLegalData")[0]
    assert data.get("origin") == "RN_RR"
    assert texts(data, "i:Basic/i:LastName/text()") == ["DUPONT"]
    assert texts(data, "i:Basic/i:FirstName/text()") == ["JEAN-PIERRE"]
    assert texts(data, "i:Extended/i:CivilState/text()") == ["20"]
    assert texts(data, "i:Extended/i:NationalityCode/text()") == ["150"]
    assert texts(data, "i:Basic/i:Address/i:MunicipalityCode/text()") == ["92094"]
    assert texts(data, "i:Basic/i:Address/i:Municipality[@lang='fr']/text()") == ["NAMUR"]


def test_reply_context_echoes_the_user_and_message_with_a_ticket(client):
    reply = call(client, ssdn_request(I.SearchCriteria(I.SSIN(DUPONT)), reference="Dossier 42"))
    assert texts(reply, "s:ReplyContext/s:AuthorizedUser/s:UserID/text()") == [WORKER_NISS]
    assert texts(reply, "s:ReplyContext/s:AuthorizedUser/s:MatrixID/text()") == ["17"]
    assert texts(reply, "s:ReplyContext/s:Message/s:Reference/text()") == ["Dossier 42"]
    assert texts(reply, "s:ReplyContext/s:Message/s:TimeRequest/text()") == ["20250115T101500"]
    assert re.fullmatch(r"[A-Z0-9]{15}", texts(reply, "s:ReplyContext/s:Message/s:Ticket/text()")[0])
    assert re.fullmatch(r"\d{8}T\d{6}", texts(reply, "s:ReplyContext/s:Message/s:TimeResponse/text()")[0])
    assert texts(reply, "s:ServiceReply/s:ServiceId/text()") == ["OCMWCPASIdentifyPerson"]


def test_reply_uses_the_namespace_prefixes_of_the_real_service(client):
    response = post_soap(client, soap_envelope(by_ssin(DUPONT)))
    carrier = etree.fromstring(response.content).find(f".//{{{schemas.NS_CONNECTOR}}}xmlString")
    assert carrier.text.startswith("<?xml")
    assert '<SSDNReply xmlns="http://www.ksz-bcss.fgov.be/XSD/SSDN/Service">' in carrier.text
    assert "<ns1:ResultSummary" in carrier.text and "<ns3:IdentifyPersonReply" in carrier.text


def test_a_bis_number_comes_from_the_bcss_registers(client):
    reply = call(client, by_ssin(KOWALSKI))
    assert texts(reply, "//i:LimitedLegalData/@origin") == ["BCSS_KSZ"]
    assert texts(reply, "//i:Extended/i:InscriptionRegister") == []


def test_a_deceased_person_carries_the_decease_date(client):
    reply = call(client, by_ssin(PEETERS))
    assert texts(reply, "//i:Extended/i:DeceaseDate/text()") == ["2019-12-24"]


def test_brussels_and_german_speaking_addresses_come_in_their_languages(client):
    brussels = call(client, by_ssin(DELACROIX))
    assert texts(brussels, "//i:Address/i:Municipality/@lang") == ["fr", "nl"]
    assert texts(brussels, "//i:Address/i:Street/text()") == ["CHAUSSÉE D'IXELLES", "ELSENSESTEENWEG"]
    eupen = call(client, by_ssin(MULLER))
    assert texts(eupen, "//i:Address/i:Municipality/@lang") == ["de", "fr"]
    assert texts(eupen, "//i:Address/i:Street[@lang='de']/text()") == ["HAASSTRASSE"]
    assert texts(eupen, "//i:Basic/i:LastName/text()") == ["MÜLLER"]


def test_an_unknown_ssin_is_an_error_without_an_invented_reason_code(client):
    reply = call(client, by_ssin("75031212544"))
    assert status(reply) == "NO"
    # No public document gives the code of an unknown SSIN: the detail says it in words only.
    assert reason_codes(reply) == []
    assert texts(reply, "s:ServiceReply/c:ResultSummary/c:Detail/c:Severity/text()") == ["ERROR"]
    assert texts(reply, "s:ServiceReply/c:ResultSummary/c:Detail/c:Diagnostic/text()") == [
        "No person is known with this SSIN."
    ]
    assert reason_codes(reply, "s:ReplyContext") == ["30000001"]
    assert texts(reply, "s:ServiceReply/i:IdentifyPersonReply") == []


def test_an_ssin_with_wrong_check_digits_is_an_error_saying_so(client):
    reply = call(client, by_ssin("75031212347"))
    assert status(reply) == "NO"
    assert reason_codes(reply) == []
    assert texts(reply, "s:ServiceReply/c:ResultSummary/c:Detail/c:Diagnostic/text()") == [
        "The SSIN is not a valid national register or BIS number (check digits or date)."
    ]


def test_every_reason_code_the_simulator_sends_is_one_the_official_documents_give():
    from simulators.bcss import reasons

    official = {
        "30000001",
        "20000001",
        "31009001",
        "31000007",
        "32007004",
        "21007001",
        "22007007",
        "12007001",
    }
    sent = {value for name, value in vars(reasons).items() if name.isupper() and isinstance(value, str)}
    assert sent - {"", reasons.INFORMATION, reasons.WARNING, reasons.ERROR, reasons.AUTHOR} <= official


def test_ssin_and_phonetic_criteria_warn_and_answer_by_ssin(client):
    criteria = I.SearchCriteria(
        I.SSIN(DUPONT), I.PhoneticCriteria(I.LastName("Peeters"), I.BirthDate("1931-05-02"))
    )
    reply = call(client, ssdn_request(criteria))
    assert status(reply) == "WARNING"
    assert reason_codes(reply) == ["21007001", "12007001"]
    assert reason_codes(reply, "s:ReplyContext") == ["20000001"]
    assert found_niss(reply) == [DUPONT]


def test_person_data_that_does_not_match_warns(client):
    verification = I.VerificationData(I.PersonData(I.LastName("Dupont"), I.BirthDate("1975-03-13")))
    reply = call(client, ssdn_request(I.SearchCriteria(I.SSIN(DUPONT)), verification))
    assert reason_codes(reply) == ["22007007", "12007001"]
    assert "SSIN" in texts(reply, "//c:Detail[c:ReasonCode='22007007']/c:Information/c:FieldName/text()")


def test_person_data_that_matches_raises_no_warning(client):
    data = I.PersonData(I.LastName("DUPONT"), I.FirstName("Jean-Pierre"), I.BirthDate("1975-03-12"))
    reply = call(client, ssdn_request(I.SearchCriteria(I.SSIN(DUPONT)), I.VerificationData(data)))
    assert reason_codes(reply) == ["12007001"]


def test_phonetic_search_finds_spelling_variants_without_extended_data(client):
    reply = call(client, phonetic("Dupond", "1975-03-12", first_name="Jean"))
    assert status(reply) == "YES"
    assert found_niss(reply) == [DUPONT]
    assert texts(reply, "//i:Extended") == []


def test_phonetic_search_with_an_incomplete_date_and_tolerance(client):
    reply = call(client, phonetic("Moukendi", "2000-10-00", tolerance=0))
    assert found_niss(reply) == [MUKENDI]
    assert texts(reply, "//i:Basic/i:BirthDate/text()") == ["2000-10-00"]


def test_an_incomplete_birth_date_without_tolerance_is_refused(client):
    reply = call(client, phonetic("Mukendi", "2000-10-00"))
    assert status(reply) == "NO"
    assert reason_codes(reply) == ["31009001"]
    fields = texts(reply, "//c:Detail/c:Information/c:FieldName/text()")
    assert fields == ["Phonetic Criteria: Birth Date", "Phonetic Criteria: Birth Date Tolerance"]
    assert texts(reply, "//c:Detail/c:Information/c:FieldValue/text()") == ["2000-10-00"]


@pytest.mark.parametrize(
    ("request_xml", "field"),
    [
        (phonetic("", "1975-03-12"), "Phonetic Criteria: Last Name"),
        (phonetic(None, "1975-03-12"), "Phonetic Criteria: Last Name"),
        (phonetic("Dupont", None), "Phonetic Criteria: Birth Date"),
    ],
)
def test_a_missing_mandatory_argument_is_named(client, request_xml, field):
    reply = call(client, request_xml)
    assert reason_codes(reply) == ["31000007"]
    assert texts(reply, "//c:Detail/c:Information/c:FieldName/text()") == [field]


def test_a_phonetic_search_that_finds_nobody_is_an_error(client):
    reply = call(client, phonetic("Durand", "1975-03-12", tolerance=3))
    assert status(reply) == "NO"
    assert reason_codes(reply) == ["32007004"]


def test_maximum_caps_the_results(client):
    reply = call(client, phonetic("Dupont", "1976-00-00", tolerance=2, maximum=1))
    assert len(found_niss(reply)) == 1


@pytest.mark.parametrize(
    "request_xml",
    [
        phonetic("Dupont", "1975-03-12", maximum=500),
        phonetic("Dupont", "1975-03-12", gender=7),
        phonetic("Dupont", "12-03-1975"),
        by_ssin("7503121234"),
    ],
)
def test_a_schema_invalid_payload_gets_a_reply_saying_so(client, request_xml):
    reply = call(client, request_xml)
    assert status(reply) == "NO"
    assert reason_codes(reply) == ["30000001"]
    assert texts(reply, "//c:Detail/c:Information/c:FieldName/text()") == ["IdentifyPersonRequest"]


def test_an_impossible_birth_date_is_refused(client):
    reply = call(client, phonetic("Dupont", "1975-13-12"))
    assert reason_codes(reply) == ["30000001"]


@pytest.mark.parametrize(
    "xml_string",
    [
        "this is not XML",
        by_ssin(DUPONT).replace(WORKER_NISS, "not-a-niss"),
        by_ssin(DUPONT).replace("SSDNRequest", "SomethingElse"),
    ],
)
def test_a_broken_ssdn_request_gets_a_no_reply_not_a_traceback(client, xml_string):
    reply = call(client, xml_string)
    assert status(reply, "s:ReplyContext") == "NO"
    assert reason_codes(reply, "s:ReplyContext") == ["30000001"]
    assert texts(reply, "s:ServiceReply") == []


def test_an_unknown_service_is_refused(client):
    reply = call(client, by_ssin(DUPONT).replace("OCMWCPASIdentifyPerson", "OCMWCPASPerformInvestigation"))
    assert status(reply) == "NO"
    assert reason_codes(reply) == ["30000001"]


@pytest.mark.parametrize(
    "body",
    [
        b"<not-xml",
        b'<?xml version="1.0"?><html/>',
        soap_envelope(by_ssin(DUPONT)).replace(b"xmlString", b"otherString"),
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b'<xmlString xmlns="http://ksz-bcss.fgov.be/connectors/WebServiceConnector"/></soap:Body></soap:Envelope>',
    ],
)
def test_a_malformed_soap_message_gets_a_client_fault(client, body):
    response = post_soap(client, body)
    assert response.status_code == 500
    fault = etree.fromstring(response.content).find(f".//{{{schemas.NS_SOAP}}}Fault")
    assert fault.findtext("faultcode") == "soap:Client"


def test_a_soap_12_envelope_gets_a_version_mismatch_fault(client):
    body = soap_envelope(by_ssin(DUPONT)).replace(
        schemas.NS_SOAP.encode(), b"http://www.w3.org/2003/05/soap-envelope"
    )
    response = post_soap(client, body)
    assert response.status_code == 500
    assert b"soap:VersionMismatch" in response.content


def test_another_soap_action_gets_a_client_fault(client):
    response = post_soap(client, soap_envelope(by_ssin(DUPONT)), action='"urn:somethingElse"')
    assert response.status_code == 500
    assert b"soap:Client" in response.content


def test_external_entities_are_not_expanded(client):
    body = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b'<xmlString xmlns="http://ksz-bcss.fgov.be/connectors/WebServiceConnector">&x;</xmlString>'
        b"</soap:Body></soap:Envelope>"
    )
    response = post_soap(client, body)
    assert b"root:" not in response.content


def test_the_endpoint_needs_no_csrf_token(demo_register):
    from django.test import Client

    response = post_soap(Client(enforce_csrf_checks=True), soap_envelope(by_ssin(DUPONT)))
    assert response.status_code == 200


def test_get_without_wsdl_is_not_allowed(client):
    assert client.get(URL).status_code == 405
