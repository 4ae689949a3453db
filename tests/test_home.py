import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from primaweb.models import AuditEvent
from tests.factories import CentreFactory, MembershipFactory


@pytest.mark.django_db
def test_home_page_shows_the_built_entries_of_the_manual(worker_client, centre):
    page = worker_client.get(reverse("primaweb:home")).content.decode()
    for label in (
        "Informations sur le C.P.A.S.",
        "Fiche signalétique du C.P.A.S.",
        "Assistants sociaux du C.P.A.S.",
        "Accès",
        "Mes accès",
    ):
        assert label in page
    assert f"N° BCE :</dt><dd>{centre.bce_display}" in page


@pytest.mark.django_db
def test_sections_without_a_built_module_are_not_shown(worker_client):
    page = worker_client.get(reverse("primaweb:home")).content.decode()
    # Their modules come with later work: no dead links, no placeholder pages meanwhile.
    assert "Notifications SPP IS" not in page
    assert "Collecte de statistiques" not in page


@pytest.mark.django_db
def test_every_link_of_the_home_page_works(centre_admin_client):
    import re

    page = centre_admin_client.get(reverse("primaweb:home")).content.decode()
    menu = page[page.index('class="menu-grid"') :]
    links = re.findall(r'<a href="([^"]+)"', menu)
    assert len(links) >= 4
    for link in links:
        assert centre_admin_client.get(link).status_code == 200, link


@pytest.mark.django_db
def test_admin_logs_entry_is_for_centre_administrators_only(worker_client, centre_admin_client):
    assert "Admin-Logs" not in worker_client.get(reverse("primaweb:home")).content.decode()
    assert "Admin-Logs" in centre_admin_client.get(reverse("primaweb:home")).content.decode()
    response = worker_client.get(reverse("primaweb:audit_log"))
    assert response.status_code == 403
    assert "réservée aux administrateurs" in response.content.decode()


@pytest.mark.django_db
def test_centre_sheet_shows_the_centre_identity(worker_client, centre):
    page = worker_client.get(reverse("primaweb:centre_sheet")).content.decode()
    assert centre.name_fr in page
    assert centre.bce_display in page
    assert "Namur" in page and "92094" in page


@pytest.mark.django_db
def test_brussels_centre_sheet_says_it_is_bilingual(client):
    from tests.conftest import sign_in

    centre = CentreFactory(brussels=True)
    sign_in(client, MembershipFactory(centre=centre).user, centre)
    page = client.get(reverse("primaweb:centre_sheet")).content.decode()
    assert "bilingue" in page and "Ixelles" in page


@pytest.mark.django_db
def test_social_workers_list_shows_only_active_members_of_the_centre(
    worker_client, worker, centre, other_centre
):
    colleague = MembershipFactory(centre=centre).user
    gone = MembershipFactory(centre=centre, is_active=False).user
    stranger = MembershipFactory(centre=other_centre).user
    page = worker_client.get(reverse("primaweb:social_workers")).content.decode()
    assert colleague.last_name in page and worker.last_name in page
    assert gone.username not in page and gone.email not in page
    assert stranger.email not in page


@pytest.mark.django_db
def test_my_access_lists_the_users_own_centres_and_profiles(worker_client, worker, centre, other_centre):
    MembershipFactory(user=worker, centre=other_centre)
    unrelated = CentreFactory()
    page = worker_client.get(reverse("primaweb:my_access")).content.decode()
    assert centre.bce_display in page and other_centre.bce_display in page
    assert unrelated.bce_display not in page


@pytest.mark.django_db
def test_language_switch_turns_the_home_page_to_dutch(worker_client):
    response = worker_client.post(
        reverse("set_language"), {"language": "nl", "next": reverse("primaweb:home")}, follow=True
    )
    page = response.content.decode()
    assert 'lang="nl"' in page
    assert "Startpagina" in page and "Informatie over het OCMW" in page


@pytest.mark.django_db
def test_audit_log_lists_the_centres_events_with_filters(centre_admin_client, centre, other_centre, worker):
    from primaweb.services import audit_record

    audit_record(action=AuditEvent.Action.VIEW, by=worker, centre=centre, target=centre)
    audit_record(action=AuditEvent.Action.CHANGE, by=worker, centre=centre, target=centre)
    stranger = MembershipFactory(centre=other_centre).user
    audit_record(action=AuditEvent.Action.VIEW, by=stranger, centre=other_centre, target=other_centre)

    page = centre_admin_client.get(reverse("primaweb:audit_log"), {"action": "view"}).content.decode()
    assert worker.username in page or worker.last_name in page
    assert other_centre.name_fr not in page
    assert "Modification" not in page.split("<table>", 1)[-1]


@pytest.mark.django_db
def test_audit_log_refuses_an_inverted_period_with_a_message(centre_admin_client):
    response = centre_admin_client.get(
        reverse("primaweb:audit_log"), {"date_from": "10/05/2026", "date_to": "01/05/2026"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "La date de fin précède la date de début." in page
    assert 'value="10/05/2026"' in page


@pytest.mark.django_db
def test_audit_log_shows_sign_ins_of_the_centres_members(client, centre_admin_client, worker):
    from tests.factories import PASSWORD

    client.post(reverse("login"), {"username": worker.username, "password": PASSWORD + "x"})
    page = centre_admin_client.get(reverse("primaweb:audit_log"), {"action": "login_failed"}).content.decode()
    assert "Échec de connexion" in page


@pytest.mark.django_db
def test_every_page_footer_names_the_installed_release(worker_client, client):
    from importlib import metadata

    release = metadata.version("primaweb")
    assert f"version {release}" in worker_client.get(reverse("primaweb:home")).content.decode()
    assert f"version {release}" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_footer_names_the_release_the_deployment_sets(worker_client, settings):
    settings.PRIMAWEB_VERSION = "2025.3-rc1"
    page = worker_client.get(reverse("primaweb:home")).content.decode()
    assert '<footer class="site-footer"><p>Primaweb — version 2025.3-rc1</p></footer>' in page


@pytest.mark.django_db
def test_home_page_counts_unread_requests_and_replies_with_links_to_them(centre_admin_client, centre):
    from tests.factories import OnlineRequestFactory, centre_message_in

    OnlineRequestFactory.create_batch(2, centre=centre)
    centre_message_in(centre, message_type="CITIZEN_REPLY")
    centre_message_in(centre, message_type="CITIZEN_REPLY", read_at=timezone.now())
    centre_message_in(centre)  # not a reply

    page = centre_admin_client.get(reverse("primaweb:home")).content.decode()
    section = page[page.index('id="attention-title"') : page.index("</section>")]
    requests = reverse("cpasonline:list")
    unread = "Demandes non lues (CPAS Online)"
    assert f'<a href="{requests}">{unread}</a> <span class="count">(2)</span>' in section
    inbox = reverse("centrebox:inbox") + "?message_type=CITIZEN_REPLY&amp;hide_read=on"
    replies = "Réponses de bénéficiaires non lues"
    assert f'<a href="{inbox}">{replies}</a> <span class="count">(1)</span>' in section
    assert "(1 non lue)" not in section
    for link in re.findall(r'<a href="([^"]+)"', section):
        assert centre_admin_client.get(html.unescape(link)).status_code == 200


@pytest.mark.django_db
def test_home_page_says_when_nothing_waits(worker_client):
    page = worker_client.get(reverse("primaweb:home")).content.decode()
    assert "Rien n'attend votre attention." in page
