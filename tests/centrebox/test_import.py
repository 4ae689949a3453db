"""Importing the centre's e-Box: once per message, page after page, from the cursor, losing nothing."""

import pytest

from centrebox import services, tasks
from centrebox.models import CentreMessage, InboxCursor
from ebox.client import EboxTransientError
from tests.ebox_onboarding import key_pair, own_client
from tests.factories import publication_in

pytestmark = pytest.mark.django_db


def test_import_twice_stores_each_message_once(centre, centre_ebox):
    first = centre_ebox.drop(centre.bce_number, minutes=1)
    centre_ebox.drop(centre.bce_number, minutes=2)

    assert services.inbox_import(centre=centre)["created"] == 2
    assert services.inbox_import(centre=centre)["created"] == 0

    assert CentreMessage.objects.for_centre(centre).count() == 2
    message = CentreMessage.objects.get(message_id=first)
    assert message.language == "fr" and message.subject.startswith("Message")
    assert message.read_at is None
    assert centre_ebox.message(first)["readStatus"] is False  # importing does not read


def test_import_reads_every_page(centre, centre_ebox, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    for minute in range(5):
        centre_ebox.drop(centre.bce_number, minutes=minute)

    counts = services.inbox_import(centre=centre)

    assert counts["created"] == 5
    assert len(centre_ebox.list_calls()) == 3


def test_next_import_asks_only_after_the_cursor(centre, centre_ebox):
    centre_ebox.drop(centre.bce_number, minutes=1)
    services.inbox_import(centre=centre)
    cursor = InboxCursor.objects.get(centre=centre)
    assert cursor.received_after is not None

    centre_ebox.drop(centre.bce_number, minutes=3 * 24 * 60)
    counts = services.inbox_import(centre=centre)

    # A date, the day before the cursor's: the API filters by whole days, and nothing is missed.
    assert "receivedAfter=2025-02-28&" in centre_ebox.list_calls()[-1].url + "&"
    assert "receivedAfter=" not in centre_ebox.list_calls()[0].url
    assert counts["created"] == 1
    assert InboxCursor.objects.get(centre=centre).received_after > cursor.received_after
    # The third run no longer asks for the first message, long before the cursor.
    assert services.inbox_import(centre=centre) == {"seen": 1, "created": 0, "linked": 0}


def test_transient_failure_midway_loses_and_duplicates_nothing(centre, centre_ebox, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    for minute in range(4):
        centre_ebox.drop(centre.bce_number, minutes=minute)
    real = services.client.list_messages
    calls = []

    def failing_second_page(**kwargs):
        calls.append(kwargs)
        if kwargs["page"] == 2 and len(calls) == 2:
            raise EboxTransientError("HTTP 503")
        return real(**kwargs)

    monkeypatch.setattr(services.client, "list_messages", failing_second_page)

    with pytest.raises(EboxTransientError):
        services.inbox_import(centre=centre)
    assert CentreMessage.objects.for_centre(centre).count() == 2
    assert InboxCursor.objects.get(centre=centre).received_after is None  # the cursor did not move

    services.inbox_import(centre=centre)
    assert CentreMessage.objects.for_centre(centre).count() == 4


def test_task_retries_on_a_down_ebox_then_a_later_run_imports_everything(centre, centre_ebox, monkeypatch):
    monkeypatch.setattr(tasks, "retry_delay", lambda retries, retry_after=None: 0)
    centre_ebox.drop(centre.bce_number, minutes=1)
    centre_ebox.script = ["503", "429", "connection"]  # three failures: first attempt and two retries

    result = tasks.import_centre_inbox.apply(args=[centre.pk])

    assert result.failed()
    assert CentreMessage.objects.for_centre(centre).count() == 0
    assert len(centre_ebox.list_calls()) == 3

    tasks.import_centre_inboxes()  # the next beat run
    assert CentreMessage.objects.for_centre(centre).count() == 1


def test_task_succeeds_after_a_retry(centre, centre_ebox, monkeypatch):
    monkeypatch.setattr(tasks, "retry_delay", lambda retries, retry_after=None: 0)
    centre_ebox.drop(centre.bce_number, minutes=1)
    centre_ebox.script = ["503"]

    tasks.import_centre_inbox.apply(args=[centre.pk])

    assert CentreMessage.objects.for_centre(centre).count() == 1


def test_a_centre_whose_box_no_credentials_open_is_skipped_without_retries(
    centre, other_centre, centre_ebox, monkeypatch
):
    # The platform publishes for other_centre as its mandatary, but its certificate is `centre`'s.
    monkeypatch.setattr(tasks, "retry_delay", lambda retries, retry_after=None: 0)
    centre_ebox.drop(other_centre.bce_number)

    result = tasks.import_centre_inbox.apply(args=[other_centre.pk])

    assert result.successful() and result.result == {"seen": 0, "created": 0, "linked": 0}
    assert centre_ebox.list_calls() == []
    assert not CentreMessage.objects.exists()


def test_reply_is_linked_to_the_publication_and_its_document(centre, centre_ebox):
    publication = publication_in(centre, state="sent", message_id="pub-123")
    reply = centre_ebox.drop(
        centre.bce_number,
        message_type="CITIZEN_REPLY",
        original="pub-123",
        citizen=publication.recipient_niss,
        subject={"nl": "Antwoord"},
    )

    assert services.inbox_import(centre=centre)["linked"] == 1

    message = CentreMessage.objects.get(message_id=reply)
    assert message.publication == publication and message.document == publication.document
    assert message.sender == publication.recipient_niss and message.sender_is_citizen
    assert (message.language, message.subject) == ("nl", "Antwoord")


def test_unmatched_reply_is_kept_unlinked(centre, centre_ebox):
    reply = centre_ebox.drop(
        centre.bce_number, message_type="CITIZEN_REPLY", original="nothing", citizen="85073003328"
    )

    services.inbox_import(centre=centre)

    message = CentreMessage.objects.get(message_id=reply)
    assert message.is_unlinked_reply and message.original_message_id == "nothing"


def test_each_centre_imports_the_box_its_credentials_open(centre, other_centre, centre_ebox, tmp_path):
    centre_ebox.drop(centre.bce_number)
    centre_ebox.drop(other_centre.bce_number)
    centre_ebox.drop(other_centre.bce_number, minutes=1)
    # The other centre holds its own OAuth client, whose certificate is its own.
    client_id = own_client(other_centre, tmp_path)
    centre_ebox.clients[client_id] = key_pair(f"centre-{other_centre.bce_number}").public_key
    centre_ebox.organisations[client_id] = other_centre.bce_number

    services.inbox_import(centre=centre)
    services.inbox_import(centre=other_centre)

    assert all("eboxIdValue" not in call.url for call in centre_ebox.list_calls())

    assert CentreMessage.objects.for_centre(centre).count() == 1
    assert CentreMessage.objects.for_centre(other_centre).count() == 2
