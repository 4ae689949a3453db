"""The Django admin: a centre administrator manages their own centre only; superusers see everything."""

import pytest
from django.test import Client
from django.urls import reverse

from primaweb.models import AuditEvent, Membership, User
from tests.conftest import sign_in
from tests.factories import CentreFactory, MembershipFactory, UserFactory, audit_event_in, niss_for


@pytest.fixture
def admin_site(administrator):
    client = Client()
    client.force_login(administrator)
    return client


@pytest.mark.django_db
def test_centre_administrator_enters_the_admin_without_a_staff_flag(admin_site, administrator):
    assert not administrator.is_staff
    assert admin_site.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_social_worker_does_not_enter_the_admin(worker):
    client = Client()
    client.force_login(worker)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.django_db
def test_centre_administrator_sees_only_their_centres_users_and_memberships(admin_site, centre, other_centre):
    colleague = MembershipFactory(centre=centre).user
    stranger = MembershipFactory(centre=other_centre).user
    users = admin_site.get(reverse("admin:primaweb_user_changelist")).content.decode()
    assert colleague.username in users and stranger.username not in users
    assert admin_site.get(reverse("admin:primaweb_user_change", args=[stranger.pk])).status_code == 404
    memberships = admin_site.get(reverse("admin:primaweb_membership_changelist")).content.decode()
    assert other_centre.name_fr not in memberships


@pytest.mark.django_db
def test_centre_administrator_sees_only_their_centre_and_cannot_change_its_bce(
    admin_site, centre, other_centre
):
    listing = admin_site.get(reverse("admin:primaweb_centre_changelist")).content.decode()
    assert centre.name_fr in listing and other_centre.name_fr not in listing
    page = admin_site.get(reverse("admin:primaweb_centre_change", args=[centre.pk])).content.decode()
    assert 'name="bce_number"' not in page
    assert admin_site.get(reverse("admin:primaweb_centre_add")).status_code == 403


@pytest.mark.django_db
def test_centre_administrator_creates_a_social_worker_in_their_centre(admin_site, centre, other_centre):
    data = {
        "username": "nouvel.as",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea@example.org",
        "niss": "90072108659",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-centre": str(centre.pk),
        "memberships-0-role": "social_worker",
        "memberships-0-is_active": "on",
    }
    response = admin_site.post(reverse("admin:primaweb_user_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="nouvel.as")
    assert not user.is_staff and not user.is_superuser
    assert list(user.memberships.values_list("centre", "role")) == [(centre.pk, "social_worker")]
    membership = user.memberships.get()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE,
        centre=centre,
        object_type="primaweb.Membership",
        object_id=str(membership.pk),
    ).exists()


@pytest.mark.django_db
def test_centre_administrator_cannot_give_access_to_another_centre(admin_site, other_centre):
    data = {
        "username": "intrus",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-centre": str(other_centre.pk),
        "memberships-0-role": "administrator",
        "memberships-0-is_active": "on",
    }
    response = admin_site.post(reverse("admin:primaweb_user_add"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="intrus").exists()
    assert not Membership.objects.filter(centre=other_centre, role="administrator").exists()


@pytest.mark.django_db
def test_centre_administrator_must_give_a_new_user_an_access(admin_site):
    data = {
        "username": "sans.acces",
        "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-centre": "",
        "memberships-0-role": "social_worker",
        "memberships-0-is_active": "on",
    }
    response = admin_site.post(reverse("admin:primaweb_user_add"), data)
    assert response.status_code == 200
    assert "au moins un C.P.A.S." in response.content.decode()
    assert not User.objects.filter(username="sans.acces").exists()


@pytest.mark.django_db
def test_centre_administrator_cannot_grant_platform_powers(admin_site, centre):
    colleague = MembershipFactory(centre=centre).user
    page = admin_site.get(reverse("admin:primaweb_user_change", args=[colleague.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page


@pytest.mark.django_db
def test_audit_trail_is_read_only_in_the_admin(admin_site, centre, other_centre):
    own, foreign = audit_event_in(centre), audit_event_in(other_centre)
    listing = admin_site.get(reverse("admin:primaweb_auditevent_changelist")).content.decode()
    assert f"/{own.pk}/change/" in listing and f"/{foreign.pk}/change/" not in listing
    page = admin_site.get(reverse("admin:primaweb_auditevent_change", args=[own.pk])).content.decode()
    assert 'name="action"' not in page
    assert (
        admin_site.post(
            reverse("admin:primaweb_auditevent_delete", args=[own.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_superuser_sees_every_centre():
    first, second = CentreFactory(), CentreFactory()
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = client.get(reverse("admin:primaweb_centre_changelist")).content.decode()
    assert first.name_fr in listing and second.name_fr in listing


def _membership_form(user, centre, role="administrator"):
    return {"user": str(user.pk), "centre": str(centre.pk), "role": role, "is_active": "on"}


@pytest.mark.django_db
@pytest.mark.parametrize("victim", ["other_centres_worker", "superuser", "staff"])
def test_centre_administrator_cannot_take_an_outside_account_into_their_centre(
    admin_site, centre, other_centre, victim
):
    user = {
        "other_centres_worker": lambda: MembershipFactory(centre=other_centre).user,
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        "staff": lambda: UserFactory(is_staff=True),
    }[victim]()

    response = admin_site.post(reverse("admin:primaweb_membership_add"), _membership_form(user, centre))

    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=user, centre=centre).exists()
    assert admin_site.get(reverse("admin:auth_user_password_change", args=[user.pk])).status_code == 404


@pytest.mark.django_db
def test_membership_autocomplete_offers_only_the_centres_own_people(admin_site, centre, other_centre):
    colleague = MembershipFactory(centre=centre, user__last_name="Zorglub").user
    stranger = MembershipFactory(centre=other_centre, user__last_name="Zorglub").user
    response = admin_site.get(
        reverse("admin:autocomplete"),
        {"app_label": "primaweb", "model_name": "membership", "field_name": "user", "term": "Zorglub"},
    )
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {str(colleague.pk)} and str(stranger.pk) not in ids


@pytest.fixture
def shared_user(centre, other_centre):
    user = MembershipFactory(centre=centre).user
    MembershipFactory(centre=other_centre, user=user)
    return user


def _user_change_form(user, membership, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "niss": user.niss,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-user": str(user.pk),
        "memberships-0-centre": str(membership.centre_id),
        "memberships-0-role": membership.role,
        "memberships-0-is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_shared_users_identity_password_and_activation_are_read_only_for_a_centre_administrator(
    admin_site, centre, shared_user
):
    membership = shared_user.memberships.get(centre=centre)
    before = (shared_user.username, shared_user.email, shared_user.password, shared_user.niss)

    page = admin_site.get(reverse("admin:primaweb_user_change", args=[shared_user.pk])).content.decode()
    assert 'name="username"' not in page and 'name="email"' not in page and "../password/" not in page

    response = admin_site.post(
        reverse("admin:primaweb_user_change", args=[shared_user.pk]),
        _user_change_form(
            shared_user,
            membership,
            username="pris",
            email="pirate@example.org",
            niss="85073000287",
            is_active=None,
            **{"memberships-0-role": "administrator"},
        ),
    )
    password = admin_site.post(
        reverse("admin:auth_user_password_change", args=[shared_user.pk]),
        {"password1": "Un-mot-de-passe-solide-42", "password2": "Un-mot-de-passe-solide-42"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert password.status_code == 403
    shared_user.refresh_from_db()
    assert (shared_user.username, shared_user.email, shared_user.password, shared_user.niss) == before
    assert shared_user.is_active and shared_user.niss != "85073000287"
    # What is the centre's own stays theirs to manage.
    assert shared_user.memberships.get(centre=centre).role == "administrator"


@pytest.mark.django_db
def test_centre_administrator_still_manages_the_accounts_of_their_centre_alone(admin_site, centre):
    membership = MembershipFactory(centre=centre)
    user = membership.user
    response = admin_site.post(
        reverse("admin:primaweb_user_change", args=[user.pk]),
        _user_change_form(user, membership, username="renomme", is_active=None),
    )
    password = admin_site.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "set_usable_password": "true",
        },
    )
    assert response.status_code == 302 and password.status_code == 302
    user.refresh_from_db()
    assert user.username == "renomme" and not user.is_active
    assert user.check_password("Un-mot-de-passe-solide-42")


def _add_existing(client, centre, *, niss, email, role="social_worker"):
    return client.post(
        reverse("admin:primaweb_membership_add_existing"),
        {"niss": niss, "email": email, "centre": str(centre.pk), "role": role},
    )


@pytest.mark.django_db
def test_centre_administrator_invites_an_existing_person_by_exact_niss_and_email(
    admin_site, centre, other_centre
):
    from django.core import mail
    from stdnum.be import nn

    person = MembershipFactory(centre=other_centre, user__niss=niss_for("850730", 2)).user

    response = _add_existing(admin_site, centre, niss=nn.format(person.niss), email=person.email.upper())

    assert response.status_code == 302
    assert response.url == reverse("admin:primaweb_invitation_changelist")
    # An invitation, not an access: the person accepts it from their mailbox (tests/test_invitations.py).
    assert not person.memberships.filter(centre=centre).exists()
    assert [message.to for message in mail.outbox] == [[person.email]]
    page = admin_site.get(response.url).content.decode()
    assert person.email in page and other_centre.name_fr not in page
    assert AuditEvent.objects.filter(
        centre=centre, details__criteria__niss=person.niss, details__criteria__email=person.email.upper()
    ).exists()


@pytest.mark.django_db
def test_adding_an_existing_person_answers_alike_for_nobody_several_and_platform_accounts(
    admin_site, centre, other_centre
):
    from django.core import mail

    niss = niss_for("850730", 2)
    UserFactory(email="admin@plateforme.be", niss=niss, is_staff=True)
    MembershipFactory(centre=other_centre, user__email="double@example.org", user__niss=niss)
    MembershipFactory(centre=other_centre, user__email="double@example.org", user__niss=niss)
    answers = set()
    for email in ("personne@nulle.part", "admin@plateforme.be", "double@example.org"):
        response = _add_existing(admin_site, centre, niss=niss, email=email, role="administrator")
        assert response.status_code == 200
        answers.add(tuple(response.context["form"].non_field_errors()))
        assert other_centre.name_fr not in response.content.decode()
    assert len(answers) == 1
    assert Membership.objects.filter(centre=centre).count() == 1  # the administrator's own
    assert not mail.outbox


@pytest.mark.django_db
def test_an_administrator_may_look_up_existing_persons_ten_times_an_hour(
    admin_site, administrator, centre, other_centre
):
    from django.core.cache import cache

    from primaweb.models import Invitation

    cache.clear()
    person = MembershipFactory(centre=other_centre, user__email="trouvee@example.org").user
    for attempt in range(10):
        probe = _add_existing(admin_site, centre, niss=person.niss, email=f"essai{attempt}@example.org")
        assert probe.context["form"].non_field_errors()
    lookups = AuditEvent.objects.filter(centre=centre, details__lookup="existing_person").count()

    refused = _add_existing(admin_site, centre, niss=person.niss, email=person.email)

    assert refused.status_code == 200
    assert "trop de recherches de personnes existantes" in refused.content.decode()
    assert not Invitation.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(centre=centre, details__lookup="existing_person").count() == lookups
    # The limit is the administrator's own: a colleague still looks up, and finds.
    colleague = Client()
    colleague.force_login(MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user)
    found = _add_existing(colleague, centre, niss=person.niss, email=person.email)
    assert found.status_code == 302 and Invitation.objects.filter(user=person, centre=centre).exists()
    cache.clear()


@pytest.mark.django_db
def test_adding_an_existing_person_only_into_an_administered_centre(admin_site, other_centre):
    person = UserFactory(email="quelquun@example.org")
    response = _add_existing(
        admin_site, other_centre, niss=person.niss, email=person.email, role="administrator"
    )
    assert response.status_code == 200 and "centre" in response.context["form"].errors
    assert not person.memberships.exists()


@pytest.mark.django_db
def test_a_change_to_a_shared_user_is_in_the_audit_trail_of_each_of_its_centres(
    centre, other_centre, shared_user
):
    from primaweb.selectors import audit_events

    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    membership = shared_user.memberships.get(centre=centre)
    client.post(
        reverse("admin:primaweb_user_change", args=[shared_user.pk]),
        {
            **_user_change_form(shared_user, membership, email="nouvelle@example.org"),
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "2",
            "memberships-1-id": str(shared_user.memberships.get(centre=other_centre).pk),
            "memberships-1-user": str(shared_user.pk),
            "memberships-1-centre": str(other_centre.pk),
            "memberships-1-role": "social_worker",
            "memberships-1-is_active": "on",
        },
    )
    client.post(
        reverse("admin:auth_user_password_change", args=[shared_user.pk]),
        {
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "set_usable_password": "true",
        },
    )
    shared_user.refresh_from_db()
    assert shared_user.email == "nouvelle@example.org"
    for each in (centre, other_centre):
        changes = audit_events(centre=each, action="change", object_query=str(shared_user.pk))
        assert changes.filter(object_type="primaweb.User").count() == 2, each  # the e-mail, the password
    # The other centre's administrator reads it in their Admin-Logs.
    victim = sign_in(
        Client(), MembershipFactory(centre=other_centre, role="administrator").user, other_centre
    )
    logs = victim.get(reverse("primaweb:audit_log"), {"action": "change", "target": str(shared_user.pk)})
    shown = [event for event in logs.context["page"] if event.object_type == "primaweb.User"]
    assert len(shown) == 2 and all(event.user.is_superuser for event in shown)


@pytest.mark.django_db
def test_withdrawing_an_access_in_the_admin_is_traced_in_its_centre(admin_site, centre):
    membership = MembershipFactory(centre=centre)
    response = admin_site.post(
        reverse("admin:primaweb_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        centre=centre, action="delete", object_type="primaweb.Membership", object_id=str(membership.pk)
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["admin:index", "admin:login", "admin:primaweb_user_changelist"])
def test_the_admin_sends_an_anonymous_visitor_to_its_sign_in_page(client, url_name):
    response = client.get(reverse(url_name))
    if url_name == "admin:login":
        assert response.status_code == 200 and 'name="password"' in response.content.decode()
    else:
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_the_history_of_a_shared_user_shows_namur_nothing_of_what_ixelles_did(
    admin_site, centre, other_centre, shared_user
):
    """Ixelles' administrator changes the shared user's access in Ixelles; Namur's administrator changes
    the one in Namur. Each history shows its own centre's change, and no word of the other centre."""
    ixelles_admin = Client()
    ixelles_admin.force_login(MembershipFactory(centre=other_centre, role="administrator").user)
    theirs = shared_user.memberships.get(centre=other_centre)
    ours = shared_user.memberships.get(centre=centre)
    url = reverse("admin:primaweb_user_change", args=[shared_user.pk])
    changed = ixelles_admin.post(
        url, _user_change_form(shared_user, theirs, **{"memberships-0-role": "administrator"})
    )
    assert changed.status_code == 302
    assert (
        admin_site.post(
            url, _user_change_form(shared_user, ours, **{"memberships-0-role": "administrator"})
        ).status_code
        == 302
    )

    history = admin_site.get(reverse("admin:primaweb_user_history", args=[shared_user.pk]))

    page = history.content.decode()
    assert history.status_code == 200
    assert other_centre.name_fr not in page and "Ixelles" not in page
    assert f"{centre.name_fr} (Administrateur du C.P.A.S.)" in page  # its own change is there
    ixelles_history = ixelles_admin.get(reverse("admin:primaweb_user_history", args=[shared_user.pk]))
    assert centre.name_fr not in ixelles_history.content.decode()
    assert other_centre.name_fr in ixelles_history.content.decode()


@pytest.mark.django_db
def test_a_superuser_still_reads_the_whole_change_history(centre, other_centre, shared_user):
    superuser = Client()
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    theirs = shared_user.memberships.get(centre=other_centre)
    url = reverse("admin:primaweb_user_change", args=[shared_user.pk])
    superuser.post(url, _user_change_form(shared_user, theirs, **{"memberships-0-role": "administrator"}))

    page = superuser.get(reverse("admin:primaweb_user_history", args=[shared_user.pk])).content.decode()

    assert other_centre.name_fr in page
