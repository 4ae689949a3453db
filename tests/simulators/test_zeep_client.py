"""A real SOAP client (zeep) reads the served WSDL and calls the endpoint, as the BCSS clients do."""

import pytest
import requests
import zeep
from lxml import etree
from zeep.transports import Transport

from simulators.bcss import schemas

from .conftest import URL, DjangoClientAdapter, by_ssin, found_niss, phonetic

pytestmark = pytest.mark.usefixtures("demo_register")


@pytest.fixture
def service(client):
    session = requests.Session()
    session.mount("http://testserver/", DjangoClientAdapter(client))
    soap_client = zeep.Client(f"http://testserver{URL}?wsdl", transport=Transport(session=session))
    return soap_client.service


def ssdn_reply(text: str) -> etree._Element:
    reply = etree.fromstring(text.encode())
    assert schemas.document_errors(reply) == ""
    return reply


def test_zeep_identifies_a_person_by_ssin_through_the_served_wsdl(service):
    reply = ssdn_reply(service.sendXML(by_ssin("82110524447")))
    assert found_niss(reply) == ["82110524447"]


def test_zeep_runs_a_phonetic_search(service):
    reply = ssdn_reply(service.sendXML(phonetic("Van den Berghe", "1982-11-00", tolerance=1)))
    assert "82110524447" in found_niss(reply)
