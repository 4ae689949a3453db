"""Sending documents to the citizen's eBox, exactly once, and following whether they were read.

A `Publication` carries one idempotency key, sent with every attempt: however many times a worker retries
or re-runs after a crash, the eBox holds at most one message for it (a repeat answers 409 with the
original message id, which counts as sent). The document's own status moves only through
`documents.services`.
"""

import logging

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import services as document_services
from documents.models import Document
from primaweb.models import AuditEvent, User
from primaweb.services import audit_record

from . import client
from .models import Publication

logger = logging.getLogger(__name__)

SENDABLE_STATUSES = (Document.Status.REGISTERED, Document.Status.SENT, Document.Status.READ)
SYNC_BATCH = 100


class PublicationRefused(Exception):
    """The request can not be accepted; the message is meant for the social worker."""


def no_digital_user_reason() -> str:
    return _("Le bénéficiaire n'a pas activé son eBox")


def publication_language(*, centre, language: str | None) -> str:
    """The subject's language: a Brussels centre must choose French or Dutch, others write in theirs."""
    if centre.is_bilingual:
        if language not in ("fr", "nl"):
            raise PublicationRefused(
                _(
                    "Un C.P.A.S. bruxellois doit choisir la langue de l'objet du message : "
                    "français ou néerlandais."
                )
            )
        return language
    return centre.language or "fr"


def _pdf_refused_reason(refusal) -> str:
    return _("Ce document ne peut pas être envoyé vers l'eBox : %(reason)s") % {"reason": refusal}


def _check_sendable(document: Document) -> None:
    if document.deleted_at is not None:
        raise PublicationRefused(_("Ce document a été supprimé."))
    if document.status not in SENDABLE_STATUSES or not document.has_pdf:
        raise PublicationRefused(_("Seul un document enregistré peut être envoyé vers l'eBox."))
    refusal = document_services.document_pdf_refusal(data=_pdf_of(document))
    if refusal is not None:
        raise PublicationRefused(_pdf_refused_reason(refusal))


def _queue(publication: Publication) -> None:
    from .tasks import send_publication

    transaction.on_commit(lambda: send_publication.delay(publication.pk))


@transaction.atomic
def publication_request(
    *, document: Document, language: str | None, by: User, request: HttpRequest | None = None
) -> Publication:
    """« Envoyer vers eBox »: records the publication and queues its sending once committed.

    The document must be registered, or already sent or read for a deliberate re-send (a new message).
    Raises `PublicationRefused` with a message for the worker otherwise, or when a sending of this
    document is still under way.
    """
    document = (
        Document.objects.for_centre(document.centre_id)
        .select_for_update()
        .select_related("dossier__beneficiary", "document_type")
        .get(pk=document.pk)
    )
    _check_sendable(document)
    centre = document.centre
    language = publication_language(centre=centre, language=language)
    if (
        Publication.objects.for_centre(document.centre_id)
        .filter(document=document, state__in=Publication.OPEN_STATES)
        .exists()
    ):
        raise PublicationRefused(_("Un envoi de ce document vers l'eBox est déjà en cours."))
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                centre=centre,
                document=document,
                recipient_niss=document.dossier.beneficiary.niss,
                language=language,
                subject=document.document_type.label(language)[:400],
                requested_by=by,
            )
    except IntegrityError as exc:  # a concurrent request won the race
        raise PublicationRefused(_("Un envoi de ce document vers l'eBox est déjà en cours.")) from exc
    audit_record(
        action=AuditEvent.Action.SEND,
        by=by,
        centre=centre,
        target=document,
        request=request,
        details={"publication": publication.pk, "language": language},
    )
    _queue(publication)
    return publication


def _pdf_of(document: Document) -> bytes:
    with document.pdf.open("rb") as pdf:
        return pdf.read()


def _by_id():
    # The sending tasks and beat name a publication by the id that a scoped service queued.
    return Publication.objects.across_centres(reason="a publication named by the id a scoped service queued")


def publication_send(*, publication_id: int) -> Publication:
    """One attempt at delivering the publication; safe to call any number of times.

    Returns the publication in its new state. Raises `client.EboxTransientError` when the attempt should
    be retried later (the same idempotency key will be used again).
    """
    with transaction.atomic():
        publication = _by_id().select_for_update().get(pk=publication_id)
        if publication.state not in Publication.OPEN_STATES:
            return publication  # already settled: a re-run after a crash changes nothing
        publication.state = Publication.State.SENDING
        publication.attempts += 1
        publication.save(update_fields=["state", "attempts"])
    document = (
        Document.objects.for_centre(publication.centre_id)
        .select_related("document_type", "centre")
        .get(pk=publication.document_id)
    )
    if document.deleted_at is not None or not document.has_pdf:
        return _settle_failed(publication.pk, _("Le document a été supprimé avant son envoi."))
    stem = document.original_name.rsplit(".", 1)[0] or "document"
    # Checked again on the very bytes that leave: what was stored may have changed since the request.
    pdf = _pdf_of(document)
    refusal = document_services.document_pdf_refusal(data=pdf)
    if refusal is not None:
        return _settle_failed(publication.pk, _pdf_refused_reason(refusal))
    try:
        result = client.publish(
            recipient_niss=publication.recipient_niss,
            language=publication.language,
            subject=publication.subject,
            message_type=document.document_type.ebox_message_type,
            sender_bce=document.centre.bce_number,
            pdf=pdf,
            filename=f"{stem}.pdf",
            idempotency_key=str(publication.idempotency_key),
            reply_authorized=document.document_type.reply_authorized,
        )
    except client.EboxTransientError as exc:
        Publication.objects.for_centre(publication.centre_id).filter(pk=publication.pk).update(
            last_error=str(exc)[:1000]
        )
        raise
    except client.EboxRejected as exc:
        reason = _("L'eBox a refusé le message : %(code)s %(message)s") % {
            "code": exc.code,
            "message": exc.message,
        }
        return _settle_failed(publication.pk, reason.strip())
    if result.no_digital_user:
        return _settle_no_digital_user(publication.pk, result)
    return _settle_sent(publication.pk, result)


@transaction.atomic
def _settle_sent(publication_id: int, result: client.PublishResult) -> Publication:
    publication = _by_id().select_for_update().get(pk=publication_id)
    if publication.state not in Publication.OPEN_STATES and publication.state != Publication.State.FAILED:
        return publication  # another worker settled it first
    publication.state = Publication.State.SENT
    publication.message_id = result.message_id
    publication.expiration_date = result.expiration_date
    publication.sent_at = timezone.now()
    publication.last_error = ""
    publication.save(update_fields=["state", "message_id", "expiration_date", "sent_at", "last_error"])
    document_services.document_mark_sent(
        document_id=publication.document_id,
        by=publication.requested_by,
        message_id=result.message_id,
        language=publication.language,
    )
    return publication


@transaction.atomic
def _settle_no_digital_user(publication_id: int, result: client.PublishResult) -> Publication:
    publication = _by_id().select_for_update().get(pk=publication_id)
    if publication.state not in Publication.OPEN_STATES:
        return publication
    reason = no_digital_user_reason()
    publication.state = Publication.State.NO_DIGITAL_USER
    publication.message_id = result.message_id
    publication.last_error = reason
    publication.save(update_fields=["state", "message_id", "last_error"])
    document_services.document_record_send_failure(
        document_id=publication.document_id, by=publication.requested_by, reason=reason
    )
    return publication


@transaction.atomic
def _settle_failed(publication_id: int, reason: str) -> Publication:
    publication = _by_id().select_for_update().get(pk=publication_id)
    if publication.state not in Publication.OPEN_STATES:
        return publication
    publication.state = Publication.State.FAILED
    publication.last_error = reason[:1000]
    publication.save(update_fields=["state", "last_error"])
    document_services.document_record_send_failure(
        document_id=publication.document_id, by=publication.requested_by, reason=reason
    )
    return publication


def publication_give_up(*, publication_id: int, reason: str) -> Publication:
    """« Envoi échoué » after the last allowed attempt; « Réessayer » may start over."""
    return _settle_failed(publication_id, reason)


@transaction.atomic
def publication_retry(*, publication: Publication, by: User) -> Publication:
    """« Réessayer » a failed publication or one whose recipient had no eBox; returns the one queued.

    A failed publication is queued again under its SAME idempotency key: its last attempt may have
    reached the eBox even though no answer came back, and only the same key lets the service recognise
    it (409 → the original message id) instead of delivering a second copy.

    A « bénéficiaire sans eBox » gets a NEW publication with a new key: the service answered and
    delivered nothing, so a new key cannot make a duplicate, whereas the old key may be remembered by the
    service with that answer, and re-using it would never let it check whether the citizen has since
    activated the eBox. The old publication stays as the record of that first answer.
    """
    publication = (
        Publication.objects.for_centre(publication.centre_id).select_for_update().get(pk=publication.pk)
    )
    if publication.state not in Publication.RETRYABLE_STATES:
        raise PublicationRefused(_("Cet envoi n'est pas en échec."))
    document = (
        Document.objects.for_centre(publication.centre_id).select_for_update().get(pk=publication.document_id)
    )
    _check_sendable(document)
    if (
        Publication.objects.for_centre(document.centre_id)
        .filter(document=document, state__in=Publication.OPEN_STATES)
        .exists()
    ):
        raise PublicationRefused(_("Un envoi de ce document vers l'eBox est déjà en cours."))
    if publication.state == Publication.State.FAILED:
        publication.state = Publication.State.PENDING
        publication.last_error = ""
        publication.save(update_fields=["state", "last_error"])
        queued = publication
    else:
        queued = Publication.objects.create(
            centre=publication.centre,
            document=document,
            recipient_niss=publication.recipient_niss,
            language=publication.language,
            subject=publication.subject,
            requested_by=by,
        )
    audit_record(
        action=AuditEvent.Action.SEND,
        by=by,
        centre=publication.centre,
        target=document,
        details={"publication": queued.pk, "retry_of": publication.pk},
    )
    _queue(queued)
    return queued


def publications_retry_failed() -> int:
    """Queues again every failed publication (same key each); returns how many."""
    count = 0
    failed = Publication.objects.across_centres(reason="command: every centre's failed publications")
    for publication in failed.filter(state=Publication.State.FAILED).select_related("requested_by"):
        try:
            publication_retry(publication=publication, by=publication.requested_by)
        except PublicationRefused:
            continue
        count += 1
    return count


def publications_to_follow():
    """Sent and not yet read: the publications whose read status is worth asking for."""
    return (
        Publication.objects.across_centres(reason="beat: every centre's publications to follow")
        .filter(state=Publication.State.SENT)
        .exclude(message_id="")
        .order_by("pk")
    )


def publications_sync_status() -> dict[str, int]:
    """Asks the eBox which sent messages were read; marks those publications and documents read.

    Returns the counts {"checked", "read"}. Raises the client's errors when the service fails.
    """
    checked = read = 0
    last_pk = 0
    while True:
        batch = list(publications_to_follow().filter(pk__gt=last_pk)[:SYNC_BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        statuses = client.search_status([(p.message_id, p.recipient_niss) for p in batch])
        checked += len(batch)
        read_ids = {status.message_id for status in statuses if status.read}
        for publication in batch:
            if publication.message_id in read_ids and _settle_read(publication.pk):
                read += 1
    return {"checked": checked, "read": read}


@transaction.atomic
def _settle_read(publication_id: int) -> bool:
    publication = _by_id().select_for_update().get(pk=publication_id)
    if publication.state != Publication.State.SENT:
        return False
    publication.state = Publication.State.READ
    publication.read_at = timezone.now()
    publication.save(update_fields=["state", "read_at"])
    document_services.document_mark_read(
        document_id=publication.document_id, message_id=publication.message_id
    )
    return True
