"""The centre administrator grants the e-Box inside Primaweb, by type names, among every type the
centre can receive; a member granted them all sees what the administrator sees."""

import pytest
from django.test import Client
from django.urls import reverse

from centrebox import selectors
from centrebox.models import InboxGrant, MessageTypeName, SenderName
from primaweb.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import MembershipFactory, centre_message_in

pytestmark = pytest.mark.django_db


def test_every_type_the_centre_can_receive_is_offered_by_name_even_before_one_arrived(
    centre, centre_admin_client
):
    member = MembershipFactory(centre=centre)
    page = centre_admin_client.get(reverse("centrebox:grant_edit", args=[member.pk])).content.decode()
    for code in ("SPPIS_DECISION", "SPPIS_NOTIFICATION", "ONEM_INFO", "CITIZEN_REPLY"):
        name = MessageTypeName.objects.get(code=code).label_fr.replace("'", "&#x27;")
        assert f"{name} ({code})" in page


@pytest.fixture
def member(centre):
    return MembershipFactory(centre=centre)


def test_a_worker_granted_every_offered_type_sees_what_the_administrator_sees(
    centre, centre_admin_client, administrator, member
):
    for message_type in ("SPPIS_DECISION", "SPPIS_INFORMATION", "CITIZEN_REPLY", "ONEM_INFO"):
        centre_message_in(centre, message_type=message_type)
    form = centre_admin_client.get(reverse("centrebox:grant_edit", args=[member.pk])).context["form"]
    offered = [code for code, _label in form.fields["message_types"].choices]

    response = centre_admin_client.post(
        reverse("centrebox:grant_edit", args=[member.pk]), {"may_open_ebox": "on", "message_types": offered}
    )

    assert response.status_code == 302 and response.url == reverse("centrebox:grants")
    worker = sign_in(Client(), member.user, centre)
    seen = worker.get(reverse("centrebox:inbox")).context["total"]
    assert seen == centre_admin_client.get(reverse("centrebox:inbox")).context["total"] == 4
    administrator_membership = administrator.memberships.get(centre=centre)
    assert selectors.visible_messages(membership=member).count() == (
        selectors.visible_messages(membership=administrator_membership).count()
    )


def test_the_grant_is_audited_with_what_was_granted(centre, centre_admin_client, administrator, member):
    centre_admin_client.post(
        reverse("centrebox:grant_edit", args=[member.pk]),
        {"may_open_ebox": "on", "message_types": ["SPPIS_DECISION"]},
    )

    grant = InboxGrant.objects.get(membership=member)
    assert grant.centre == centre and grant.message_types == ["SPPIS_DECISION"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE, user=administrator)
    assert event.details["message_types"] == ["SPPIS_DECISION"] and event.details["may_open_ebox"] is True
    assert event.ip_address == "127.0.0.1"
    listing = centre_admin_client.get(reverse("centrebox:grants")).content.decode()
    assert "Décision du SPP Intégration sociale" in listing


def test_only_the_centres_administrator_may_grant(centre, worker_client, member):
    assert worker_client.get(reverse("centrebox:grants")).status_code == 403
    response = worker_client.post(
        reverse("centrebox:grant_edit", args=[member.pk]), {"may_open_ebox": "on", "message_types": []}
    )
    assert response.status_code == 403
    assert not InboxGrant.objects.exists()


def test_another_centres_member_cannot_be_granted(centre_admin_client, other_centre):
    foreign = MembershipFactory(centre=other_centre)
    response = centre_admin_client.post(
        reverse("centrebox:grant_edit", args=[foreign.pk]), {"may_open_ebox": "on"}
    )
    assert response.status_code == 404
    assert not InboxGrant.objects.exists()


def test_the_grant_form_needs_the_csrf_token(centre, administrator, member):
    client = sign_in(Client(enforce_csrf_checks=True), administrator, centre)
    response = client.post(reverse("centrebox:grant_edit", args=[member.pk]), {"may_open_ebox": "on"})
    assert response.status_code == 403
    assert not InboxGrant.objects.exists()


def test_types_and_senders_are_named_in_the_readers_language(centre, centre_admin_client):
    assert SenderName.objects.filter(identifier="0367302178").exists()  # from the catalogue's seed
    centre_message_in(centre, message_type="SPPIS_DECISION", sender="0367302178")
    centre_admin_client.cookies["django_language"] = "nl"

    page = centre_admin_client.get(reverse("centrebox:inbox")).content.decode()

    assert "Beslissing van de POD Maatschappelijke Integratie" in page
    assert "POD Maatschappelijke Integratie" in page and "(0367302178)" in page


def test_the_home_page_offers_the_grant_screen_to_administrators_only(centre_admin_client, worker_client):
    assert reverse("centrebox:grants") in centre_admin_client.get(reverse("primaweb:home")).content.decode()
    assert reverse("centrebox:grants") not in worker_client.get(reverse("primaweb:home")).content.decode()
