"""A person's national-register record with its history, as RetrieveTIGroups (« Tx25 ») gives it.

Nothing is stored for a generated person: the earlier periods are derived from the person's NISS (a
`random.Random` seeded with it), so the same person always has the same past, and the last period of
each group is the person's row as it stands (address, civil state and partner, nationality, death).
A register of a million persons thus costs nothing more. A change made after generation goes through
`record_change`, which stores the group's periods (`RecordEntry`) from then on.

Groups: addresses (with the commune), civil states (with the date they began and the partner),
household composition (the head and its members), nationalities, death.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from . import names, places
from .models import CivilState, RecordEntry, RegisteredPerson
from .population import REFERENCE_DATE


@dataclass(frozen=True)
class Period:
    start: date
    data: dict
    end: date | None = None


@dataclass
class Record:
    person: RegisteredPerson
    addresses: list[Period] = field(default_factory=list)
    civil_states: list[Period] = field(default_factory=list)
    household: list[Period] = field(default_factory=list)
    nationalities: list[Period] = field(default_factory=list)
    decease: date | None = None


def _rng(person: RegisteredPerson) -> random.Random:
    return random.Random(int(person.niss) * 7919 + 17)  # noqa: S311 - a simulation, not cryptography


def _adult(person: RegisteredPerson) -> date:
    return person.birth_date_high + timedelta(days=18 * 366)


def _between(rng: random.Random, low: date, high: date) -> date:
    if high <= low:
        return low
    return low + timedelta(days=int((high - low).days * rng.random()))


def _address_of(person: RegisteredPerson) -> dict:
    code = person.municipality_code
    street = person.street_fr or person.street_nl or person.street_de
    return {
        "municipality_code": code,
        "municipality": places.names(code).get(places.languages(code)[0], "") if code else "",
        "postal_code": person.postal_code,
        "street": street,
        "house_number": person.house_number,
        "box": person.box,
    }


def _past_address(rng: random.Random, current: dict) -> dict:
    """An earlier address: another street, in the same commune most of the time."""
    code = current["municipality_code"]
    if not code or rng.random() < 0.3:
        code = rng.choice(places.all_codes())
    language = places.languages(code)[0]
    streets = {"de": names.STREETS_DE, "nl": names.STREETS_NL}.get(language, names.STREETS_FR)
    if language == "fr" and places.languages(code) == ("fr", "nl"):
        street = rng.choice(names.STREETS_BRUSSELS)[0]
    else:
        street = rng.choice(streets)
    return {
        "municipality_code": code,
        "municipality": places.names(code).get(language, ""),
        "postal_code": rng.choice(places.postal_codes(code) or ("",)),
        "street": street,
        "house_number": str(rng.randint(1, 180)),
        "box": "",
    }


def _derived_addresses(person: RegisteredPerson, rng: random.Random) -> list[Period]:
    current = _address_of(person)
    if not current["street"]:
        return []
    born = person.birth_date_low
    moves = sorted(_between(rng, born, REFERENCE_DATE) for _ in range(rng.choice((0, 1, 1, 2))))
    addresses = [_past_address(rng, current) for _ in moves] + [current]
    return _closed([Period(start, address) for start, address in zip([born, *moves], addresses, strict=True)])


def _derived_civil_states(person: RegisteredPerson, rng: random.Random) -> list[Period]:
    born = person.birth_date_low
    state = CivilState(person.civil_state)
    since = person.civil_state_since or born
    periods = [Period(born, {"code": CivilState.SINGLE.value, "partner": ""})]
    if state in (CivilState.DIVORCED, CivilState.WIDOWED, CivilState.SEPARATED):
        married = _between(rng, min(_adult(person), since), since)
        if married < since:
            periods.append(Period(married, {"code": CivilState.MARRIED.value, "partner": ""}))
    if state != CivilState.SINGLE:
        periods.append(Period(since, {"code": state.value, "partner": person.partner_niss}))
    return _closed(periods)


def _derived_household(person: RegisteredPerson, address_since: date) -> list[Period]:
    members = [person.niss]
    partner = person.partner_niss if person.civil_state in (20, 60) else ""
    since = address_since
    if partner:
        members.append(partner)
        if person.civil_state_since:
            since = max(since, person.civil_state_since)
    head = min(members)  # the elder of a couple is not known without a read: the lower NISS heads it
    return [Period(since, {"head": head, "members": members})]


def _derived_nationalities(person: RegisteredPerson, rng: random.Random) -> list[Period]:
    born = person.birth_date_low
    born_abroad = person.birth_place_code is not None and person.birth_place_code < 1000
    code = person.nationality_code
    if code == places.BELGIUM and born_abroad and person.birth_place_code != places.BELGIUM:
        naturalised = _between(rng, _adult(person), max(_adult(person), REFERENCE_DATE))
        return _closed([Period(born, {"code": person.birth_place_code}), Period(naturalised, {"code": code})])
    return [Period(born, {"code": code})]


def _closed(periods: list[Period]) -> list[Period]:
    """Each period ends the day before the next begins; the last one stays open."""
    periods = sorted(periods, key=lambda period: period.start)
    return [
        Period(period.start, period.data, following.start - timedelta(days=1) if following else None)
        for period, following in zip(periods, [*periods[1:], None], strict=True)
    ]


def _stored(person: RegisteredPerson) -> dict[str, list[Period]]:
    stored: dict[str, list[Period]] = {}
    for entry in RecordEntry.objects.filter(ssin=person.niss).order_by("start_date", "id"):
        stored.setdefault(entry.group, []).append(Period(entry.start_date, entry.data))
    return {group: _closed(periods) for group, periods in stored.items()}


def person_record(person: RegisteredPerson) -> Record:
    """The person's record with its history, derived or stored (stored groups win)."""
    rng = _rng(person)
    stored = _stored(person)
    addresses = stored.get(RecordEntry.Group.ADDRESS) or _derived_addresses(person, rng)
    address_since = addresses[-1].start if addresses else person.birth_date_low
    return Record(
        person=person,
        addresses=addresses,
        civil_states=stored.get(RecordEntry.Group.CIVIL_STATE) or _derived_civil_states(person, rng),
        household=stored.get(RecordEntry.Group.HOUSEHOLD) or _derived_household(person, address_since),
        nationalities=stored.get(RecordEntry.Group.NATIONALITY) or _derived_nationalities(person, rng),
        decease=person.decease_date,
    )


@transaction.atomic
def record_change(*, person: RegisteredPerson, group: str, start: date, data: dict) -> None:
    """Adds a period to one group of the person's record (a move, a marriage...), from `start` on.

    The group's derived history is stored first, so that the earlier periods stay as they were shown.
    The caller updates the person's row to match (its address, civil state, nationality).
    """
    if not RecordEntry.objects.filter(ssin=person.niss, group=group).exists():
        derived = getattr(person_record(person), _ATTRIBUTES[group])
        RecordEntry.objects.bulk_create(
            RecordEntry(ssin=person.niss, group=group, start_date=period.start, data=period.data)
            for period in derived
        )
    RecordEntry.objects.create(ssin=person.niss, group=group, start_date=start, data=data)


_ATTRIBUTES = {
    RecordEntry.Group.ADDRESS: "addresses",
    RecordEntry.Group.CIVIL_STATE: "civil_states",
    RecordEntry.Group.HOUSEHOLD: "household",
    RecordEntry.Group.NATIONALITY: "nationalities",
}
