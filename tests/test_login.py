import pytest
from django.urls import reverse

from primaweb.models import AuditEvent, Membership
from tests.factories import PASSWORD, CentreFactory, MembershipFactory, UserFactory

LOGIN = reverse("login")


def post_login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_login_page_speaks_french_by_default_and_dutch_on_request(client):
    assert "Se connecter à Primaweb" in client.get(LOGIN).content.decode()
    dutch = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Aanmelden bij Primaweb" in dutch
    assert 'lang="nl"' in dutch


@pytest.mark.django_db
def test_login_page_mentions_the_federal_sign_in(client):
    assert "CSAM" in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_wrong_password_gives_a_clear_message_and_is_audited(client, worker):
    response = post_login(client, worker.username, "wrong-password")
    assert response.status_code == 200
    assert "Nom d'utilisateur ou mot de passe incorrect" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, user=worker).count() == 1


@pytest.mark.django_db
def test_unknown_user_gets_the_same_message_as_a_wrong_password(client):
    response = post_login(client, "nobody")
    assert "Nom d'utilisateur ou mot de passe incorrect" in response.content.decode()
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).username == "nobody"


@pytest.mark.django_db
def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, worker.username, "wrong-password")
    response = post_login(client, worker.username)
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_locked_page_is_in_dutch_for_a_dutch_speaker(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = post_login(client, worker.username, "wrong-password", HTTP_ACCEPT_LANGUAGE="nl")
    assert "Account tijdelijk geblokkeerd" in response.content.decode()


@pytest.mark.django_db
def test_single_centre_user_lands_on_the_home_page_of_that_centre(client, worker, centre):
    response = post_login(client, worker.username, follow=True)
    assert response.redirect_chain[-1][0] == reverse("primaweb:home")
    page = response.content.decode()
    assert centre.bce_display in page
    assert "Connecté en tant que" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, user=worker).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CENTRE_SELECTED, centre=centre).exists()


@pytest.mark.django_db
def test_user_of_several_centres_picks_one_on_the_role_selection_screen(client):
    first, second = CentreFactory(), CentreFactory(brussels=True)
    user = MembershipFactory(centre=first).user
    MembershipFactory(user=user, centre=second, role=Membership.Role.ADMINISTRATOR)
    response = post_login(client, user.username, follow=True)
    page = response.content.decode()
    assert "Veuillez sélectionner votre rôle" in page
    assert first.bce_display in page and second.bce_display in page

    response = client.post(reverse("primaweb:select_centre", args=[second.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("primaweb:home")
    assert second.bce_display in page and first.bce_display not in page
    assert "Administrateur du C.P.A.S." in page
    assert "Changer de C.P.A.S." in page


@pytest.mark.django_db
def test_choosing_a_centre_that_is_not_the_users_answers_404(client, worker):
    stranger = CentreFactory()
    client.force_login(worker)
    response = client.post(reverse("primaweb:select_centre", args=[stranger.pk]))
    assert response.status_code == 404
    assert "ne concerne pas votre C.P.A.S." in response.content.decode()
    assert client.get(reverse("primaweb:home")).status_code == 302


@pytest.mark.django_db
def test_user_without_membership_gets_a_clear_page(client):
    user = UserFactory()
    response = post_login(client, user.username, follow=True)
    assert response.status_code == 403
    assert "Aucun accès à un C.P.A.S." in response.content.decode()
    assert client.get(reverse("primaweb:home")).status_code == 302


@pytest.mark.django_db
def test_withdrawn_membership_takes_effect_at_once(worker_client, worker, centre):
    assert worker_client.get(reverse("primaweb:home")).status_code == 200
    Membership.objects.filter(user=worker, centre=centre).update(is_active=False)
    response = worker_client.get(reverse("primaweb:home"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("primaweb:home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.django_db
def test_logout_is_a_post_and_is_audited(worker_client, worker, centre):
    response = worker_client.post(reverse("logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, user=worker, centre=centre).exists()
    assert worker_client.get(reverse("primaweb:home")).status_code == 302


@pytest.mark.django_db
def test_forms_are_protected_against_cross_site_requests(worker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": worker.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_sign_in_page_lists_the_demo_accounts_while_the_simulators_are_on_in_development(
    client, settings
):
    from django.core.management import call_command

    from primaweb.demo import DEMO_PASSWORD

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.SHOW_DEMO_LOGINS = True
    page = client.get(reverse("login")).content.decode()
    assert "Comptes de démonstration" in page and DEMO_PASSWORD in page
    assert "as.multi" in page and "admin.namur" in page and "Administrateur du C.P.A.S." in page

    settings.SHOW_DEMO_LOGINS = False
    page = client.get(reverse("login")).content.decode()
    assert "Comptes de démonstration" not in page and DEMO_PASSWORD not in page


def test_production_never_lists_the_demo_accounts_whatever_the_environment_says():
    import os
    import subprocess
    import sys

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primaweb.settings.production",
        "SECRET_KEY": "x" * 60,
        "DEBUG": "true",
        "PRIMAWEB_SIMULATORS": "true",
        "PRIMAWEB_SHOW_DEMO_LOGINS": "true",
    }
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SHOW_DEMO_LOGINS)"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == "False"
