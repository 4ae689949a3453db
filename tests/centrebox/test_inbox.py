"""« e-Box du C.P.A.S. »: who sees which message, opening, labels, and replies on documents and dossiers."""

import pytest
from django.test import Client
from django.urls import reverse

from centrebox import services
from centrebox.models import CentreMessage
from primaweb.models import AuditEvent
from tests.conftest import sign_in
from tests.factories import MembershipFactory, centre_label_in, centre_message_in, document_in, publication_in

pytestmark = pytest.mark.django_db

INBOX = "/centre-ebox/"


def member(centre, *, types=None, may_open=True):
    membership = MembershipFactory(centre=centre)
    if types is not None:
        services.grant_set(membership=membership, may_open_ebox=may_open, message_types=types)
    return sign_in(Client(), membership.user, centre)


@pytest.fixture
def box(centre):
    """An institution message, an unlinked reply, and a reply linked to a sent document."""
    document = document_in(centre, status="sent")
    publication = publication_in(centre, state="sent", document=document, message_id="pub-1")
    return {
        "sppis": centre_message_in(centre, message_type="SPPIS_INFORMATION", subject="Subside SPP IS"),
        "unlinked": centre_message_in(
            centre, message_type="CITIZEN_REPLY", subject="Réponse orpheline", sender="85073003328"
        ),
        "linked": centre_message_in(
            centre,
            message_type="CITIZEN_REPLY",
            subject="Antwoord op de beslissing",
            language="nl",
            publication=publication,
            document=document,
        ),
        "document": document,
    }


def test_inbox_url_is_mounted():
    assert reverse("centrebox:inbox") == INBOX


def test_member_without_grant_has_no_menu_entry_and_403(centre, box):
    client = member(centre)

    assert "e-Box du C.P.A.S." not in client.get(reverse("primaweb:home")).content.decode()
    assert client.get(INBOX).status_code == 403


def test_member_with_grant_revoked_gets_403(centre, box):
    assert member(centre, types=["SPPIS_INFORMATION"], may_open=False).get(INBOX).status_code == 403


def test_member_sees_only_granted_types_plus_linked_replies(centre, box):
    client = member(centre, types=["SPPIS_INFORMATION"])

    assert "e-Box du C.P.A.S." in client.get(reverse("primaweb:home")).content.decode()
    page = client.get(INBOX)
    content = page.content.decode()
    assert "Subside SPP IS" in content and "Antwoord op de beslissing" in content
    assert "Réponse orpheline" not in content
    assert page.context["total"] == 2
    # Not countable or searchable either: the type is not even offered, and searching it finds nothing.
    assert set(dict(page.context["form"].fields["message_type"].choices)) == {
        "",
        "SPPIS_INFORMATION",
        "CITIZEN_REPLY",
    }
    search = client.get(INBOX, {"sender": "85073003328"})
    assert search.context["total"] == 0
    assert client.get(reverse("centrebox:message", args=[box["unlinked"].pk])).status_code == 404


def test_member_without_the_institution_type_sees_nothing_of_it(centre, box):
    client = member(centre, types=["CITIZEN_REPLY"])

    page = client.get(INBOX)
    assert "Subside SPP IS" not in page.content.decode()
    assert page.context["total"] == 2  # the two replies
    assert (
        client.get(INBOX, {"message_type": "SPPIS_INFORMATION"}).context["total"] == 2
    )  # invalid choice: ignored
    assert client.get(INBOX, {"sender": "0123456749"}).context["total"] == 1  # only the linked reply's sender
    assert client.get(reverse("centrebox:message", args=[box["sppis"].pk])).status_code == 404
    assert (
        client.post(reverse("centrebox:label_add", args=[box["sppis"].pk]), {"name": "x"}).status_code == 404
    )


def test_administrator_sees_all(centre_admin_client, box):
    page = centre_admin_client.get(INBOX)
    assert page.context["total"] == 3
    content = page.content.decode()
    assert "Réponse non liée" in content and "Réponse reçue" in content
    assert "Nederlands" in content  # the list says which language each message carries


def test_search_by_sender_type_label_and_list_view(centre_admin_client, centre, box):
    label = centre_label_in(centre, "DmfA")
    box["sppis"].labels.add(label)
    box["linked"].read_at = box["linked"].received_at
    box["linked"].save()

    assert centre_admin_client.get(INBOX, {"sender": "8507"}).context["total"] == 1
    assert centre_admin_client.get(INBOX, {"message_type": "CITIZEN_REPLY"}).context["total"] == 2
    assert centre_admin_client.get(INBOX, {"label": label.pk}).context["total"] == 1
    assert centre_admin_client.get(INBOX, {"hide_read": "on"}).context["total"] == 2
    page = centre_admin_client.get(INBOX, {"page_size": "10"}).context["page"]
    assert page.per_page == 10


def test_opening_a_message_is_audited_and_neither_fetches_nor_marks_it_read(
    centre, administrator, centre_ebox
):
    """A GET (which a link on another site can trigger) must not mark the message read at the eBox."""
    message_id = centre_ebox.drop(centre.bce_number, body="Votre dossier est complet.")
    services.inbox_import(centre=centre)
    message = CentreMessage.objects.get(message_id=message_id)
    client = sign_in(Client(), administrator, centre)

    page = client.get(reverse("centrebox:message", args=[message.pk])).content.decode()

    assert "Votre dossier est complet." not in page and "Afficher le contenu" in page
    message.refresh_from_db()
    assert message.read_at is None and message.body_fetched_at is None
    assert centre_ebox.body_calls() == [] and centre_ebox.message(message_id)["readStatus"] is False
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="centrebox.CentreMessage", object_id=str(message.pk)
    ).exists()


def test_showing_the_content_fetches_the_body_marks_read_at_the_ebox_and_is_audited(
    centre, administrator, centre_ebox
):
    message_id = centre_ebox.drop(centre.bce_number, body="Votre dossier est complet.")
    services.inbox_import(centre=centre)
    message = CentreMessage.objects.get(message_id=message_id)
    client = sign_in(Client(), administrator, centre)
    read_url = reverse("centrebox:message_read", args=[message.pk])

    assert client.get(read_url).status_code == 405
    response = client.post(read_url, follow=True)

    page = response.content.decode()
    assert "Votre dossier est complet." in page and "Afficher le contenu" not in page
    message.refresh_from_db()
    assert message.read_at is not None and message.read_by == administrator
    assert centre_ebox.message(message_id)["readStatus"] is True
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(message.pk), details__read=True
    ).exists()
    client.post(read_url)
    assert len(centre_ebox.body_calls()) == 1  # the body is fetched once


def test_showing_the_content_while_the_ebox_is_down_leaves_the_message_unread(
    centre, administrator, centre_ebox
):
    message_id = centre_ebox.drop(centre.bce_number)
    services.inbox_import(centre=centre)
    message = CentreMessage.objects.get(message_id=message_id)
    centre_ebox.script = ["503", "503"]

    response = sign_in(Client(), administrator, centre).post(
        reverse("centrebox:message_read", args=[message.pk]), follow=True
    )

    assert response.status_code == 200
    assert "ne répond pas" in response.content.decode()
    message.refresh_from_db()
    assert message.read_at is None and message.body_fetched_at is None


def test_showing_the_content_of_a_box_no_credentials_open_says_what_to_complete(centre, administrator):
    # The platform is only the centre's mandatary: its tokens would open another organisation's box.
    message = centre_message_in(centre, message_type="SPPIS_INFORMATION", body="", body_fetched_at=None)

    response = sign_in(Client(), administrator, centre).post(
        reverse("centrebox:message_read", args=[message.pk]), follow=True
    )

    assert "propre client eBox" in response.content.decode()
    message.refresh_from_db()
    assert message.read_at is None and message.body_fetched_at is None


def test_labels_are_created_attached_and_removed(centre_admin_client, centre, box):
    url = reverse("centrebox:label_add", args=[box["sppis"].pk])

    centre_admin_client.post(url, {"name": "À traiter"})
    centre_admin_client.post(reverse("centrebox:label_add", args=[box["linked"].pk]), {"name": "à traiter"})

    label = box["sppis"].labels.get()
    assert label.name == "À traiter" and list(box["linked"].labels.all()) == [label]
    centre_admin_client.post(reverse("centrebox:label_remove", args=[box["sppis"].pk, label.pk]))
    assert not box["sppis"].labels.exists()


def test_linked_reply_shows_on_the_document_and_the_dossier_for_every_member(centre, box):
    client = member(centre)  # no e-Box grant at all

    fragment = client.get(reverse("centrebox:document_replies", args=[box["document"].pk])).content.decode()
    assert "Réponse reçue" in fragment and "Antwoord op de beslissing" in fragment
    dossier = client.get(
        reverse("centrebox:dossier_replies", args=[box["document"].dossier_id])
    ).content.decode()
    assert "Antwoord op de beslissing" in dossier
    assert client.get(reverse("centrebox:message", args=[box["linked"].pk])).status_code == 200


def test_document_without_reply_says_so(worker_client, centre):
    fragment = worker_client.get(reverse("centrebox:document_replies", args=[document_in(centre).pk]))
    assert "Aucune réponse du bénéficiaire" in fragment.content.decode()


def test_document_page_embeds_the_reply_section(worker_client, box):
    page = worker_client.get(reverse("documents:detail", args=[box["document"].pk])).content.decode()
    assert reverse("centrebox:document_replies", args=[box["document"].pk]) in page


def test_another_centres_message_is_404(centre_admin_client, other_centre):
    foreign = centre_message_in(other_centre)
    assert centre_admin_client.get(reverse("centrebox:message", args=[foreign.pk])).status_code == 404
    assert centre_admin_client.get(INBOX).context["total"] == 0


def test_administrator_grants_types_in_the_admin(centre, administrator, other_centre):
    from centrebox.models import InboxGrant

    target = MembershipFactory(centre=centre)
    foreign = MembershipFactory(centre=other_centre)
    client = sign_in(Client(), administrator, centre)
    add = reverse("admin:centrebox_inboxgrant_add")

    form = client.get(add).context["adminform"].form
    assert foreign.pk not in [m.pk for m in form.fields["membership"].queryset]
    response = client.post(
        add, {"membership": target.pk, "may_open_ebox": "on", "message_types": ["CITIZEN_REPLY"]}
    )

    assert response.status_code == 302
    grant = InboxGrant.objects.get(membership=target)
    assert grant.centre == centre and grant.message_types == ["CITIZEN_REPLY"]
    assert client.post(add, {"membership": foreign.pk, "may_open_ebox": "on"}).status_code == 200  # refused


def test_the_inbox_reads_the_grant_once_and_the_types_without_reading_every_message(centre, box):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = member(centre, types=["SPPIS_INFORMATION"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(INBOX)
    assert response.status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    assert len([q for q in sql if 'FROM "centrebox_inboxgrant"' in q]) == 1
    # The model's ordering in a DISTINCT made it read (and sort) every message of the centre.
    assert not [q for q in sql if "DISTINCT" in q and "received_at" in q]
    choices = response.context["form"].fields["message_type"].choices
    assert sorted(value for value, _label in choices if value) == ["CITIZEN_REPLY", "SPPIS_INFORMATION"]


def test_the_types_a_member_sees_are_the_granted_ones_present_plus_linked_replies(centre, box):
    from centrebox import selectors

    membership = MembershipFactory(centre=centre)
    services.grant_set(membership=membership, may_open_ebox=True, message_types=["CPAS_DECISION"])
    assert selectors.visible_types(membership=membership) == ["CITIZEN_REPLY"]
    services.grant_set(membership=membership, may_open_ebox=True, message_types=["SPPIS_INFORMATION"])
    assert selectors.visible_types(membership=membership) == ["CITIZEN_REPLY", "SPPIS_INFORMATION"]
