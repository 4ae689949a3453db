"""The OCMWCPASManageAccess service: the BCSS directory of references (« répertoire des références »).

`manage_access(payload, organisation=...)` answers one ManageAccessRequest for the organisation (the
caller's OrgUnit, a BCE number) and returns the details and the ManageAccessReply to carry. Rules:

- REGISTER adds an inscription (SSIN, organisation, sector 17, purpose, period). Refused: an invalid or
  unknown SSIN, a proof of authentication that is empty or does not match the person, a date out of
  Python's range, a period ending before it
  starts, a period overlapping another inscription of the person for the organisation (those are
  returned in `Registrations`).
- UNREGISTER acts on the inscription starting on the period's start date: with an end date it ends the
  inscription then; without one it removes the inscription. Refused when there is no such inscription
  (no `Registrations` then) or when the end date precedes the start (the inscription is returned).
- LIST returns the person's inscriptions for the organisation.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from lxml import etree
from stdnum.be import bis, nn

from . import reasons, schemas
from .models import Integration
from .reasons import Detail
from .search import person_by_ssin

NS = schemas.NS_MAR
_Q = {"m": NS, "c": schemas.NS_COMMON}
SECTOR_CPAS = 17


@dataclass
class AccessOutcome:
    details: list[Detail] = field(default_factory=list)
    request: dict = field(default_factory=dict)
    registrations: list[Integration] = field(default_factory=list)

    def build(self, parent: etree._Element) -> None:
        """Appends the ManageAccessReply (only for a request good enough to be echoed)."""
        if not self.request:
            return
        reply = etree.SubElement(parent, f"{{{NS}}}ManageAccessReply", nsmap={"ns3": NS})
        original = _sub(reply, "OriginalRequest")
        _sub(original, "SSIN", self.request["ssin"])
        _sub(original, "Purpose", self.request["purpose"] or "0")
        _period(original, self.request["start"], self.request["end"])
        _sub(original, "Action", self.request["action"])
        if self.request["action"] == "LIST":
            _sub(original, "Register", self.request["register"] or "ALL")
        for inscription in self.registrations:
            registration = _sub(reply, "Registrations")
            _sub(registration, "Purpose", inscription.legal_context)
            _period(
                registration,
                inscription.start_date.isoformat(),
                inscription.end_date.isoformat() if inscription.end_date else "",
            )
            _sub(registration, "OrgUnit", inscription.organisation)
            _sub(registration, "Register", "PRIMARY")


def _sub(parent, name, text=None, ns=NS):
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


def _period(parent, start: str, end: str) -> None:
    period = _sub(parent, "Period")
    _sub(period, "StartDate", start, ns=schemas.NS_COMMON)
    if end:
        _sub(period, "EndDate", end, ns=schemas.NS_COMMON)


def _text(element, path: str) -> str:
    found = element.find(path, _Q) if element is not None else None
    return " ".join((found.text or "").split()) if found is not None else ""


def _folded(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


def _date(value: str) -> datetime.date:
    """An xs:date (its time zone dropped); ValueError for a year the service's dates do not hold
    (xs:date allows five-digit and negative years)."""
    if not value[:4].isdigit() or value[4:5] != "-":
        raise ValueError(f"{value}: year out of range")
    return datetime.date.fromisoformat(value[:10])


def _overlapping(ssin: str, organisation: str, start: datetime.date, end: datetime.date | None):
    found = Integration.objects.filter(ssin=ssin, organisation=organisation).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    if end is not None:
        found = found.filter(start_date__lte=end)
    return list(found.order_by("start_date"))


def manage_access(payload: etree._Element, *, organisation: str) -> AccessOutcome:
    """Answers one ManageAccessRequest element; never raises for a bad request, it reports it."""
    complaint = schemas.manage_access_errors(payload)
    if complaint:
        return AccessOutcome([reasons.invalid_request("ManageAccessRequest", complaint)])
    request = {
        "ssin": _text(payload, "m:SSIN"),
        "purpose": _text(payload, "m:Purpose"),
        "start": _text(payload, "m:Period/c:StartDate"),
        "end": _text(payload, "m:Period/c:EndDate"),
        "action": _text(payload, "m:Action"),
        "register": _text(payload, "m:QueryRegister"),
    }
    outcome = AccessOutcome(request=request)
    ssin, action = request["ssin"], request["action"]
    if action == "LIST":
        outcome.registrations = list(
            Integration.objects.filter(ssin=ssin, organisation=organisation).order_by("start_date")
        )
        return outcome
    if not request["purpose"]:
        outcome.details.append(reasons.mandatory_missing("Purpose"))
        return outcome
    if not (nn.is_valid(ssin) or bis.is_valid(ssin)):
        outcome.details.append(reasons.ssin_invalid(ssin))
        return outcome
    person = person_by_ssin(ssin)
    if person is None:
        outcome.details.append(reasons.ssin_not_found(ssin))
        return outcome
    if not len(payload.find("m:ProofOfAuthentication", _Q)):
        # The service asks for at least one of the three (the schema cannot say so).
        outcome.details.append(reasons.mandatory_missing("ProofOfAuthentication"))
        return outcome
    data = payload.find("m:ProofOfAuthentication/m:PersonData", _Q)
    if data is not None and (
        _folded(_text(data, "m:LastName")) != _folded(person.last_name)
        or _text(data, "m:BirthDate") != person.birth_date
    ):
        outcome.details.append(reasons.proof_mismatch(ssin))
        return outcome
    try:
        start = _date(request["start"])
        end = _date(request["end"]) if request["end"] else None
    except ValueError as exc:
        outcome.details.append(reasons.invalid_request("ManageAccessRequest", f"Period: {exc}"))
        return outcome
    with transaction.atomic():
        # One person's inscriptions change one request at a time: the overlap check holds.
        list(Integration.objects.select_for_update().filter(ssin=ssin, organisation=organisation))
        if action == "REGISTER":
            _register(outcome, ssin, organisation, start, end)
        else:
            _unregister(outcome, ssin, organisation, start, end)
    return outcome


def _register(outcome, ssin, organisation, start, end) -> None:
    if end is not None and end < start:
        outcome.details.append(reasons.period_ends_before_start(start.isoformat(), end.isoformat()))
        return
    overlapping = _overlapping(ssin, organisation, start, end)
    if overlapping:
        outcome.details.append(reasons.inscription_overlaps(ssin))
        outcome.registrations = overlapping
        return
    outcome.registrations = [
        Integration.objects.create(
            ssin=ssin,
            organisation=organisation,
            sector=SECTOR_CPAS,
            legal_context=outcome.request["purpose"],
            start_date=start,
            end_date=end,
        )
    ]


def _unregister(outcome, ssin, organisation, start, end) -> None:
    inscription = Integration.objects.filter(ssin=ssin, organisation=organisation, start_date=start).first()
    if inscription is None:
        outcome.details.append(reasons.inscription_not_found(ssin, start.isoformat()))
        return
    if end is None:
        inscription.delete()
        return
    if end < start:
        outcome.details.append(reasons.period_ends_before_start(start.isoformat(), end.isoformat()))
        outcome.registrations = [inscription]
        return
    inscription.end_date = end
    inscription.save(update_fields=["end_date"])
    outcome.registrations = [inscription]
