from datetime import timedelta

from django.core import mail
from django.utils import timezone

from simulators.ebox.models import Citizen, Message, Reply

from .conftest import BASE, CITIZEN_NISS, OTHER_NISS, activate, message_to_publish

INBOX = BASE + "citoyen/boite/"


def open_url(message_id: str) -> str:
    return f"{BASE}citoyen/messages/{message_id}/"


def test_signing_in_with_an_invalid_niss_is_refused(citizen_browser):
    response = citizen_browser.post(BASE + "citoyen/", {"niss": "12345678901"})

    assert response.status_code == 200
    assert "n&#x27;est pas valide" in response.content.decode()
    assert not Citizen.objects.exists()


def test_pages_are_marked_as_the_simulator_in_french(citizen_browser):
    page = citizen_browser.get(BASE + "citoyen/").content.decode()

    assert '<html lang="fr">' in page
    assert "Simulateur — My eBox" in page


def test_new_citizen_must_activate_before_seeing_the_inbox(citizen_browser):
    citizen_browser.post(BASE + "citoyen/", {"niss": CITIZEN_NISS})

    assert citizen_browser.get(INBOX).url.endswith("/citoyen/activer/")


def test_activation_stores_the_preferences(citizen_browser):
    activate(citizen_browser, notifications=False)

    citizen = Citizen.objects.get(niss=CITIZEN_NISS)
    assert citizen.activated and citizen.activated_at
    assert (citizen.email, citizen.language, citizen.notifications) == ("jean@example.be", "fr", False)


def test_inbox_lists_newest_first_with_unread_marked(publish, citizen_browser):
    activate(citizen_browser)
    publish(message_to_publish(subject={"fr": "Premier courrier"}))
    publish(message_to_publish(subject={"fr": "Second courrier"}))

    page = citizen_browser.get(INBOX).content.decode()

    assert page.index("Second courrier") < page.index("Premier courrier")
    assert page.count("Non lu") == 2


def test_opening_the_main_pdf_marks_the_message_read_and_serves_it_inline(publish, citizen_browser, search):
    activate(citizen_browser)
    message_id = publish().json()["messageId"]
    couple = [{"messageId": message_id, "eboxId": {"eboxType": "citizen", "eboxIdValue": CITIZEN_NISS}}]
    assert search(couple).json()[0]["readStatus"] is False

    detail = citizen_browser.get(open_url(message_id))
    assert search(couple).json()[0]["readStatus"] is False  # the page alone is not the main content
    main = Message.objects.get(message_id=message_id).attachments.get()
    pdf = citizen_browser.get(f"{open_url(message_id)}pieces/{main.pk}/")

    assert detail.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    assert pdf.content.startswith(b"%PDF")
    status = search(couple).json()
    assert status[0]["readStatus"] is True
    assert status[0]["visible"] is True
    assert status[0]["eboxId"] == couple[0]["eboxId"]
    assert "Non lu" not in citizen_browser.get(INBOX).content.decode()


def test_opening_an_annex_does_not_mark_the_message_read(publish, citizen_browser):
    activate(citizen_browser)
    message = message_to_publish(
        attachments=[
            {"httpPartName": "upfile1", "mainContent": True},
            {"httpPartName": "upfile2", "mainContent": False},
        ]
    )
    from .conftest import sample_pdf

    files = {
        "upfile1": ("decision.pdf", sample_pdf(), "application/pdf"),
        "upfile2": ("annexe.pdf", sample_pdf("Annexe"), "application/pdf"),
    }
    message_id = publish(message, files).json()["messageId"]
    annex = Message.objects.get(message_id=message_id).attachments.get(main_content=False)

    citizen_browser.get(f"{open_url(message_id)}pieces/{annex.pk}/")

    assert Message.objects.get(message_id=message_id).read_at is None


def test_another_citizen_cannot_open_the_message(publish, citizen_browser, client):
    activate(citizen_browser)
    message_id = publish().json()["messageId"]
    activate(citizen_browser, OTHER_NISS)

    assert citizen_browser.get(open_url(message_id)).status_code == 404


def test_search_omits_unknown_ids_and_other_recipients(publish, citizen_browser, search):
    activate(citizen_browser)
    message_id = publish().json()["messageId"]

    statuses = search(
        [
            {
                "messageId": "00000000-0000-0000-0000-000000000000",
                "eboxId": {"eboxType": "citizen", "eboxIdValue": CITIZEN_NISS},
            },
            {"messageId": message_id, "eboxId": {"eboxType": "citizen", "eboxIdValue": OTHER_NISS}},
            {"messageId": message_id, "eboxId": {"eboxType": "citizen", "eboxIdValue": CITIZEN_NISS}},
        ]
    )

    assert statuses.status_code == 201
    assert [status["messageId"] for status in statuses.json()] == [message_id]


def test_reply_is_accepted_once(publish, citizen_browser):
    activate(citizen_browser)
    message_id = publish(message_to_publish(replyAuthorized=True)).json()["messageId"]
    assert "Répondre" in citizen_browser.get(open_url(message_id)).content.decode()

    citizen_browser.post(open_url(message_id) + "repondre/", {"answer": "accept"})
    second = citizen_browser.post(open_url(message_id) + "repondre/", {"answer": "refuse"}, follow=True)

    reply = Reply.objects.get()
    assert reply.answer == "accept"
    assert "déjà répondu" in second.content.decode()


def test_free_comment_reply_longer_than_1000_characters_is_refused(publish, citizen_browser):
    activate(citizen_browser)
    message_id = publish(message_to_publish(replyAuthorized=True)).json()["messageId"]

    citizen_browser.post(open_url(message_id) + "repondre/", {"answer": "comment", "comment": "x" * 1001})
    citizen_browser.post(open_url(message_id) + "repondre/", {"answer": "comment", "comment": "Merci"})

    assert Reply.objects.get().comment == "Merci"


def test_reply_is_refused_when_the_sender_did_not_allow_it(publish, citizen_browser):
    activate(citizen_browser)
    message_id = publish().json()["messageId"]

    citizen_browser.post(open_url(message_id) + "repondre/", {"answer": "accept"})

    assert not Reply.objects.exists()


def test_deactivated_ebox_gets_no_digital_user_for_new_publications(publish, citizen_browser):
    activate(citizen_browser)
    assert publish().json()["code"] == "OK"

    citizen_browser.post(BASE + "citoyen/desactiver/")

    citizen = Citizen.objects.get(niss=CITIZEN_NISS)
    assert not citizen.activated and citizen.deactivated_at
    assert publish().json()["code"] == "NO_DIGITAL_USER"


def test_new_message_sends_a_notification_without_its_content(
    publish, citizen_browser, django_capture_on_commit_callbacks
):
    activate(citizen_browser)

    with django_capture_on_commit_callbacks(execute=True):
        publish(message_to_publish(subject={"fr": "Votre décision"}, bodyContent={"fr": "Texte secret"}))

    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.subject == "Vous avez reçu un nouveau document dans votre eBox"
    assert notice.to == ["jean@example.be"]
    assert "Votre décision" in notice.body and "0212.344.876" in notice.body
    assert "Texte secret" not in notice.body


def test_no_notification_when_the_citizen_turned_them_off(
    publish, citizen_browser, django_capture_on_commit_callbacks
):
    activate(citizen_browser, notifications=False)

    with django_capture_on_commit_callbacks(execute=True):
        publish()

    assert mail.outbox == []


def test_expired_message_leaves_the_inbox_and_becomes_invisible(publish, citizen_browser, search):
    activate(citizen_browser)
    message_id = publish(message_to_publish(subject={"fr": "Ancien courrier"})).json()["messageId"]
    Message.objects.filter(message_id=message_id).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert "Ancien courrier" not in citizen_browser.get(INBOX).content.decode()
    assert citizen_browser.get(open_url(message_id)).status_code == 404
    assert (
        search(
            [{"messageId": message_id, "eboxId": {"eboxType": "citizen", "eboxIdValue": CITIZEN_NISS}}]
        ).json()[0]["visible"]
        is False
    )
