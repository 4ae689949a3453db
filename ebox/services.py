"""Sending documents to the citizen's eBox, never twice without a person's say, and following whether
they were read.

A `Publication` carries one idempotency key, sent with every attempt. Where the service honours it (API
v3, EBOX_API_VERSION=3) a repeat answers 409 with the original message id, so every retry is safe. The API
2.1 ignores it: an attempt whose answer was lost after the request left becomes « envoi à vérifier »
(`Publication.State.TO_VERIFY`), and only failures that prove nothing was stored are retried by themselves.
Queueing and leases live in `ebox.outbox`. The document's own status moves only through
`documents.services`.
"""

import dataclasses
import logging

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import extensions
from documents import failures as document_failures
from documents import services as document_services
from documents.models import Document
from primaweb.models import AuditEvent, User
from primaweb.services import audit_record

from . import client, holds, outbox, senders
from .failures import Failure
from .models import Publication

logger = logging.getLogger(__name__)

SENDABLE_STATUSES = (Document.Status.REGISTERED, Document.Status.SENT, Document.Status.READ)
SYNC_BATCH = 100


class PublicationRefused(Exception):
    """The request can not be accepted; the message is meant for the social worker."""


class OutcomeNotRecorded(Exception):
    """The eBox answered but the database failed while recording it: record `outcome` again, never
    send again (the message may be in the citizen's eBox)."""

    def __init__(self, outcome: dict):
        super().__init__(outcome.get("kind", ""))
        self.outcome = outcome


def no_digital_user_reason() -> Failure:
    return Failure("no_ebox")


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


def _pdf_refused_reason(refusal) -> Failure:
    return Failure("pdf_refused_for_send", {"reason": document_failures.from_refusal(refusal)})


def _check_sendable(document: Document) -> None:
    if document.deleted_at is not None:
        raise PublicationRefused(_("Ce document a été supprimé."))
    if document.status not in SENDABLE_STATUSES or not document.has_pdf:
        raise PublicationRefused(_("Seul un document enregistré peut être envoyé vers l'eBox."))
    refusal = document_services.document_pdf_refusal(data=_pdf_of(document))
    if refusal is not None:
        raise PublicationRefused(str(_pdf_refused_reason(refusal)))


def _refuse_if_unsettled(document: Document) -> None:
    states = set(
        Publication.objects.for_centre(document.centre_id)
        .filter(document=document, state__in=Publication.UNSETTLED_STATES)
        .values_list("state", flat=True)
    )
    if Publication.State.TO_VERIFY in states:
        raise PublicationRefused(
            _(
                "Un envoi précédent de ce document est à vérifier : indiquez d'abord s'il est arrivé "
                "dans l'eBox du bénéficiaire."
            )
        )
    if states:
        raise PublicationRefused(_("Un envoi de ce document vers l'eBox est déjà en cours."))


def _check_configured(document: Document) -> senders.Sender:
    """The centre's sender and the document type's messageTypeId, both given by the eBox onboarding."""
    try:
        sender = senders.sender_for(centre=document.centre)
    except senders.SenderMissing as exc:
        raise PublicationRefused(str(exc)) from exc
    if not document.document_type.ebox_message_type:
        raise PublicationRefused(
            _(
                "Le type de document « %(type)s » n'a pas de type de message eBox : "
                "l'administrateur du C.P.A.S. doit le compléter."
            )
            % {"type": document.document_type.label()}
        )
    return sender


def _recipient_has_ebox(*, sender: senders.Sender, niss: str) -> bool | None:
    """Asks the federation before publishing; None when it can not tell (the send then goes ahead, and
    the publication's own answer says NO_DIGITAL_USER if need be)."""
    try:
        return client.citizen_has_ebox(niss, credentials=sender.credentials)
    except client.EboxError as exc:
        logger.warning("eBox preferences of a recipient unavailable: %s", exc)
        return None


def publication_request(
    *, document: Document, language: str | None, by: User, request: HttpRequest | None = None
) -> Publication:
    """« Envoyer vers eBox »: records the publication and queues its sending once committed.

    The document must be registered, or already sent or read for a deliberate re-send (a new message).
    Raises `PublicationRefused` with a message for the worker otherwise, when the centre or the document
    type lacks its eBox configuration, or when a sending of this document is still under way.

    The eBox federation is asked first whether the beneficiary has an eBox: if not, the publication is
    recorded as « Bénéficiaire sans eBox » at once and nothing is published.
    """
    document = (
        Document.objects.for_centre(document.centre_id)
        .select_related("dossier__beneficiary", "document_type", "centre")
        .get(pk=document.pk)
    )
    _check_sendable(document)
    publication_language(centre=document.centre, language=language)
    sender = _check_configured(document)
    has_ebox = _recipient_has_ebox(sender=sender, niss=document.dossier.beneficiary.niss)
    return _publication_record(
        document=document, language=language, by=by, request=request, has_ebox=has_ebox
    )


@transaction.atomic
def _publication_record(
    *, document: Document, language: str | None, by: User, request: HttpRequest | None, has_ebox: bool | None
) -> Publication:
    document = (
        Document.objects.for_centre(document.centre_id)
        .select_for_update()
        .select_related("dossier__beneficiary", "document_type")
        .get(pk=document.pk)
    )
    _check_sendable(document)
    centre = document.centre
    language = publication_language(centre=centre, language=language)
    _refuse_if_unsettled(document)
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                centre=centre,
                document=document,
                recipient_niss=document.dossier.beneficiary.niss,
                language=language,
                subject=document.document_type.label(language)[:400],
                requested_by=by,
                lease_until=outbox.lease(settings.EBOX_QUEUE_GRACE),
                **(
                    {
                        "state": Publication.State.NO_DIGITAL_USER,
                        **outbox.error_fields(no_digital_user_reason()),
                    }
                    if has_ebox is False
                    else {}
                ),
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
    if has_ebox is False:
        document_services.document_record_send_failure(
            document_id=document.pk, by=by, reason=no_digital_user_reason(), no_ebox=True
        )
    else:
        document_services.document_mark_sending(document_id=document.pk)
        outbox.publication_queue(publication)
    return publication


def _pdf_of(document: Document) -> bytes:
    with document.pdf.open("rb") as pdf:
        return pdf.read()


def _by_id():
    # The sending tasks and beat name a publication by the id that a scoped service queued.
    return Publication.objects.across_centres(reason="a publication named by the id a scoped service queued")


def _take(publication_id: int) -> tuple[Publication, int | None]:
    """Takes the publication for one attempt under a lease; returns it and the attempt's number, or
    None when there is nothing to send (settled, held by a live worker, or to be verified)."""
    with transaction.atomic():
        publication = _by_id().select_for_update().get(pk=publication_id)
        if publication.state not in Publication.OPEN_STATES:
            return publication, None  # already settled: a re-run after a crash changes nothing
        if publication.state == Publication.State.SENDING:
            if publication.lease_until and publication.lease_until > timezone.now():
                return publication, None  # another worker holds it
            if outbox.may_have_left(publication) and not outbox.idempotent_api():
                return outbox.hold_for_check(publication, outbox.lost_answer_reason()), None
        publication.state = Publication.State.SENDING
        publication.attempts += 1
        publication.lease_until = outbox.lease(settings.EBOX_LEASE_SECONDS)
        publication.body_sent_at = None
        publication.save(update_fields=["state", "attempts", "lease_until", "body_sent_at"])
        return publication, publication.attempts


def _about_to_send(publication: Publication, attempt: int) -> bool:
    # Committed before the request leaves, and only if this attempt still holds the publication: a
    # worker whose lease lapsed and was taken over must not send too.
    return bool(
        _by_id()
        .filter(pk=publication.pk, state=Publication.State.SENDING, attempts=attempt)
        .update(body_sent_at=timezone.now())
    )


def publication_send(*, publication_id: int) -> Publication:
    """One attempt at delivering the publication; safe to call any number of times.

    Returns the publication in its new state. Raises `client.EboxTransientError` when the attempt should
    be retried later (the publication is pending again): either the failure proves nothing was stored,
    or the API honours the idempotency key. On the API 2.1 an answer lost after the request left returns
    the publication « à vérifier » instead. Raises `OutcomeNotRecorded` when the answer came but could not
    be written.
    """
    publication, attempt = _take(publication_id)
    if attempt is None:
        return publication
    document = (
        Document.objects.for_centre(publication.centre_id)
        .select_related("document_type", "centre")
        .get(pk=publication.document_id)
    )
    if document.deleted_at is not None or not document.has_pdf:
        return _settle_failed(publication.pk, Failure("deleted_before_send"))
    stem = document.original_name.rsplit(".", 1)[0] or "document"
    # Checked again on the very bytes that leave: what was stored may have changed since the request.
    pdf = _pdf_of(document)
    refusal = document_services.document_pdf_refusal(data=pdf)
    if refusal is not None:
        return _settle_failed(publication.pk, _pdf_refused_reason(refusal))
    try:
        sender = senders.sender_for(centre=document.centre)
    except senders.SenderMissing as exc:
        return _settle_failed(publication.pk, exc.failure)
    held = extensions.send_hold(document)
    if held is not None:
        return holds.publication_hold(publication_id=publication.pk, attempt=attempt, reason=held)
    if not _about_to_send(publication, attempt):
        return _by_id().get(pk=publication.pk)
    try:
        result = client.publish(
            recipient_niss=publication.recipient_niss,
            language=publication.language,
            subject=publication.subject,
            message_type=document.document_type.ebox_message_type,
            sender_bce=sender.organization_id,
            sender_application_id=sender.application_id,
            credentials=sender.credentials,
            pdf=pdf,
            filename=f"{stem}.pdf",
            idempotency_key=str(publication.idempotency_key),
            reply_authorized=document.document_type.reply_authorized,
        )
    except client.EboxTransientError as exc:
        if exc.maybe_stored and not outbox.idempotent_api():
            outcome = {"kind": "to_verify", "error": str(exc)}
        else:
            _release(publication.pk, attempt, str(exc))
            raise
    except client.EboxRejected as exc:
        reason = Failure("ebox_rejected", {"code": exc.code or "", "message": exc.message or ""})
        outcome = {"kind": "failed", "reason": reason.as_dict()}
    else:
        outcome = {"kind": "published", "result": dataclasses.asdict(result)}
    try:
        return publication_record_outcome(publication_id=publication.pk, outcome=outcome)
    except DatabaseError as exc:
        raise OutcomeNotRecorded(outcome) from exc


def _release(publication_id: int, attempt: int, error: str) -> None:
    """Nothing was stored (or the key makes a repeat safe): pending again, for the task's retry."""
    _by_id().filter(pk=publication_id, state=Publication.State.SENDING, attempts=attempt).update(
        state=Publication.State.PENDING,
        body_sent_at=None,
        lease_until=outbox.lease(settings.EBOX_QUEUE_GRACE),
        last_error=error[:1000],
        failure={},
    )


def publication_record_outcome(*, publication_id: int, outcome: dict) -> Publication:
    """Writes what one attempt learnt (`outcome` as built by `publication_send`); idempotent."""
    kind = outcome["kind"]
    if kind == "published":
        result = client.PublishResult(**outcome["result"])
        if result.no_digital_user:
            return _settle_no_digital_user(publication_id, result)
        return _settle_sent(publication_id, result)
    if kind == "failed":
        reason = outcome["reason"]
        # An outcome kept by a task from before reasons were codes carries text.
        if isinstance(reason, str):
            return _settle_failed(publication_id, Failure("ebox_rejected", {"code": "", "message": reason}))
        return _settle_failed(publication_id, Failure(reason["code"], reason["params"]))
    return _settle_to_verify(publication_id, outcome["error"])


@transaction.atomic
def _settle_to_verify(publication_id: int, error: str) -> Publication:
    publication = _by_id().select_for_update().get(pk=publication_id)
    if publication.state not in Publication.OPEN_STATES:
        return publication
    logger.warning("eBox publication %s: %s", publication_id, error)
    return outbox.hold_for_check(publication, Failure("lost_answer_after", {"error": error}))


@transaction.atomic
def _settle_sent(publication_id: int, result: client.PublishResult) -> Publication:
    publication = _by_id().select_for_update().get(pk=publication_id)
    # A late answer settles a publication that was given up on or left to verify: it is the fact.
    if publication.state not in (*Publication.UNSETTLED_STATES, Publication.State.FAILED):
        return publication  # another worker settled it first
    publication.state = Publication.State.SENT
    publication.message_id = result.message_id
    publication.expiration_date = result.expiration_date
    publication.sent_at = timezone.now()
    publication.last_error = ""
    publication.failure = {}
    publication.lease_until = None
    publication.save(
        update_fields=[
            *("state", "message_id", "expiration_date", "sent_at", "last_error", "failure", "lease_until")
        ]
    )
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
    if publication.state not in Publication.UNSETTLED_STATES:
        return publication
    reason = no_digital_user_reason()
    publication.state = Publication.State.NO_DIGITAL_USER
    publication.message_id = result.message_id
    for name, value in outbox.error_fields(reason).items():
        setattr(publication, name, value)
    publication.lease_until = None
    publication.save(update_fields=["state", "message_id", "last_error", "failure", "lease_until"])
    document_services.document_record_send_failure(
        document_id=publication.document_id, by=publication.requested_by, reason=reason, no_ebox=True
    )
    return publication


@transaction.atomic
def _settle_failed(publication_id: int, reason: Failure) -> Publication:
    publication = _by_id().select_for_update().get(pk=publication_id)
    if publication.state not in Publication.OPEN_STATES:
        return publication
    publication.state = Publication.State.FAILED
    for name, value in outbox.error_fields(reason).items():
        setattr(publication, name, value)
    publication.lease_until = None
    publication.save(update_fields=["state", "last_error", "failure", "lease_until"])
    document_services.document_record_send_failure(
        document_id=publication.document_id, by=publication.requested_by, reason=reason
    )
    return publication


def publication_give_up(*, publication_id: int, reason: Failure) -> Publication:
    """« Envoi échoué » after the last allowed attempt; « Réessayer » may start over."""
    return _settle_failed(publication_id, reason)


@transaction.atomic
def publication_retry(*, publication: Publication, by: User) -> Publication:
    """« Réessayer » a failed publication or one whose recipient had no eBox; returns the one queued.

    A failed publication is queued again under its SAME idempotency key: on the API v3 its last attempt
    may have reached the eBox even though no answer came back, and only the same key lets the service
    recognise it (409 → the original message id) instead of delivering a second copy. (On the API 2.1 a
    failed publication provably stored nothing: a lost answer made it « à vérifier » instead.)

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
    _refuse_if_unsettled(document)
    if publication.state == Publication.State.FAILED:
        publication.state = Publication.State.PENDING
        publication.last_error = ""
        publication.failure = {}
        publication.lease_until = outbox.lease(settings.EBOX_QUEUE_GRACE)
        publication.save(update_fields=["state", "last_error", "failure", "lease_until"])
        queued = publication
    else:
        queued = Publication.objects.create(
            centre=publication.centre,
            document=document,
            recipient_niss=publication.recipient_niss,
            language=publication.language,
            subject=publication.subject,
            requested_by=by,
            lease_until=outbox.lease(settings.EBOX_QUEUE_GRACE),
        )
    audit_record(
        action=AuditEvent.Action.SEND,
        by=by,
        centre=publication.centre,
        target=document,
        details={"publication": queued.pk, "retry_of": publication.pk},
    )
    document_services.document_mark_sending(document_id=document.pk)
    outbox.publication_queue(queued)
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
        .select_related("centre")
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
        read_ids = set()
        # Each centre's messages are asked for as the client that published them.
        for centre_id in sorted({p.centre_id for p in batch}):
            mine = [p for p in batch if p.centre_id == centre_id]
            try:
                sender = senders.sender_for(centre=mine[0].centre)
            except senders.SenderMissing as exc:
                logger.warning("eBox status of centre %s not asked: %s", centre_id, exc)
                continue
            statuses = client.search_status(
                [(p.message_id, p.recipient_niss) for p in mine], credentials=sender.credentials
            )
            read_ids |= {status.message_id for status in statuses if status.read}
        checked += len(batch)
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
