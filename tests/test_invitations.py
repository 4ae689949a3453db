"""« Ajouter une personne existante » invites; only the account's owner, from its mailbox and signed in
to it, turns the invitation into an access (primaweb.invitations)."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from stdnum.be import nn

from primaweb.invitations import TOKEN_SALT
from primaweb.models import AuditEvent, Invitation, Membership, User
from primaweb.selectors import account_managed_by
from tests.factories import (
    PASSWORD,
    CentreFactory,
    DossierFactory,
    MembershipFactory,
    UserFactory,
    niss_for,
)

NEW_PASSWORD = "Un-mot-de-passe-solide-42"
JEAN_NISS = niss_for("850730", 2)
JEAN_EMAIL = "jean.dupont@ixelles.example"


@pytest.fixture
def namur(db):
    return CentreFactory()


@pytest.fixture
def ixelles(db):
    return CentreFactory(brussels=True)


def _admin_client(centre):
    client = Client()
    client.force_login(MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user)
    return client


def _invite(client, centre, *, niss=JEAN_NISS, email=JEAN_EMAIL, role="social_worker"):
    return client.post(
        reverse("admin:primaweb_membership_add_existing"),
        {"niss": niss, "email": email, "centre": str(centre.pk), "role": role},
    )


def _link(message) -> str:
    return re.search(r"https?://\S+/invitation/\?t=\S+", message.body).group(0)


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["t"][0]


def _path(link: str) -> str:
    return link[link.index("/invitation/") :]


def _signed_in_as(username, password=NEW_PASSWORD):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "the sign-in should succeed"
    return client


@pytest.mark.django_db
def test_an_account_planted_by_another_centre_gets_no_access_from_an_invitation(namur, ixelles):
    secret = DossierFactory(centre=ixelles)
    # Namur's administrator creates an account with the NISS and e-mail of Ixelles' future colleague.
    planted = MembershipFactory(
        centre=namur, user__username="jdupont", user__niss=JEAN_NISS, user__email=JEAN_EMAIL
    ).user
    planted.set_password(NEW_PASSWORD)
    planted.save()

    # Ixelles' administrator adds « the existing person » by that NISS and e-mail.
    response = _invite(_admin_client(ixelles), ixelles)

    assert response.status_code == 302, response.context["form"].errors
    assert not Membership.objects.filter(user=planted, centre=ixelles).exists()
    # The link goes to the real worker's mailbox, which the attacker does not read.
    assert [message.to for message in mail.outbox] == [[JEAN_EMAIL]]
    invitation = Invitation.objects.get(user=planted)
    attacker = _signed_in_as("jdupont")
    # Without the e-mailed link: a link of their own making, or a token guessed from the invitation's id.
    forged = signing.dumps({"i": invitation.pk, "k": "guess"}, salt=TOKEN_SALT)
    for token in ("", "x", forged, signing.dumps({"i": invitation.pk, "k": invitation.key}, salt="other")):
        assert attacker.post(reverse("primaweb:invitation"), {"t": token}).status_code == 404
    assert not Membership.objects.filter(user=planted, centre=ixelles).exists()
    assert attacker.post(reverse("primaweb:select_centre", args=[ixelles.pk])).status_code == 404
    attacker.post(reverse("primaweb:select_centre", args=[namur.pk]))
    assert attacker.get(reverse("dossiers:detail", args=[secret.pk])).status_code == 404

    # The real worker, signed in to an account of their own, opens the e-mailed link: refused, traced.
    real = MembershipFactory(centre=ixelles, user__username="jean.dupont").user
    victim = Client()
    victim.force_login(real)
    link = _path(_link(mail.outbox[0]))
    assert victim.get(link).status_code == 404
    token = _token(link)
    refused = victim.post(reverse("primaweb:invitation"), {"t": token})
    assert refused.status_code == 404
    assert "jdupont" not in refused.content.decode()
    assert not Membership.objects.filter(user=planted, centre=ixelles).exists()
    assert not Membership.objects.filter(user=real, centre=ixelles, role="administrator").exists()
    assert AuditEvent.objects.filter(
        centre=ixelles, action=AuditEvent.Action.REFUSED, user=real, object_id=str(invitation.pk)
    ).exists()


@pytest.mark.django_db
def test_the_invited_person_accepts_from_their_mailbox_signed_in_to_their_account(namur, ixelles):
    person = MembershipFactory(
        centre=namur, user__username="jdupont", user__niss=JEAN_NISS, user__email=JEAN_EMAIL
    ).user
    namur_admin = MembershipFactory(centre=namur, role=Membership.Role.ADMINISTRATOR).user
    assert account_managed_by(account=person, administrator=namur_admin)

    response = _invite(_admin_client(ixelles), ixelles, niss=nn.format(JEAN_NISS), email=JEAN_EMAIL.upper())

    assert response.url == reverse("admin:primaweb_invitation_changelist")
    # A pending invitation changes nothing yet: no access, and Namur still manages its account.
    assert not person.memberships.filter(centre=ixelles).exists()
    assert account_managed_by(account=person, administrator=namur_admin)
    (message,) = mail.outbox
    # Ixelles writes in French and in Dutch.
    assert ixelles.name_fr in message.body and ixelles.name_nl in message.body and "jdupont" in message.body
    link = _path(_link(message))

    browser = Client()
    to_sign_in = browser.get(link)
    assert to_sign_in.status_code == 302 and to_sign_in.url.startswith(reverse("login"))
    signed_in = browser.post(to_sign_in.url, {"username": "jdupont", "password": PASSWORD, "next": link})
    assert signed_in.status_code == 302 and signed_in.url == link
    page = browser.get(link)
    assert page.status_code == 200 and ixelles.name_fr in page.content.decode()
    assert not person.memberships.filter(centre=ixelles).exists()  # a GET gives nothing

    accepted = browser.post(reverse("primaweb:invitation"), {"t": _token(link)})

    assert accepted.status_code == 302
    membership = person.memberships.get(centre=ixelles)
    assert membership.is_active and membership.role == "social_worker"
    # Single use.
    again = browser.post(reverse("primaweb:invitation"), {"t": _token(link)})
    assert again.status_code == 410
    # Now shared with Ixelles: Namur's administrator no longer changes the account.
    person.refresh_from_db()
    assert not account_managed_by(account=person, administrator=namur_admin)
    namur_client = Client()
    namur_client.force_login(namur_admin)
    password = namur_client.get(reverse("admin:auth_user_password_change", args=[person.pk]))
    assert password.status_code == 403
    # Every step, in Ixelles' trail.
    details = [
        (event.action, event.object_type, event.details.get("invitation") or event.details.get("lookup"))
        for event in AuditEvent.objects.filter(centre=ixelles).exclude(
            action="view", details__has_key="screen"
        )
    ]
    assert ("view", "", "existing_person") in details
    assert ("create", "primaweb.Invitation", None) in details
    assert ("send", "primaweb.Invitation", None) in details
    assert ("change", "primaweb.Invitation", "accepted") in details
    assert ("create", "primaweb.Membership", None) in details


@pytest.mark.django_db
def test_a_centre_in_one_language_writes_the_invitation_in_that_language(namur):
    flemish = CentreFactory(flemish=True)
    UserFactory(niss=JEAN_NISS, email=JEAN_EMAIL)
    _invite(_admin_client(flemish), flemish)
    (message,) = mail.outbox
    assert "toegang" in message.subject and "Bonjour" not in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("niss", "email"),
    [(JEAN_NISS, "autre@ixelles.example"), (niss_for("850730", 3), JEAN_EMAIL), (JEAN_NISS, "")],
)
def test_an_invitation_needs_both_the_niss_and_the_email_of_the_account(namur, ixelles, niss, email):
    UserFactory(niss=JEAN_NISS, email=JEAN_EMAIL)
    response = _invite(_admin_client(ixelles), ixelles, niss=niss, email=email)
    assert response.status_code == 200
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["withdrawn", "expired", "email_changed"])
def test_a_withdrawn_expired_or_readdressed_invitation_gives_no_access(namur, ixelles, change):
    # A surname no Faker-made administrator can share: the listing must not show it.
    person = MembershipFactory(
        centre=namur,
        user__username="jdupont",
        user__niss=JEAN_NISS,
        user__email=JEAN_EMAIL,
        user__last_name="Vanderinvite",
    ).user
    admin = _admin_client(ixelles)
    _invite(admin, ixelles)
    invitation = Invitation.objects.get()
    if change == "withdrawn":
        listing = admin.get(reverse("admin:primaweb_invitation_changelist")).content.decode()
        assert JEAN_EMAIL in listing and person.last_name not in listing
        admin.post(
            reverse("admin:primaweb_invitation_changelist"),
            {"action": "withdraw", "_selected_action": [str(invitation.pk)]},
        )
        assert AuditEvent.objects.filter(centre=ixelles, details__invitation="withdrawn").exists()
    elif change == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        User.objects.filter(pk=person.pk).update(email="ailleurs@namur.example")
    browser = Client()
    browser.force_login(person)

    response = browser.post(reverse("primaweb:invitation"), {"t": _token(_link(mail.outbox[0]))})

    assert response.status_code == 410
    assert not person.memberships.filter(centre=ixelles).exists()
    assert AuditEvent.objects.filter(centre=ixelles, action=AuditEvent.Action.REFUSED).exists()


@pytest.mark.django_db
def test_another_centres_administrator_does_not_see_the_invitations_sent(namur, ixelles):
    _invite(_admin_client(ixelles), ixelles, email=UserFactory(niss=JEAN_NISS, email=JEAN_EMAIL).email)
    listing = _admin_client(namur).get(reverse("admin:primaweb_invitation_changelist")).content.decode()
    assert JEAN_EMAIL not in listing
