"""RetrieveTIGroups both ways: the client's requests and the simulator's replies conform to the project's
schemas (written from the official RetrieveTIGroupsV2, CommonV3 and xm25); the register answers with the
person's history only for a person the centre has integrated, and the real refusal otherwise."""

import datetime

import pytest
from lxml import etree

from dossiers import bcss, bcss_record
from simulators.bcss import schemas, tigroups
from simulators.bcss.history import record_change
from simulators.bcss.models import Integration, RecordEntry, RegisteredPerson
from simulators.bcss.services import demo_persons_ensure
from tests.http import FailingAdapter, route_bcss

NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
BCE = "0212345668"
DUPONT = "75031212346"


@pytest.fixture
def exchanges(bcss_http, db, settings):
    settings.BCSS_TI_GROUPS_URL = "http://bcss.test/simulators/bcss/RetrieveTIGroupsService/v2/retrieveTI"
    demo_persons_ensure()
    recorded = []
    send = bcss_http.send

    def recording_send(request, **kwargs):
        response = send(request, **kwargs)
        recorded.append((_body(request.body), _body(response.content)))
        return response

    bcss_http.send = recording_send
    return recorded


def _body(soap: bytes) -> etree._Element:
    body = etree.fromstring(soap).find(f"{{{NS_SOAP}}}Body")
    (payload,) = list(body)
    return payload


def assert_conforms(exchanges):
    assert exchanges
    for request, reply in exchanges:
        assert schemas.tigroups_errors(request) == ""
        if reply.tag == f"{{{NS_SOAP}}}Fault":
            reply = reply.find(f"detail/{{{tigroups.NS_INTF}}}retrieveTIGroupsFault")
        assert schemas.tigroups_errors(reply) == ""


def integrate(ssin=DUPONT, start=datetime.date(2020, 1, 1)):
    Integration.objects.create(ssin=ssin, organisation=BCE, legal_context="1", start_date=start)


def test_an_integrated_person_gets_the_record_with_its_history(exchanges):
    person = RegisteredPerson.objects.get(niss=DUPONT)
    integrate()
    record = bcss_record.retrieve(ssin=DUPONT, bce_number=BCE)
    assert_conforms(exchanges)
    assert record.found and record.code == "MSG00000"
    assert record.addresses and record.addresses[-1].end is None
    current = record.addresses[-1]
    assert (current.postal_code, current.house_number) == (person.postal_code, person.house_number)
    assert record.civil_states[0].code == "10"  # single from birth
    last = record.civil_states[-1]
    assert last.code == str(person.civil_state)
    if person.civil_state_since:
        assert last.start == person.civil_state_since
    assert record.nationalities[-1].code == str(person.nationality_code)


def test_a_married_person_shows_the_partner_and_the_household(exchanges):
    married = RegisteredPerson.objects.exclude(partner_niss="").filter(civil_state=20).first()
    # The demo register always holds a married couple (demo_persons_ensure): never skip this case.
    assert married is not None, "the demo register lost its married couple"
    integrate(married.niss)
    record = bcss_record.retrieve(ssin=married.niss, bce_number=BCE)
    assert_conforms(exchanges)
    last = record.civil_states[-1]
    expected = ("20", married.civil_state_since, married.partner_niss)
    assert (last.code, last.start, last.partner_niss) == expected
    partner = RegisteredPerson.objects.get(niss=married.partner_niss)
    assert partner.last_name.upper() in last.partner_name
    members = {member.niss for member in record.household}
    assert married.partner_niss in members or not record.head_of_household


def test_without_history_each_group_gives_the_period_in_force(exchanges):
    integrate()
    record = bcss_record.retrieve(ssin=DUPONT, bce_number=BCE, history=False)
    assert len(record.addresses) == 1 and len(record.civil_states) == 1
    assert_conforms(exchanges)


@pytest.mark.parametrize(
    ("ssin", "integrated", "expected"),
    [
        (DUPONT, False, ("NO_RESULT", "MSG00012")),
        ("75031212544", True, ("NO_DATA_FOUND", "MSG00010")),
    ],
    ids=["not-integrated", "unknown"],
)
def test_the_register_refuses_as_the_real_service(exchanges, ssin, integrated, expected):
    if integrated:
        integrate(ssin)
    record = bcss_record.retrieve(ssin=ssin, bce_number=BCE)
    assert (record.status, record.code) == expected and not record.found
    assert record.addresses == () and record.description
    assert_conforms(exchanges)


def test_an_ended_integration_no_longer_gives_the_record(exchanges):
    Integration.objects.create(
        ssin=DUPONT,
        organisation=BCE,
        legal_context="1",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    assert bcss_record.retrieve(ssin=DUPONT, bce_number=BCE).code == "MSG00012"


def test_a_request_its_schema_refuses_gets_a_fault(exchanges, bcss_http):
    envelope = bcss_record.request_envelope(ssin="12345", bce_number=BCE)
    response = bcss_http.client.post(
        "/simulators/bcss/RetrieveTIGroupsService/v2/retrieveTI", envelope, content_type="text/xml"
    )
    assert response.status_code == 500
    with pytest.raises(bcss_record.RecordRefused) as refused:
        bcss_record.parse_response(response.content, status=500)
    assert refused.value.code == "MSG00008"
    fault = _body(response.content).find(f"detail/{{{tigroups.NS_INTF}}}retrieveTIGroupsFault")
    assert schemas.tigroups_errors(fault) == ""


def test_a_register_that_is_down_raises_unavailable(exchanges, monkeypatch):
    route_bcss(monkeypatch, FailingAdapter(status=503, body=b"<html>down</html>"))
    with pytest.raises(bcss.BcssUnavailable):
        bcss_record.retrieve(ssin=DUPONT, bce_number=BCE)


def test_a_recorded_change_keeps_the_derived_past(exchanges):
    person = RegisteredPerson.objects.get(niss=DUPONT)
    integrate()
    before = bcss_record.retrieve(ssin=DUPONT, bce_number=BCE).addresses
    moved = datetime.date(2026, 1, 15)
    data = {
        "municipality_code": "92094",
        "municipality": "Namur",
        "postal_code": "5000",
        "street": "Rue de Fer",
        "house_number": "25",
        "box": "",
    }
    record_change(person=person, group=RecordEntry.Group.ADDRESS, start=moved, data=data)
    after = bcss_record.retrieve(ssin=DUPONT, bce_number=BCE).addresses
    assert [(a.start, a.street) for a in after[:-1]] == [(a.start, a.street) for a in before]
    assert after[-2].end == moved - datetime.timedelta(days=1)
    assert (after[-1].start, after[-1].street, after[-1].municipality) == (moved, "Rue de Fer", "Namur")


def test_every_generated_person_gets_a_schema_valid_record(db):
    """Persons alone, couples, widowers, foreigners, BIS numbers, unknown birth days: every record the
    simulator builds for a generated register conforms (a person living alone once got an empty
    HeadOfFamily group, which xm25 refuses)."""
    from django.core.management import call_command

    call_command("simulate_register", count=300, seed=11, stdout=open("/dev/null", "w"))  # noqa: SIM115
    persons = list(RegisteredPerson.objects.all())
    Integration.objects.bulk_create(
        Integration(ssin=p.niss, organisation=BCE, legal_context="1", start_date=datetime.date(2020, 1, 1))
        for p in persons
    )
    refused = {}
    for person in persons:
        request = _body(bcss_record.request_envelope(ssin=person.niss, bce_number=BCE))
        reply = tigroups.answer(request)
        complaint = schemas.tigroups_errors(reply)
        if complaint:
            refused[person.niss] = complaint
        else:
            assert reply.findtext("status/code") == "MSG00000"
    assert refused == {}
