"""The register changing over time: moves, deaths, marriages, divorces, births, changes of nationality.

Each simulated change is applied to the persons of the register (a later identification or record
reflects it) and stored as a `RegisterMutation`, which the pull service (`mutation_pull.py`) delivers to
the centres that have integrated the person. Persons some centre has integrated are chosen most of the
time, so that the centres of the demo see mutations arrive.
"""

import copy
import random
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from . import history, names, places
from .models import (
    CivilState,
    Gender,
    Integration,
    MutationKind,
    RecordEntry,
    RegisteredPerson,
    RegisterMutation,
)
from .population import Generator, NissAllocator

KIND_WEIGHTS = (
    (MutationKind.MOVE, 45),
    (MutationKind.MARRIAGE, 12),
    (MutationKind.DIVORCE, 8),
    (MutationKind.BIRTH, 15),
    (MutationKind.NATIONALITY, 8),
    (MutationKind.DEATH, 12),
)
INTEGRATED_SHARE = 0.8
COUPLED = (CivilState.MARRIED, CivilState.LEGAL_COHABITATION)


def _integrated_ssins(on: date) -> list[str]:
    return list(
        Integration.objects.filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("ssin", flat=True)
        .distinct()[:50_000]
    )


def _random_person(rng: random.Random, alive) -> RegisteredPerson | None:
    bounds = alive.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return None
    start = rng.randint(bounds["low"], bounds["high"])
    return alive.filter(pk__gte=start).order_by("pk").first() or alive.order_by("pk").first()


def _pick(rng: random.Random, integrated: list[str]) -> RegisteredPerson | None:
    alive = RegisteredPerson.objects.filter(decease_date__isnull=True)
    if integrated and rng.random() < INTEGRATED_SHARE:
        person = alive.filter(niss=rng.choice(integrated)).first()
        if person is not None:
            return person
    return _random_person(rng, alive)


def address_of(person: RegisteredPerson) -> dict:
    """The person's address as the pull service carries it, in the commune's main language."""
    main = places.languages(person.municipality_code)[0] if person.municipality_code else "fr"
    street = getattr(person, f"street_{main}") or person.street_fr or person.street_nl or person.street_de
    municipality = places.names(person.municipality_code).get(main, "") if person.municipality_code else ""
    return {
        "street": street,
        "house_number": person.house_number,
        "box": person.box,
        "postal_code": person.postal_code,
        "municipality_code": person.municipality_code,
        "municipality": municipality,
    }


def _history(before: RegisteredPerson, group: str, on: date, data: dict) -> None:
    """The person's record (RetrieveTIGroups) gets the new period; `before` is the row as it was."""
    history.record_change(person=before, group=group, start=on, data=data)


def _record(person: RegisteredPerson, kind: str, on: date, data: dict) -> RegisterMutation:
    return RegisterMutation.objects.create(ssin=person.niss, kind=kind, occurred_on=on, data=data)


def _move(rng, person, on, generator) -> list[RegisterMutation]:
    region = rng.choice(list(generator.homes))
    before = copy.copy(person)
    for field in ("street_fr", "street_nl", "street_de", "box"):
        setattr(person, field, "")
    generator._address(person, region)
    _history(before, RecordEntry.Group.ADDRESS, on, address_of(person))
    person.save()
    moved = [_record(person, MutationKind.MOVE, on, address_of(person))]
    if person.civil_state in COUPLED and person.partner_niss:
        partner = RegisteredPerson.objects.filter(niss=person.partner_niss, decease_date__isnull=True).first()
        if partner is not None:
            _history(copy.copy(partner), RecordEntry.Group.ADDRESS, on, address_of(person))
            for field in ("municipality_code", "postal_code", "street_fr", "street_nl", "street_de"):
                setattr(partner, field, getattr(person, field))
            partner.house_number, partner.box = person.house_number, person.box
            partner.save()
            moved.append(_record(partner, MutationKind.MOVE, on, address_of(partner)))
    return moved


def _death(rng, person, on, generator) -> list[RegisterMutation]:
    person.decease_date = on
    person.save()
    partner = (
        RegisteredPerson.objects.filter(niss=person.partner_niss).first() if person.partner_niss else None
    )
    if person.civil_state in COUPLED and partner is not None:
        widowed = {"code": CivilState.WIDOWED.value, "partner": ""}
        _history(copy.copy(partner), RecordEntry.Group.CIVIL_STATE, on, widowed)
        partner.civil_state, partner.civil_state_since, partner.partner_niss = CivilState.WIDOWED, on, ""
        partner.save()
    return [_record(person, MutationKind.DEATH, on, {})]


def _marriage(rng, person, on, generator) -> list[RegisterMutation] | None:
    if person.civil_state in COUPLED or (date(on.year, 1, 1) - person.birth_date_high).days < 18 * 365:
        return None
    partner = _random_person(
        rng,
        RegisteredPerson.objects.filter(decease_date__isnull=True)
        .exclude(civil_state__in=COUPLED)
        .exclude(pk=person.pk)
        .filter(birth_date_high__lte=on - timedelta(days=18 * 366)),
    )
    if partner is None:
        return None
    made = []
    for one, other in ((person, partner), (partner, person)):
        married = {"code": CivilState.MARRIED.value, "partner": other.niss}
        _history(copy.copy(one), RecordEntry.Group.CIVIL_STATE, on, married)
        one.civil_state, one.civil_state_since, one.partner_niss = CivilState.MARRIED, on, other.niss
        one.save()
        made.append(
            _record(
                one, MutationKind.MARRIAGE, on, {"civil_state": CivilState.MARRIED, "partner": other.niss}
            )
        )
    return made


def _divorce(rng, person, on, generator) -> list[RegisterMutation] | None:
    if person.civil_state != CivilState.MARRIED:
        return None
    made = []
    partner = (
        RegisteredPerson.objects.filter(niss=person.partner_niss).first() if person.partner_niss else None
    )
    for one in (person, partner):
        if one is None:
            continue
        divorced = {"code": CivilState.DIVORCED.value, "partner": ""}
        _history(copy.copy(one), RecordEntry.Group.CIVIL_STATE, on, divorced)
        one.civil_state, one.civil_state_since, one.partner_niss = CivilState.DIVORCED, on, ""
        one.save()
        made.append(_record(one, MutationKind.DIVORCE, on, {"civil_state": CivilState.DIVORCED}))
    return made


def _birth(rng, person, on, generator) -> list[RegisterMutation] | None:
    allocator = NissAllocator(
        RegisteredPerson.objects.filter(niss__startswith=on.strftime("%y%m%d")).values_list("niss", flat=True)
    )
    gender = rng.choice((Gender.MALE, Gender.FEMALE))
    first = rng.choice(names.WALLOON_MALE if gender == Gender.MALE else names.WALLOON_FEMALE)
    child = RegisteredPerson(
        niss=allocator.allocate(on.year, on.month, on.day, gender),
        last_name=person.last_name,
        first_names=first,
        birth_date=on.isoformat(),
        gender=gender,
        nationality_code=person.nationality_code,
        register=person.register,
        birth_place_code=int(person.municipality_code) if person.municipality_code else None,
    )
    for field in (
        "municipality_code",
        "postal_code",
        "street_fr",
        "street_nl",
        "street_de",
        "house_number",
        "box",
    ):
        setattr(child, field, getattr(person, field))
    child.save()
    household = history.person_record(person).household
    members = list(household[-1].data.get("members", [person.niss])) if household else [person.niss]
    head = household[-1].data.get("head", person.niss) if household else person.niss
    _history(person, RecordEntry.Group.HOUSEHOLD, on, {"head": head, "members": [*members, child.niss]})
    data = {"child": child.niss, "last_name": child.last_name, "first_name": child.first_names}
    return [_record(person, MutationKind.BIRTH, on, data)]


def _nationality(rng, person, on, generator) -> list[RegisterMutation] | None:
    if person.nationality_code == places.BELGIUM:
        return None  # a Belgian keeps the nationality here: the common change is a naturalisation
    _history(copy.copy(person), RecordEntry.Group.NATIONALITY, on, {"code": places.BELGIUM})
    person.nationality_code = places.BELGIUM
    person.save()
    return [_record(person, MutationKind.NATIONALITY, on, {"nationality": places.BELGIUM})]


_APPLY = {
    MutationKind.MOVE: _move,
    MutationKind.DEATH: _death,
    MutationKind.MARRIAGE: _marriage,
    MutationKind.DIVORCE: _divorce,
    MutationKind.BIRTH: _birth,
    MutationKind.NATIONALITY: _nationality,
}


def mutation_simulate_one(
    *, ssin: str, kind: str, on: date | None = None, seed: int | None = None
) -> list[RegisterMutation]:
    """Applies one change of `kind` to the person `ssin` and records it (with its partner's, if any).

    Returns the mutations recorded; an empty list when the change does not apply to the person (a
    divorce of a single person, a naturalisation of a Belgian, a dead person).
    """
    rng = random.Random(seed)
    person = RegisteredPerson.objects.filter(niss=ssin, decease_date__isnull=True).first()
    if person is None:
        return []
    with transaction.atomic():
        generator = Generator(rng, NissAllocator())
        return _APPLY[kind](rng, person, on or timezone.localdate(), generator) or []


def mutations_simulate(*, count: int, seed: int | None = None, on: date | None = None) -> int:
    """Produces `count` changes of the register (of random types, by KIND_WEIGHTS); returns how many
    mutations were recorded (a marriage, a divorce, a couple's move record one per partner)."""
    rng = random.Random(seed)
    on = on or timezone.localdate()
    generator = Generator(rng, NissAllocator())
    integrated = _integrated_ssins(on)
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    recorded = made = attempts = 0
    while made < count and attempts < count * 20:
        attempts += 1
        person = _pick(rng, integrated)
        if person is None:
            break
        kind = rng.choices(kinds, weights)[0]
        with transaction.atomic():
            mutations = _APPLY[kind](rng, person, on, generator)
        if mutations:
            made += 1
            recorded += len(mutations)
    return recorded
