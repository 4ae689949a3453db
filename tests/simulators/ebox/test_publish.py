from datetime import datetime

import pytest

from simulators.ebox.models import Message, SenderConfiguration

from .conftest import CITIZEN_NISS, SENDER_BCE, activate, digest, message_to_publish, sample_pdf


@pytest.fixture
def active_citizen(citizen_browser):
    activate(citizen_browser)
    return citizen_browser


def test_publication_to_an_active_ebox_is_created_and_lands_in_the_inbox(publish, active_citizen):
    response = publish()

    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "OK"
    message = Message.objects.get(message_id=body["messageId"])
    assert message.delivered
    assert bytes(message.attachments.get().data).startswith(b"%PDF-1.4")
    inbox = active_citizen.get("/simulators/ebox/citoyen/boite/")
    assert "Décision relative à votre demande d&#x27;aide" in inbox.content.decode()


def test_expiry_follows_the_message_type_validity_and_ignores_the_senders_date(publish, active_citizen):
    response = publish(message_to_publish(expirationDate="2030-01-01T00:00:00+01:00"))

    message = Message.objects.get(message_id=response.json()["messageId"])
    months = (message.expires_at.year - message.published_at.year) * 12 + (
        message.expires_at.month - message.published_at.month
    )
    assert months == 24  # CPAS_DECISION
    assert datetime.fromisoformat(response.json()["expirationDate"]) == message.expires_at.replace(
        microsecond=0
    )


def test_a_configured_message_type_without_known_validity_gets_twelve_months(publish, active_citizen):
    SenderConfiguration.objects.create(
        organization_bce=SENDER_BCE, application_id="primaweb", message_type_id="SOMETHING"
    )
    message = Message.objects.get(
        message_id=publish(message_to_publish(messageTypeId="SOMETHING")).json()["messageId"]
    )

    assert (message.expires_at.year - message.published_at.year) * 12 + (
        message.expires_at.month - message.published_at.month
    ) == 12


def test_recipient_who_never_activated_gets_no_digital_user_and_no_inbox_message(publish, citizen_browser):
    response = publish()

    assert response.status_code == 201
    assert response.json()["code"] == "NO_DIGITAL_USER"
    assert not Message.objects.get(message_id=response.json()["messageId"]).delivered
    activate(citizen_browser)
    assert "vide" in citizen_browser.get("/simulators/ebox/citoyen/boite/").content.decode()


def test_parts_may_come_in_any_order_and_annexes_are_kept(publish, active_citizen):
    message = message_to_publish(
        attachments=[
            {"httpPartName": "upfile2", "mainContent": False},
            {"httpPartName": "upfile1", "mainContent": True, "digest": digest(sample_pdf())},
        ]
    )
    files = {
        "upfile2": ("annexe.txt", b"annexe", "text/plain"),
        "upfile1": ("decision.pdf", sample_pdf(), "application/pdf"),
    }

    response = publish(message, files)

    assert response.status_code == 201, response.content
    stored = Message.objects.get(message_id=response.json()["messageId"])
    assert {(a.file_name, a.main_content) for a in stored.attachments.all()} == {
        ("annexe.txt", False),
        ("decision.pdf", True),
    }


def test_body_can_be_the_main_content(publish, active_citizen):
    message = message_to_publish(attachments=[], bodyMainContent=True, bodyContent={"fr": "Bonjour"})

    response = publish(message, files={})

    assert response.status_code == 201, response.content


def error_of(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        (
            {"subject": {"fr": "Décision", "nl": "Beslissing"}},
            "NOT_IMPLEMENTED",
            "Multiple languages provided",
        ),
        ({"bodyContent": {"nl": "Hallo"}}, "NOT_IMPLEMENTED", "Multiple languages provided"),
        ({"subject": {"fr": "x" * 401}}, "INVALID_INPUT", "Subject is longer than 400"),
        (
            {"senderOrganizationId": "2212344876"},
            "INVALID_INPUT",
            "senderOrganizationId: '2212344876' does not match",
        ),
        ({"senderOrganizationId": "02123448760"}, "INVALID_SENDER", "Invalid message configuration"),
        ({"senderOrganizationId": "0212344877"}, "INVALID_SENDER", "is not a valid company"),
        (
            {"recipient": {"eboxType": "citizen", "eboxIdValue": "75031212345"}},
            "INVALID_INPUT",
            "not a valid SSIN",
        ),
        (
            {"recipient": {"eboxType": "enterprise", "eboxIdValue": "0212344877"}},
            "INVALID_INPUT",
            "0212344877 is not a valid company",
        ),
        (
            {"bodyMainContent": True, "bodyContent": {"fr": "Bonjour"}},
            "INVALID_INPUT",
            "Too many main content",
        ),
        (
            {"attachments": [{"httpPartName": "upfile1", "mainContent": False}]},
            "INVALID_INPUT",
            "No main content attachment",
        ),
        (
            {"attachments": [{"httpPartName": "upfile3", "mainContent": True}]},
            "INVALID_INPUT",
            "do not match",
        ),
        ({"attachments": []}, "INVALID_INPUT", "inconsistent with number of parts"),
        ({"registeredMail": None}, "INVALID_INPUT", "registeredMail: None is not of type 'boolean'"),
        ({"replyAuthorized": "yes"}, "INVALID_INPUT", "replyAuthorized: 'yes' is not of type 'boolean'"),
        ({"registeredMail": True}, "INVALID_INPUT", "only possible for the EPOST service"),
        (
            {
                "paymentData": {
                    "paymentDataId": "p1",
                    "amount": 10.0,
                    "vatAmount": 0.0,
                    "currency": "EUR",
                    "iban": "BE68539007547034",
                    "dueDate": "2030-01-01T00:00:00+01:00",
                }
            },
            "NOT_IMPLEMENTED",
            "Payment data is not supported",
        ),
    ],
)
def test_invalid_publications_are_refused_with_the_services_code(publish, db, changes, code, message):
    status, got_code, got_message = error_of(publish(message_to_publish(**changes)))

    assert (status, got_code) == (400, code)
    assert message in got_message
    assert not Message.objects.exists()


def test_missing_required_key_is_an_invalid_schema(publish, db):
    message = message_to_publish()
    del message["replyAuthorized"]

    assert error_of(publish(message)) == (
        400,
        "INVALID_INPUT",
        "Invalid Schema: required key [replyAuthorized] not found",
    )


def test_executable_attachment_is_refused(publish, db):
    files = {"upfile1": ("setup.exe", b"MZ\x90\x00", "application/x-msdownload")}

    status, code, message = error_of(publish(files=files))

    assert (status, code) == (400, "INVALID_INPUT")
    assert "mime type is not valid" in message


def test_file_name_longer_than_255_is_refused(publish, db):
    files = {"upfile1": ("d" * 252 + ".pdf", sample_pdf(), "application/pdf")}

    assert error_of(publish(files=files))[:2] == (400, "INVALID_INPUT")


def test_digest_that_does_not_match_the_part_is_refused(publish, db):
    wrong = digest(b"another document")
    message = message_to_publish(
        attachments=[{"httpPartName": "upfile1", "mainContent": True, "digest": wrong}]
    )

    assert error_of(publish(message)) == (400, "DIGEST_DO_NOT_MATCH", "Issue with Digest")
    assert not Message.objects.exists()


def test_hex_digest_is_refused_like_the_faq_says(publish, db):
    import hashlib

    hex_digest = {"digestMethod": "sha_256", "digestValue": hashlib.sha256(sample_pdf()).hexdigest()}
    message = message_to_publish(
        attachments=[{"httpPartName": "upfile1", "mainContent": True, "digest": hex_digest}]
    )

    assert error_of(publish(message))[1] == "DIGEST_DO_NOT_MATCH"


def test_error_body_is_a_status_message(publish, db):
    body = publish(message_to_publish(subject={"fr": "a", "de": "b"})).json()

    assert set(body) == {"id", "code", "message", "contact", "environment"}
    assert len(body["id"]) == 36


def test_on_v3_replayed_idempotency_key_gives_409_with_the_original_message_id(
    publish, active_citizen, settings
):
    settings.EBOX_SIMULATOR_FAULTS = {"api_version": "3"}
    first = publish(key="doc-42-attempt")

    second = publish(key="doc-42-attempt")

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "DUPLICATE"
    assert second.json()["messageId"] == first.json()["messageId"]
    assert Message.objects.count() == 1


def test_different_idempotency_keys_publish_twice(publish, active_citizen):
    publish(key="a")
    publish(key="b")
    publish()

    assert Message.objects.filter(recipient_niss=CITIZEN_NISS).count() == 3
