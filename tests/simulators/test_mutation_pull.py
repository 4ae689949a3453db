"""The simulator's mutations: changes applied to the register, delivered per centre by the pull service."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from lxml import etree

from simulators.bcss import mutation_pull, soap
from simulators.bcss.models import CivilState, Integration, RegisteredPerson, RegisterMutation
from simulators.bcss.mutations import mutation_simulate_one
from simulators.bcss.services import register_populate

pytestmark = pytest.mark.django_db
URL = "/simulators/bcss/mutations/MutationPullPort"
NS = {"m": mutation_pull.NS}
BCE = "0212344876"


def _request(cursor=0, limit=10, organisation=BCE, types=()):
    kinds = "".join(f"<Type>{kind}</Type>" for kind in types)
    return (
        f'<GetMutationsRequest xmlns="{mutation_pull.NS}"><Organisation>{organisation}</Organisation>'
        f"<Sector>17</Sector><Cursor>{cursor}</Cursor><MaxResults>{limit}</MaxResults>"
        + (f"<MutationTypes>{kinds}</MutationTypes>" if kinds else "")
        + "</GetMutationsRequest>"
    )


def _ask(document: str) -> etree._Element:
    envelope = soap.wrap(document)  # the same transport as the connector: xmlString in a SOAP body
    response = Client().post(URL, envelope, content_type="text/xml; charset=utf-8")
    assert response.status_code == 200
    reply = etree.fromstring(etree.fromstring(response.content).findtext(".//{*}xmlString").encode())
    assert mutation_pull.errors(reply) == ""
    return reply


def _integrated(count=3):
    register_populate(count=count, seed=7)
    adults = RegisteredPerson.objects.filter(
        decease_date__isnull=True, birth_date_high__lt=datetime.date(2000, 1, 1)
    )
    persons = list(adults.order_by("pk")[:count])
    for person in persons:
        Integration.objects.create(
            ssin=person.niss,
            organisation=BCE,
            legal_context="test",
            start_date=timezone.localdate() - datetime.timedelta(days=10),
        )
    return persons


def test_a_move_changes_the_persons_address_and_is_recorded():
    person = _integrated(1)[0]
    before = (person.postal_code, person.street_fr, person.street_nl, person.house_number)

    recorded = mutation_simulate_one(ssin=person.niss, kind="MOVE", seed=3)

    person.refresh_from_db()
    assert recorded and recorded[0].data["postal_code"] == person.postal_code
    assert (person.postal_code, person.street_fr, person.street_nl, person.house_number) != before


def test_a_death_and_a_marriage_change_the_register():
    one, two = _integrated(2)
    RegisteredPerson.objects.filter(pk=one.pk).update(civil_state=CivilState.SINGLE, partner_niss="")

    mutation_simulate_one(ssin=one.niss, kind="MARRIAGE", seed=1)
    mutation_simulate_one(ssin=two.niss, kind="DEATH")

    one.refresh_from_db()
    two.refresh_from_db()
    assert one.civil_state == CivilState.MARRIED and one.civil_state_since == timezone.localdate()
    assert two.decease_date == timezone.localdate()


def test_simulate_mutations_records_the_changes_asked():
    _integrated(30)

    call_command("simulate_mutations", count=10, seed=5, verbosity=0)

    assert RegisterMutation.objects.count() >= 10


def test_the_pull_service_pages_from_the_cursor_and_repeats_the_same_page():
    persons = _integrated(3)
    for person in persons:
        mutation_simulate_one(ssin=person.niss, kind="NATIONALITY") or mutation_simulate_one(
            ssin=person.niss, kind="MOVE"
        )

    first = _ask(_request(limit=2))
    again = _ask(_request(limit=2))
    cursor = int(first.findtext("m:NextCursor", namespaces=NS))
    rest = _ask(_request(cursor=cursor, limit=2))

    ids = [int(e.text) for e in first.findall("m:Mutation/m:Id", NS)]
    assert ids == [int(e.text) for e in again.findall("m:Mutation/m:Id", NS)]
    assert len(ids) == 2 and first.findtext("m:More", namespaces=NS) == "true"
    assert rest.findall("m:Mutation", NS)
    assert all(int(e.text) > cursor for e in rest.findall("m:Mutation/m:Id", NS))


def test_only_the_mutations_within_the_centres_integration_periods_are_delivered():
    person = _integrated(1)[0]
    other = RegisteredPerson.objects.exclude(pk=person.pk).filter(decease_date__isnull=True).first()
    Integration.objects.create(
        ssin=other.niss, organisation="0999999990", legal_context="x", start_date=timezone.localdate()
    )
    ended = (
        RegisteredPerson.objects.exclude(pk__in=[person.pk, other.pk])
        .filter(decease_date__isnull=True)
        .first()
    )
    Integration.objects.create(
        ssin=ended.niss,
        organisation=BCE,
        legal_context="x",
        start_date=timezone.localdate() - datetime.timedelta(days=9),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    for niss in (person.niss, other.niss, ended.niss):
        mutation_simulate_one(ssin=niss, kind="MOVE")

    reply = _ask(_request())

    assert [e.text for e in reply.findall("m:Mutation/m:SSIN", NS)] == [person.niss]


def test_a_request_the_schema_refuses_is_refused_with_the_reason():
    reply = _ask(_request(organisation="12"))

    assert reply.findtext("m:Status/m:Code", namespaces=NS) == "REFUSED"
    assert "Organisation" in reply.findtext("m:Status/m:Reason", namespaces=NS)


def test_a_move_and_a_marriage_reach_the_persons_full_record():
    from simulators.bcss.history import person_record

    one = _integrated(1)[0]
    RegisteredPerson.objects.filter(pk=one.pk).update(civil_state=CivilState.SINGLE, partner_niss="")
    one.refresh_from_db()
    old_street = person_record(one).addresses[-1].data["street"]

    move = mutation_simulate_one(ssin=one.niss, kind="MOVE", seed=4)[0]
    mutation_simulate_one(ssin=one.niss, kind="MARRIAGE", seed=2)

    one.refresh_from_db()
    record = person_record(one)
    assert record.addresses[-1].data["street"] == move.data["street"]
    assert record.addresses[-2].data["street"] == old_street
    assert record.addresses[-2].end == timezone.localdate() - datetime.timedelta(days=1)
    assert record.civil_states[-1].data == {"code": CivilState.MARRIED.value, "partner": one.partner_niss}
    assert record.civil_states[-1].start == timezone.localdate()
