"""The person's legal address replaced by a newer one (a move the register reported), the old one kept."""

from datetime import date

from django.db import transaction
from django.http import HttpRequest

from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_record

from .models import LegalAddressHistory, Person

ADDRESS_FIELDS = (
    "street",
    "house_number",
    "box",
    "postal_code",
    "municipality",
    "municipality_code",
    "country",
)


@transaction.atomic
def person_legal_address_update(
    *,
    person: Person,
    address: dict[str, str],
    by: User,
    moved_on: date | None = None,
    source: str = "",
    request: HttpRequest | None = None,
) -> Person:
    """Replaces the person's legal address with `address` (keys of ADDRESS_FIELDS, missing ones blank);
    the former address goes to the person's history first, so nothing of it is lost."""
    person = Person.objects.for_centre(person.centre_id).select_for_update().get(pk=person.pk)
    LegalAddressHistory.objects.create(
        centre_id=person.centre_id,
        person=person,
        replaced_by=by,
        moved_on=moved_on,
        source=source[:100],
        **{name: getattr(person, f"legal_{name}") for name in ADDRESS_FIELDS},
    )
    for name in ADDRESS_FIELDS:
        # Cut to what the person's field holds (the register's texts may be longer; its whole text stays
        # with the caller, e.g. on the mutation), rather than failing the update.
        width = Person._meta.get_field(f"legal_{name}").max_length
        setattr(person, f"legal_{name}", (address.get(name) or "").strip()[:width])
    person.save(update_fields=[f"legal_{name}" for name in ADDRESS_FIELDS])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=by,
        centre=person.centre,
        target=person,
        request=request,
        details={"event": "legal_address_updated", "source": source},
    )
    return person


def legal_address_history(*, centre: Centre, person: Person) -> list[LegalAddressHistory]:
    """The person's former legal addresses, the most recently replaced first."""
    return list(LegalAddressHistory.objects.for_centre(centre).filter(person=person))
