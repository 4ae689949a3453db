"""Following the read status, the management commands, the document page's hooks and the admin."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from documents import extensions
from documents.models import Document, DocumentEvent
from ebox import read_status, services
from ebox.models import Publication
from tests.factories import CentreFactory, document_in, publication_in

pytestmark = pytest.mark.django_db


def _sent(centre, ebox, django_capture_on_commit_callbacks):
    document = document_in(centre)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_request(document=document, language=None, by=document.uploaded_by)
    return Publication.objects.get(document=document)


def test_status_sync_marks_read_publications_and_documents(centre, ebox, django_capture_on_commit_callbacks):
    read = _sent(centre, ebox, django_capture_on_commit_callbacks)
    unread = _sent(centre, ebox, django_capture_on_commit_callbacks)
    ebox.messages[read.message_id].read = True

    counts = services.publications_sync_status()

    assert counts == {"checked": 2, "read": 1}
    read.refresh_from_db()
    unread.refresh_from_db()
    assert read.state == Publication.State.READ and read.read_at
    assert unread.state == Publication.State.SENT
    assert read.document.__class__.objects.get(pk=read.document_id).status == Document.Status.READ
    assert DocumentEvent.objects.filter(document_id=read.document_id, kind="read").count() == 1
    # Once read, it is not asked for any more.
    assert services.publications_sync_status() == {"checked": 1, "read": 0}


def test_status_sync_works_in_batches(centre, ebox, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(read_status, "SYNC_BATCH", 2)
    publications = [_sent(centre, ebox, django_capture_on_commit_callbacks) for _ in range(5)]
    for message in ebox.messages.values():
        message.read = True

    assert services.publications_sync_status() == {"checked": 5, "read": 5}
    assert len([c for c in ebox.calls if c.url.endswith("/searchMessageStatus")]) == 3
    assert all(p.__class__.objects.get(pk=p.pk).state == "read" for p in publications)


def test_ebox_sync_command_prints_counts(centre, ebox, django_capture_on_commit_callbacks, capsys):
    publication = _sent(centre, ebox, django_capture_on_commit_callbacks)
    ebox.messages[publication.message_id].read = True

    call_command("ebox_sync")

    assert "checked: 1, read: 1" in capsys.readouterr().out


def test_ebox_retry_failed_command_requeues_failed_publications(
    centre, ebox, capsys, django_capture_on_commit_callbacks
):
    failed = publication_in(centre)
    publication_in(centre, state="no_digital_user")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("ebox_retry_failed")

    assert "failed: 1, queued: 1" in capsys.readouterr().out
    failed.refresh_from_db()
    assert failed.state == Publication.State.SENT
    assert len(ebox.messages) == 1


def test_document_page_offers_send_and_shows_publications(centre):
    registered, sent, pending = (document_in(centre, status=s) for s in ("registered", "sent", "pending"))

    ((action, url),) = extensions.actions_for(registered)
    assert str(action.label) == "Envoyer vers eBox" and action.confirm is None
    assert url == reverse("ebox:send", args=[registered.pk])
    ((resend, _url),) = extensions.actions_for(sent)
    assert resend.confirm  # a deliberate re-send is confirmed first
    assert extensions.actions_for(pending) == []
    urls = [url for _section, url in extensions.sections_for(registered)]
    assert reverse("ebox:document_publications", args=[registered.pk]) in urls


def test_publications_fragment_lists_sent_ones_without_retry(worker_client, centre):
    publication = publication_in(centre, state="sent", message_id="m-1")

    page = worker_client.get(
        reverse("ebox:document_publications", args=[publication.document_id])
    ).content.decode()

    assert "Envoyé" in page and "Réessayer" not in page


def test_retry_of_a_sent_publication_is_refused(worker_client, centre, ebox):
    publication = publication_in(centre, state="sent", message_id="m-1")

    response = worker_client.post(reverse("ebox:retry", args=[publication.pk]), follow=True)

    assert "pas en échec" in response.content.decode()
    assert not ebox.calls


def test_admin_lists_only_the_administrators_centre_read_only(centre_admin_client, centre):
    mine = publication_in(centre)
    theirs = publication_in(CentreFactory())

    listing = centre_admin_client.get(reverse("admin:ebox_publication_changelist"))
    change = centre_admin_client.get(reverse("admin:ebox_publication_change", args=[mine.pk]))

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    assert list(listing.context["cl"].result_list) == [mine]
    assert theirs not in listing.context["cl"].result_list
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert centre_admin_client.get(reverse("admin:ebox_publication_add")).status_code == 403


@pytest.mark.parametrize(("language", "words"), [("fr", "(2 à vérifier)"), ("nl", "(2 te controleren)")])
def test_home_count_beside_the_sends_says_they_are_to_verify(worker_client, centre, language, words):
    # The count beside « Envois vers l'eBox » is of sends a person must check, not of unread messages.
    publication_in(centre, state=Publication.State.TO_VERIFY)
    publication_in(centre, state=Publication.State.TO_VERIFY)
    publication_in(centre, state=Publication.State.FAILED)
    worker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = worker_client.get(reverse("primaweb:home")).content.decode()
    entry = page[page.index(f'href="{reverse("ebox:publications")}"') :].split("</li>")[0]
    assert words in entry
    assert "non lue" not in entry and "niet gelezen" not in entry
