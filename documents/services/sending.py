"""The document's status as the eBox app moves it: sending, sent, read, a failed send, a reply. Each is
idempotent (a re-run changes nothing)."""

from django.db import transaction

from primaweb.models import User

from ..failures import Failure
from ..models import Document, DocumentEvent
from ..selectors import documents_by_id
from .history import event_reason, event_record


@transaction.atomic
def document_mark_sent(*, document_id: int, by: User | None, **details) -> Document:
    """« Envoyé vers eBox avec succès »: from then on the document can be neither replaced nor deleted."""
    document = documents_by_id().select_for_update().get(pk=document_id)
    if document.status not in (Document.Status.SENT, Document.Status.READ):
        document.status = Document.Status.SENT
    document.send_state = ""
    document.save(update_fields=["status", "send_state"])
    event_record(document=document, kind=DocumentEvent.Kind.SENT, by=by, **details)
    return document


def document_mark_sending(*, document_id: int) -> None:
    """« Envoi en cours »: a send was queued (or queued again) and is not settled yet."""
    _set_send_state(document_id, Document.SendState.SENDING)


def document_mark_send_to_verify(*, document_id: int) -> None:
    """« Envoi à vérifier »: the send's answer was lost after it left; a person must check it."""
    _set_send_state(document_id, Document.SendState.TO_VERIFY)


def _set_send_state(document_id: int, state: str) -> None:
    documents_by_id().filter(pk=document_id).update(send_state=state)


@transaction.atomic
def document_mark_read(*, document_id: int, **details) -> Document:
    """« Lu par le destinataire », once: later calls change nothing."""
    document = documents_by_id().select_for_update().get(pk=document_id)
    if document.status != Document.Status.READ:
        document.status = Document.Status.READ
        document.save(update_fields=["status"])
        event_record(document=document, kind=DocumentEvent.Kind.READ, by=None, **details)
    return document


def document_record_send_failure(
    *, document_id: int, by: User | None, reason: Failure, no_ebox: bool = False
) -> DocumentEvent:
    """« Envoi échoué » (or « Bénéficiaire sans eBox ») in the document's history and as its shown status;
    the document's own status (registered, sent, read) is left as it was."""
    document = documents_by_id().get(pk=document_id)
    _set_send_state(document_id, Document.SendState.NO_EBOX if no_ebox else Document.SendState.FAILED)
    kind = DocumentEvent.Kind.SEND_FAILED
    return event_record(document=document, kind=kind, by=by, **event_reason(reason))


@transaction.atomic
def document_reply_record(*, document_id: int, received_at, message_ref: str) -> Document:
    """The citizen answered the document in their eBox: « réponse reçue », once per reply."""
    document = documents_by_id().select_for_update().get(pk=document_id)
    if document.events.filter(kind=DocumentEvent.Kind.REPLY_RECEIVED, details__message=message_ref).exists():
        return document
    if document.reply_received_at is None or document.reply_received_at < received_at:
        document.reply_received_at = received_at
        document.save(update_fields=["reply_received_at"])
    DocumentEvent.objects.create(
        document=document,
        kind=DocumentEvent.Kind.REPLY_RECEIVED,
        by=None,
        at=received_at,
        details={"message": message_ref},
    )
    return document
