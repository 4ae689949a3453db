"""Writes of the core: the audit trail, centres and memberships."""

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from .models import AuditEvent, Centre, Membership, User

# The one way to get a request's address, re-exported for the apps that already ask the core for it.
from .network import client_address as client_address


def audit_record(
    *,
    action: str,
    by: User | None,
    centre: Centre | None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    username: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Appends one event to the audit trail and returns it.

    The event is written in the caller's transaction: if the action rolls back, so does its trace.
    """
    return AuditEvent.objects.create(
        centre=centre,
        user=by if by is not None and by.pk else None,
        username=(by.get_username() if by is not None and by.pk else username)[:150],
        action=action,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:300] if target is not None else "",
        details=details or {},
        ip_address=client_address(request),
    )


@transaction.atomic
def centre_create(
    *,
    name_fr: str,
    name_nl: str,
    bce_number: str,
    nis_code: str,
    language: str = "",
    by: User | None = None,
    **contact: str,
) -> Centre:
    """Creates a validated centre; the working language defaults to the commune's."""
    centre = Centre(
        name_fr=name_fr,
        name_nl=name_nl,
        bce_number=bce_number,
        nis_code=nis_code,
        language=language,
        **contact,
    )
    centre.full_clean()
    centre.save()
    audit_record(action=AuditEvent.Action.CREATE, by=by, centre=centre, target=centre)
    return centre


@transaction.atomic
def membership_grant(*, user: User, centre: Centre, role: str, by: User | None = None) -> Membership:
    """Gives `user` the `role` in `centre`, reactivating a withdrawn access; idempotent."""
    membership, created = Membership.objects.get_or_create(
        user=user, centre=centre, defaults={"role": role, "is_active": True}
    )
    if not created and (membership.role != role or not membership.is_active):
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    elif not created:
        return membership
    audit_record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        by=by,
        centre=centre,
        target=membership,
        details={"role": role},
    )
    return membership
