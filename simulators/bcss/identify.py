"""The OCMWCPASIdentifyPerson service: what the BCSS answers to one IdentifyPersonRequest.

`identify(payload)` takes the request element and returns the details (reason codes) and the persons
found; the SSDN layer wraps them in a ServiceReply. Rules, as the real service applies them:

- an SSIN wins over phonetic criteria given with it (warning 21007001); a found SSIN validates the
  identity (information 12007001) and the reply carries the Extended data; PersonData that does not match
  adds warning 22007007; an unknown or invalid SSIN is an error without a documented reason code
  (see `reasons`);
- phonetic criteria need a last name and a birth date (31000007 names the missing one); an incomplete
  birth date needs a tolerance (31009001); nothing found is 32007004. Phonetic results carry Basic data
  only: the identity is not validated by a phonetic search.
"""

from dataclasses import dataclass, field

from lxml import etree
from stdnum.be import bis, nn

from . import reasons, schemas
from .incomplete_dates import IncompleteDateError, ToleranceRequired
from .models import RegisteredPerson
from .reasons import Detail
from .search import person_by_ssin, phonetic_search

NS = schemas.NS_IPR
_Q = {"i": NS}


@dataclass
class Outcome:
    details: list[Detail] = field(default_factory=list)
    persons: list[RegisteredPerson] = field(default_factory=list)
    validated: bool = False


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path, _Q)
    return " ".join((found.text or "").split()) if found is not None else ""


# xs:integer has no bound: beyond this, a tolerance is as good as infinite (and int() of thousands of
# digits is refused by Python itself).
_INTEGER_CAP = 10**18


def _integer(element: etree._Element, path: str) -> int | None:
    value = _text(element, path)
    if not value:
        return None
    digits = value.lstrip("+-").lstrip("0")
    if len(digits) > len(str(_INTEGER_CAP)):
        return -_INTEGER_CAP if value.startswith("-") else _INTEGER_CAP
    return int(value)


def _missing_phonetic_arguments(phonetic: etree._Element) -> list[Detail]:
    missing = []
    for name, label in (("LastName", "Last Name"), ("BirthDate", "Birth Date")):
        if not _text(phonetic, f"i:{name}"):
            missing.append(reasons.mandatory_missing(f"Phonetic Criteria: {label}"))
    return missing


def identify(payload: etree._Element) -> Outcome:
    """Answers one IdentifyPersonRequest element; never raises for a bad request, it reports it."""
    criteria = payload.find("i:SearchCriteria", _Q)
    ssin = _text(criteria, "i:SSIN")
    phonetic = criteria.find("i:PhoneticCriteria", _Q) if criteria is not None else None
    if criteria is not None and not ssin and phonetic is None:
        return Outcome([reasons.mandatory_missing("Search Criteria: SSIN or Phonetic Criteria")])
    if not ssin and phonetic is not None:
        # The real service names a missing last name or birth date before judging the rest.
        missing = _missing_phonetic_arguments(phonetic)
        if missing:
            return Outcome(missing)
    complaint = schemas.payload_errors(payload)
    if complaint:
        return Outcome([reasons.invalid_request("IdentifyPersonRequest", complaint)])
    if ssin:
        return _by_ssin(ssin, phonetic is not None, payload)
    return _by_phonetic(phonetic)


def _by_ssin(ssin: str, phonetic_given: bool, payload: etree._Element) -> Outcome:
    outcome = Outcome()
    if phonetic_given:
        outcome.details.append(reasons.ssin_and_phonetic())
    if not (nn.is_valid(ssin) or bis.is_valid(ssin)):
        outcome.details.append(reasons.ssin_invalid(ssin))
        return outcome
    person = person_by_ssin(ssin)
    if person is None:
        outcome.details.append(reasons.ssin_not_found(ssin))
        return outcome
    person_data = payload.find("i:VerificationData/i:PersonData", _Q)
    if person_data is not None:
        given = {name: _text(person_data, f"i:{name}") for name in ("LastName", "FirstName", "MiddleName")}
        given["BirthDate"] = _text(person_data, "i:BirthDate")
        if not _person_data_matches(person, given):
            outcome.details.append(reasons.person_data_mismatch(ssin, given))
    outcome.details.append(reasons.identity_validated(ssin))
    outcome.persons = [person]
    outcome.validated = True
    return outcome


def _person_data_matches(person: RegisteredPerson, given: dict[str, str]) -> bool:
    """PersonData is matched exactly (case aside): last name, birth date, and the first name if given."""
    if given["LastName"].casefold() != person.last_name.casefold() or given["BirthDate"] != person.birth_date:
        return False
    first = given["FirstName"].casefold()
    names = person.first_names.casefold()
    return not first or first == names or first in names.split()


def _by_phonetic(phonetic: etree._Element) -> Outcome:
    birth_date = _text(phonetic, "i:BirthDate")
    try:
        matches = phonetic_search(
            last_name=_text(phonetic, "i:LastName"),
            first_name=_text(phonetic, "i:FirstName"),
            birth_date=birth_date,
            tolerance=_integer(phonetic, "i:Tolerance"),
            gender=_integer(phonetic, "i:Gender") or 0,
            maximum=_integer(phonetic, "i:Maximum"),
        )
    except ToleranceRequired:
        return Outcome([reasons.tolerance_required(birth_date)])
    except IncompleteDateError:
        return Outcome([reasons.invalid_birth_date(birth_date)])
    if not matches:
        return Outcome([reasons.phonetic_not_found()])
    return Outcome(persons=[match.person for match in matches])
