"""« Ajouter une personne existante »: an access to a centre offered to an existing account by e-mail.

A NISS or an e-mail address typed by a centre is a claim, not a proof: the administrator of another
centre may have created an account carrying a real worker's NISS and address, with a password of their
own. So a look-up (both the exact NISS and the exact e-mail) gives no access: it makes an `Invitation`
and e-mails a signed, single-use, expiring link to the account's address. The access is given only when
that link is opened by someone signed in to that very account: the mailbox and the password are both
proven. Every step is in the inviting centre's audit trail.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .mail import email_compose
from .models import AuditEvent, Centre, Invitation, Membership, User
from .ratelimit import rate_limit_allows
from .services import audit_record, membership_grant

TOKEN_SALT = "primaweb.invitation"


class TooManyLookups(Exception):
    """The administrator made too many look-ups in the last hour; nothing was looked up."""


class AlreadyMember(Exception):
    """The account found already has an active access to the centre; nothing was sent."""


class InvitationRefused(Exception):
    """The link cannot give the access (another account, expired, withdrawn, used); the refusal is traced."""


def _lifetime() -> timedelta:
    return timedelta(days=settings.INVITATION_DAYS)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "k": invitation.key}, salt=TOKEN_SALT)


def invitation_link(invitation: Invitation) -> str:
    # The deployment's own address, never the request's Host header: the link goes out by e-mail.
    path = reverse("primaweb:invitation") + "?" + urlencode({"t": invitation_token(invitation)})
    return f"{settings.SITE_URL}{path}"


def invitation_from_token(*, token: str) -> Invitation | None:
    """The invitation a link names, or None for a link that is forged, altered or past its lifetime."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=_lifetime())
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not isinstance(data.get("k"), str):
        return None
    invitation = (
        Invitation.objects.across_centres(reason="the invitation a signed link names")
        .select_related("centre", "user")
        .filter(pk=data["i"])
        .first()
    )
    if invitation is None or not secrets.compare_digest(invitation.key, data["k"]):
        return None
    return invitation


@transaction.atomic
def invitation_create_for_existing(
    *, niss: str, email: str, centre: Centre, role: str, by: User, request: HttpRequest | None = None
) -> Invitation | None:
    """Invites the one account whose NISS is exactly `niss` and whose e-mail is `email` (case aside) to
    `role` in `centre`, and e-mails it the link. Gives no access by itself.

    Returns None, inviting nobody, when no account, several or a platform account (staff, superuser)
    match: the caller answers all of these alike, so the look-up tells nothing of who exists in other
    centres. Every look-up is traced under `centre`, with what was typed; an earlier pending invitation
    of the same account to the same centre is withdrawn (its link stops working).

    Raises `TooManyLookups`, looking nothing up, once `by` made more than `EXISTING_PERSON_LOOKUP_LIMIT`
    (setting, default 10) look-ups in the last hour; `AlreadyMember` when the account already has an
    active access to `centre`. Whatever the mail server answers is raised, and nothing is kept.
    """
    limit = settings.EXISTING_PERSON_LOOKUP_LIMIT
    if not rate_limit_allows(key=f"existing-person:{by.pk}", limit=limit, window=3600):
        raise TooManyLookups
    niss, email = niss.strip(), email.strip()
    audit_record(
        action=AuditEvent.Action.VIEW,
        by=by,
        centre=centre,
        request=request,
        details={"criteria": {"niss": niss, "email": email}, "lookup": "existing_person"},
    )
    candidates = list(
        User.objects.filter(niss=niss, email__iexact=email, is_staff=False, is_superuser=False)
        .exclude(niss="")
        .exclude(email="")[:2]
    )
    if len(candidates) != 1:
        return None
    user = candidates[0]
    if Membership.objects.for_centre(centre).filter(user=user, is_active=True).exists():
        raise AlreadyMember
    for earlier in Invitation.objects.for_centre(centre).filter(user=user, status=Invitation.Status.PENDING):
        invitation_withdraw(invitation=earlier, by=by, request=request)
    now = timezone.now()
    invitation = Invitation.objects.create(
        centre=centre,
        user=user,
        role=role,
        email=user.email,
        key=secrets.token_urlsafe(32),
        invited_by=by,
        created_at=now,
        expires_at=now + _lifetime(),
    )
    audit_record(
        action=AuditEvent.Action.CREATE,
        by=by,
        centre=centre,
        target=invitation,
        request=request,
        details={"role": role},
    )
    _send(invitation)
    audit_record(
        action=AuditEvent.Action.SEND,
        by=by,
        centre=centre,
        target=invitation,
        request=request,
        details={"to": invitation.email},
    )
    return invitation


def _send(invitation: Invitation) -> None:
    """The invitation e-mail, in each language the centre writes in (French and Dutch in Brussels)."""
    email_compose(
        to=invitation.email,
        languages=invitation.centre.languages,
        subject=lambda: (
            _("Primaweb : invitation à accéder à %(centre)s") % {"centre": invitation.centre.name}
        ),
        template="primaweb/invitation_email.txt",
        context={
            "invitation": invitation,
            "link": invitation_link(invitation),
            "username": invitation.user.get_username(),
            "centre": invitation.centre,
        },
    ).send()


def _refuse(invitation: Invitation, *, by: User, request: HttpRequest | None, reason: str):
    audit_record(
        action=AuditEvent.Action.REFUSED,
        by=by,
        centre=invitation.centre,
        target=invitation,
        request=request,
        details={"invitation": "refused", "reason": reason},
    )
    raise InvitationRefused(reason)


def invitation_refusal(invitation: Invitation, *, by: User) -> str:
    """Why `by` may not accept `invitation` ("" when they may): another account, closed, address changed."""
    if by.pk != invitation.user_id:
        return "another_account"
    if invitation.status == Invitation.Status.ACCEPTED:
        return "already_accepted"
    if invitation.status == Invitation.Status.WITHDRAWN:
        return "withdrawn"
    if not invitation.is_open:
        return "expired"
    # The link went to the address of the day; an account whose address changed since is not proven.
    if (by.email or "").lower() != invitation.email.lower() or not by.is_active:
        return "account_changed"
    return ""


def invitation_accept(*, invitation: Invitation, by: User, request: HttpRequest | None = None) -> Membership:
    """Gives the invited access, once, to the invited account only, signed in as `by`.

    Raises `InvitationRefused` (after tracing the refusal under the inviting centre) when `by` is another
    account, or the invitation is withdrawn, used, expired, or the account's e-mail changed since.
    """
    with transaction.atomic():
        locked = (
            Invitation.objects.for_centre(invitation.centre)
            .select_for_update()
            .select_related("centre")
            .get(pk=invitation.pk)
        )
        reason = invitation_refusal(locked, by=by)
        if not reason:
            membership = membership_grant(
                user=by, centre=locked.centre, role=locked.role, by=by, request=request
            )
            locked.status = Invitation.Status.ACCEPTED
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at"])
            audit_record(
                action=AuditEvent.Action.CHANGE,
                by=by,
                centre=locked.centre,
                target=locked,
                request=request,
                details={"invitation": "accepted", "role": locked.role},
            )
            return membership
    _refuse(locked, by=by, request=request, reason=reason)


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User, request: HttpRequest | None = None) -> bool:
    """Withdraws a pending invitation (its link stops working); False when it was no longer pending."""
    updated = (
        Invitation.objects.for_centre(invitation.centre)
        .filter(pk=invitation.pk, status=Invitation.Status.PENDING)
        .update(status=Invitation.Status.WITHDRAWN, closed_at=timezone.now())
    )
    if updated:
        audit_record(
            action=AuditEvent.Action.CHANGE,
            by=by,
            centre=invitation.centre,
            target=invitation,
            request=request,
            details={"invitation": "withdrawn"},
        )
    return bool(updated)
