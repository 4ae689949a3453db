"""Consulting the national-register record of a dossier's beneficiary (RetrieveTIGroups), logged.

Every consultation writes a « Consultation de la BCSS » event whatever its outcome, as IdentifyPerson
does (dossiers.services); the screen showing the record adds its own « Consultation » event.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import translation

from primaweb.models import AuditEvent, User
from primaweb.services import audit_record

from . import bcss, bcss_record, codes
from .models import Dossier


def full_record_consult(
    *, dossier: Dossier, user: User, request: HttpRequest | None = None
) -> bcss_record.FullRecord:
    """The beneficiary's record, with its history, as the register gives it to the dossier's centre.

    Raises `bcss.BcssUnavailable` when the register cannot answer and `bcss_record.RecordRefused` when it
    refuses the request; both are logged too.
    """
    person = dossier.beneficiary
    details = {"service": "RetrieveTIGroups", "criteria": {"niss": person.niss}}
    language = (translation.get_language() or "fr")[:2]
    try:
        record = bcss_record.retrieve(
            ssin=person.niss, bce_number=dossier.centre.bce_number, language=language
        )
    except bcss.BcssUnavailable as exc:
        details |= {"outcome": "unavailable", "error": str(exc)[:300]}
        raise
    except bcss_record.RecordRefused as exc:
        details |= {"outcome": "refused", "reason_codes": [exc.code], "error": exc.diagnostic[:300]}
        raise
    else:
        details |= {"outcome": record.status, "reason_codes": [record.code], "ticket": record.ticket}
    finally:
        audit_record(
            action=AuditEvent.Action.BCSS_CONSULTATION,
            by=user,
            centre=dossier.centre,
            target=dossier,
            request=request,
            details=details,
        )
    return record


@dataclass(frozen=True)
class Row:
    start: object
    end: object
    text: str
    extra: str = ""


def display_rows(record: bcss_record.FullRecord) -> dict[str, list[Row]]:
    """The record's groups as the screen lists them, the period in force first."""

    def address(period) -> str:
        street = " ".join(part for part in (period.street, period.house_number) if part)
        if period.box:
            street = f"{street} bte {period.box}"
        town = " ".join(part for part in (period.postal_code, period.municipality) if part)
        return ", ".join(part for part in (street, town) if part)

    rows = {
        "addresses": [Row(p.start, p.end, address(p)) for p in record.addresses],
        "civil_states": [
            Row(
                p.start,
                p.end,
                codes.label(codes.CIVIL_STATES, p.code),
                " ".join(part for part in (p.partner_name, _niss(p.partner_niss)) if part),
            )
            for p in record.civil_states
        ],
        "household": [Row(p.start, p.end, p.name or _niss(p.niss), p.role) for p in record.household],
        "nationalities": [
            Row(p.start, p.end, str(codes.COUNTRIES.get(p.code, p.label or p.code)))
            for p in record.nationalities
        ],
    }
    return {group: list(reversed(found)) for group, found in rows.items()}


def persons_shown(record: bcss_record.FullRecord, *, beneficiary: str) -> list[str]:
    """The NISS of every person the record's screen shows (the beneficiary first, then the partners and
    the household members named in it): all of them are consulted."""
    found = [beneficiary]
    others = [p.partner_niss for p in record.civil_states] + [p.niss for p in record.household]
    for niss in others:
        if niss and niss not in found:
            found.append(niss)
    return found


def _niss(niss: str) -> str:
    from stdnum.be import nn

    return f"({nn.format(niss)})" if niss else ""
