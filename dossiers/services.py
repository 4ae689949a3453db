"""Writes of the dossiers app: identification through the BCSS (logged), persons and dossiers."""

from dataclasses import asdict

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_record

from . import bcss
from .models import Dossier, DossierCounter, Person

# The adapter's public errors, for the apps that consult the BCSS through these services.
BcssUnavailable = bcss.BcssUnavailable
InvalidCaller = bcss.InvalidCaller
IdentifyReply = bcss.IdentifyReply


def _caller(*, centre: Centre, by: User) -> bcss.Caller:
    """The AuthorizedUser for `by` in `centre`; raises `bcss.InvalidCaller` when the BCSS would refuse it
    (no NISS, no e-mail): nothing is sent then, and nothing is logged, since nobody was consulted."""
    return bcss.Caller(user_niss=by.niss, email=by.email, bce_number=centre.bce_number)


def caller_problems(*, centre: Centre, user: User) -> tuple[str, ...]:
    """What keeps `user` from consulting the BCSS for `centre` ("niss", "email", "bce"); empty if nothing."""
    return bcss.caller_problems(user_niss=user.niss, email=user.email, bce_number=centre.bce_number)


def _outcome(reply: bcss.IdentifyReply | None, error: str = "") -> dict:
    if reply is None:
        return {"outcome": "unavailable", "error": error[:300]}
    return {
        "outcome": reply.ok,
        "found": len(reply.persons),
        "reason_codes": list(reply.reason_codes),
        "ticket": reply.ticket,
    }


def identification_by_niss(
    *, centre: Centre, niss: str, by: User, request: HttpRequest | None = None
) -> bcss.IdentifyReply:
    """Asks the BCSS for the person with this NISS; the consultation is logged whatever its outcome.

    Raises `bcss.BcssUnavailable` when the service cannot answer (logged too).
    """
    return _consult(
        centre=centre,
        by=by,
        request=request,
        criteria={"niss": niss},
        call=lambda caller: bcss.identify_by_niss(niss=niss, caller=caller),
    )


def identification_phonetic(
    *, centre: Centre, criteria: bcss.PhoneticCriteria, by: User, request: HttpRequest | None = None
) -> bcss.IdentifyReply:
    """Phonetic search at the BCSS; logged like `identification_by_niss`."""
    return _consult(
        centre=centre,
        by=by,
        request=request,
        criteria=asdict(criteria),
        call=lambda caller: bcss.identify_phonetic(criteria=criteria, caller=caller),
    )


def identification_by_niss_as_service(
    *, centre: Centre, niss: str, username: str, request: HttpRequest | None = None
) -> bcss.IdentifyReply:
    """Asks the BCSS for `niss` as `centre`'s technical BCSS user, for a service that has no signed-in
    worker (CPAS Online's public form); logged in `centre`'s trail under `username`.

    Raises `InvalidCaller` when the centre's technical user would be refused: nothing is sent then, nor
    logged. Raises `BcssUnavailable` when the service cannot answer (logged).
    """
    caller = bcss.Caller(
        user_niss=centre.bcss_technical_user_niss,
        email=centre.bcss_technical_user_email,
        bce_number=centre.bce_number,
    )
    return _consult(
        centre=centre,
        by=None,
        username=username,
        request=request,
        criteria={"niss": niss},
        call=lambda _caller: bcss.identify_by_niss(niss=niss, caller=caller),
    )


def _consult(*, centre, by, request, criteria, call, username: str = "") -> bcss.IdentifyReply:
    trail = {"by": by, "centre": centre, "request": request, "username": username}
    try:
        reply = call(_caller(centre=centre, by=by) if by is not None else None)
    except bcss.BcssUnavailable as exc:
        audit_record(
            action=AuditEvent.Action.BCSS_CONSULTATION,
            details={"criteria": criteria, **_outcome(None, str(exc))},
            **trail,
        )
        raise
    audit_record(
        action=AuditEvent.Action.BCSS_CONSULTATION,
        details={"criteria": criteria, **_outcome(reply)},
        **trail,
    )
    return reply


def _next_number(centre: Centre) -> str:
    counter, _created = (
        DossierCounter.objects.for_centre(centre).select_for_update().get_or_create(centre=centre)
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    # Year of creation and a sequence: at most 11 characters, unique in the centre, never reused.
    return f"{timezone.localdate().year}{counter.last_number:06d}"


@transaction.atomic
def dossier_create(
    *,
    centre: Centre,
    identified: bcss.IdentifiedPerson,
    effective_address: dict[str, str],
    by: User,
    request: HttpRequest | None = None,
) -> tuple[Dossier, bool]:
    """Records the person's legal data and opens their dossier in `centre`.

    Returns `(dossier, created)`: a person who already has a dossier in the centre gets that dossier back
    (`created` False), never a second one. The person's legal data are refreshed either way.
    """
    address = identified.address
    legal = {
        "last_name": identified.last_name,
        "first_names": " ".join(p for p in (identified.first_name, identified.middle_name) if p),
        "birth_date": identified.birth_date,
        "gender": identified.gender,
        "civil_state": identified.civil_state,
        "nationality_code": identified.nationality_code,
        "register": identified.register,
        "birth_place": identified.birth_place,
        "decease_date": identified.decease_date,
        "legal_street": address.street or address.plain_text,
        "legal_house_number": address.house_number,
        "legal_box": address.box,
        "legal_postal_code": address.postal_code,
        "legal_municipality": address.municipality,
        "legal_municipality_code": address.municipality_code,
        "legal_country": "Belgique" if address.country_code == "150" else address.country_code,
        "bcss_consulted_at": timezone.now(),
    }
    person = Person.objects.for_centre(centre).select_for_update().filter(niss=identified.niss).first()
    if person is None:
        person = Person.objects.create(centre=centre, niss=identified.niss, **legal, **effective_address)
    else:
        for name, value in legal.items():
            setattr(person, name, value)
        person.save()
    existing = Dossier.objects.for_centre(centre).filter(beneficiary=person).first()
    if existing is not None:
        return existing, False
    for name, value in effective_address.items():
        setattr(person, name, value)
    person.full_clean(exclude=["centre"])
    person.save()
    dossier = Dossier.objects.create(
        centre=centre, number=_next_number(centre), beneficiary=person, created_by=by
    )
    audit_record(action=AuditEvent.Action.CREATE, by=by, centre=centre, target=dossier, request=request)
    return dossier, True
