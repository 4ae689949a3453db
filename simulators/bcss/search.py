"""Finding persons in the simulated register: by SSIN, or phonetically by last name and birth date.

The phonetic search is two indexed lookups, equality on the phonetic key or on the skeleton plus a range
on `birth_date_low`, then a ranking in Python of the (few) candidates; its cost follows the number of
namesakes born in the window, not the size of the register.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from . import phonetic
from .incomplete_dates import search_window
from .models import MAX_BIRTH_RANGE_DAYS, Gender, RegisteredPerson

# The IdentifyPerson schema allows 1..80 results and says "if not specified, maximum number is returned"
# without saying what that number is; the simulator returns 20, a screenful.
DEFAULT_MAXIMUM = 20
MAXIMUM_LIMIT = 80
_CANDIDATE_FIELDS = ("pk", "last_name", "first_names", "birth_date_low", "birth_date_high", "phonetic_key")


def person_by_ssin(ssin: str) -> RegisteredPerson | None:
    """The person with this NISS or BIS number, or None."""
    return RegisteredPerson.objects.filter(niss=ssin).first()


def birth_window(low: date, high: date, gender: int = Gender.UNKNOWN) -> QuerySet[RegisteredPerson]:
    """Persons whose birth-date range overlaps [low, high], of the given gender (or unknown) when 1 or 2.
    Filtered further by phonetic key or skeleton, it is a range scan of one of the composite indexes."""
    # A window reaching year 1 (a huge tolerance) cannot be widened further: it already covers everyone.
    earliest = (
        low - timedelta(days=MAX_BIRTH_RANGE_DAYS) if low.toordinal() > MAX_BIRTH_RANGE_DAYS else date.min
    )
    window = RegisteredPerson.objects.filter(
        # The lower bound on birth_date_low is implied by the overlap (a range spans at most a year), and
        # lets the database scan a short slice of the (key, birth_date_low) index.
        birth_date_low__gte=earliest,
        birth_date_low__lte=high,
        birth_date_high__gte=low,
    )
    if gender in (Gender.MALE, Gender.FEMALE):
        window = window.filter(gender__in=(gender, Gender.UNKNOWN))
    return window


@dataclass(frozen=True)
class Match:
    person: RegisteredPerson
    score: float


def phonetic_search(
    *,
    last_name: str,
    birth_date: str,
    tolerance: int | None = None,
    first_name: str = "",
    gender: int = Gender.UNKNOWN,
    maximum: int | None = None,
) -> list[Match]:
    """Persons whose last name sounds like `last_name`, born in the window `birth_date` +- `tolerance`
    (see `incomplete_dates.search_window`), best match first, at most `maximum` (1..80, default 20).

    A person whose own birth date is incomplete matches when its range overlaps the window. With gender
    1 or 2, persons of the other gender are left out (those of unknown gender stay). Raises
    `ToleranceRequired` or `IncompleteDateError` for an unusable birth date.
    """
    low, high = search_window(birth_date, tolerance)
    key, skeleton = phonetic.keys(last_name)
    if not key:
        return []
    limit = min(max(1, maximum or DEFAULT_MAXIMUM), MAXIMUM_LIMIT)
    window = birth_window(low, high, gender)
    candidates = {row[0]: row for row in window.filter(phonetic_key=key).values_list(*_CANDIDATE_FIELDS)}
    for row in window.filter(phonetic_skeleton=skeleton).values_list(*_CANDIDATE_FIELDS):
        candidates.setdefault(row[0], row)

    centre = (low.toordinal() + high.toordinal()) / 2
    ranked = []
    for pk, name, first_names, person_low, person_high, person_key in candidates.values():
        closeness = phonetic.similarity(last_name, name)
        threshold = phonetic.KEY_THRESHOLD if person_key == key else phonetic.SKELETON_THRESHOLD
        if closeness < threshold:
            continue
        if first_name:
            closeness = 0.7 * closeness + 0.3 * phonetic.first_name_similarity(first_name, first_names)
        # Among equally close names, the one born nearest the searched date comes first.
        distance = abs((person_low.toordinal() + person_high.toordinal()) / 2 - centre)
        ranked.append((-closeness, distance, pk))
    ranked.sort()
    chosen = ranked[:limit]
    persons = RegisteredPerson.objects.in_bulk([pk for _, _, pk in chosen])
    return [Match(person=persons[pk], score=-negative) for negative, _, pk in chosen]
