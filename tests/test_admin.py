"""The Django admin: a centre administrator manages their own centre only; superusers see everything."""

import pytest
from django.test import Client
from django.urls import reverse

from primaweb.models import AuditEvent, Membership, User
from tests.factories import CentreFactory, MembershipFactory, UserFactory, audit_event_in


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
    assert admin_site.get(reverse("admin:primaweb_user_change", args=[stranger.pk])).status_code == 302
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
        "niss": "",
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
