"""Writes of the dossiers app: identification through the BCSS (logged), persons and dossiers."""

from dataclasses import asdict
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_record

from . import bcss, integration
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
        centre=centre,
        number=_next_number(centre),
        beneficiary=person,
        created_by=by,
        integration_start=timezone.localdate(),
    )
    audit_record(action=AuditEvent.Action.CREATE, by=by, centre=centre, target=dossier, request=request)
    integration.integration_queue(dossier_id=dossier.pk)
    return dossier, True


class DossierStateError(Exception):
    """The dossier is not in a state that allows the action (closing a closed dossier, ...)."""


@transaction.atomic
def dossier_close(
    *, dossier: Dossier, user: User, reason: str, request: HttpRequest | None = None
) -> Dossier:
    """Closes the dossier for `reason`; its beneficiary is unregistered from the BCSS directory of
    references (up to today) by a task queued on commit. Reversible: `dossier_reopen`."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a closing reason is required")
    dossier = Dossier.objects.for_centre(dossier.centre).select_for_update().get(pk=dossier.pk)
    if dossier.is_closed:
        raise DossierStateError("already closed")
    dossier.closed_at = timezone.now()
    dossier.closed_by = user
    dossier.closing_reason = reason[:300]
    dossier.integration_state = Dossier.Integration.UNREGISTERING
    dossier.integration_error = ""
    dossier.save(
        update_fields=["closed_at", "closed_by", "closing_reason", "integration_state", "integration_error"]
    )
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=user,
        centre=dossier.centre,
        target=dossier,
        request=request,
        details={"event": "dossier_closed", "reason": dossier.closing_reason},
    )
    integration.integration_queue(dossier_id=dossier.pk)
    return dossier


@transaction.atomic
def dossier_reopen(*, dossier: Dossier, user: User, request: HttpRequest | None = None) -> Dossier:
    """Reopens a closed dossier; its beneficiary is registered again from the day after the last period
    (today at the earliest), by a task queued on commit."""
    dossier = Dossier.objects.for_centre(dossier.centre).select_for_update().get(pk=dossier.pk)
    if not dossier.is_closed:
        raise DossierStateError("not closed")
    closed_on = timezone.localdate(dossier.closed_at)
    previous_reason = dossier.closing_reason
    dossier.integration_start = max(timezone.localdate(), closed_on + timedelta(days=1))
    dossier.closed_at = None
    dossier.closed_by = None
    dossier.closing_reason = ""
    dossier.integration_state = Dossier.Integration.PENDING
    dossier.integration_error = ""
    dossier.save(
        update_fields=[
            "closed_at",
            "closed_by",
            "closing_reason",
            "integration_start",
            "integration_state",
            "integration_error",
        ]
    )
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=user,
        centre=dossier.centre,
        target=dossier,
        request=request,
        details={"event": "dossier_reopened", "closed_on": closed_on.isoformat(), "reason": previous_reason},
    )
    integration.integration_queue(dossier_id=dossier.pk)
    return dossier


def dossier_integration_retry(*, dossier: Dossier, user: User, request: HttpRequest | None = None) -> None:
    """« Réessayer l'intégration BCSS »: queues the integration work again now, asked for `user`."""
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=user,
        centre=dossier.centre,
        target=dossier,
        request=request,
        details={"event": "integration_retry", "state": dossier.integration_state},
    )
    # Asked for the worker who retries: the dossier's creator may since have lost access to the BCSS.
    integration.integration_queue(dossier_id=dossier.pk, by_id=user.pk)
