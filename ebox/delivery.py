"""Delivering one publication to the citizen's eBox, under a lease, and writing what the service
answered; safe to run any number of times (a task's retries, a worker killed mid-send).

On the API 2.1 an answer lost after the request left makes the publication « à vérifier »: it is never
sent again without a person's say (see ebox.services). The document's own status moves only through
`documents.services`.
"""

import dataclasses
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from documents import extensions
from documents import failures as document_failures
from documents import selectors as document_selectors
from documents import services as document_services
from documents.models import Document

from . import client, holds, outbox, senders
from .failures import Failure
from .models import Publication

logger = logging.getLogger(__name__)


class OutcomeNotRecorded(Exception):
    """The eBox answered but the database failed while recording it: record `outcome` again, never
    send again (the message may be in the citizen's eBox)."""

    def __init__(self, outcome: dict):
        super().__init__(outcome.get("kind", ""))
        self.outcome = outcome


def no_digital_user_reason() -> Failure:
    return Failure("no_ebox")


def pdf_refused_reason(refusal) -> Failure:
    return Failure("pdf_refused_for_send", {"reason": document_failures.from_refusal(refusal)})


def pdf_of(document: Document) -> bytes:
    with document.pdf.open("rb") as pdf:
        return pdf.read()


def by_id():
    # The sending tasks and beat name a publication by the id that a scoped service queued.
    return Publication.objects.across_centres(reason="a publication named by the id a scoped service queued")


def _take(publication_id: int) -> tuple[Publication, int | None]:
    """Takes the publication for one attempt under a lease; returns it and the attempt's number, or
    None when there is nothing to send (settled, held by a live worker, or to be verified)."""
    with transaction.atomic():
        publication = by_id().select_for_update().get(pk=publication_id)
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
        by_id()
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
    document = document_selectors.document_for_sending(
        centre=publication.centre_id, pk=publication.document_id
    )
    if document.deleted_at is not None or not document.has_pdf:
        return _settle_failed(publication.pk, Failure("deleted_before_send"))
    stem = document.original_name.rsplit(".", 1)[0] or "document"
    # Checked again on the very bytes that leave: what was stored may have changed since the request.
    pdf = pdf_of(document)
    refusal = document_services.document_pdf_refusal(data=pdf)
    if refusal is not None:
        return _settle_failed(publication.pk, pdf_refused_reason(refusal))
    try:
        sender = senders.sender_for(centre=document.centre)
    except senders.SenderMissing as exc:
        return _settle_failed(publication.pk, exc.failure)
    held = extensions.send_hold(document)
    if held is not None:
        return holds.publication_hold(publication_id=publication.pk, attempt=attempt, reason=held)
    if not _about_to_send(publication, attempt):
        return by_id().get(pk=publication.pk)
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
    by_id().filter(pk=publication_id, state=Publication.State.SENDING, attempts=attempt).update(
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
    publication = by_id().select_for_update().get(pk=publication_id)
    if publication.state not in Publication.OPEN_STATES:
        return publication
    logger.warning("eBox publication %s: %s", publication_id, error)
    return outbox.hold_for_check(publication, Failure("lost_answer_after", {"error": error}))


@transaction.atomic
def _settle_sent(publication_id: int, result: client.PublishResult) -> Publication:
    publication = by_id().select_for_update().get(pk=publication_id)
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
    publication = by_id().select_for_update().get(pk=publication_id)
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
    publication = by_id().select_for_update().get(pk=publication_id)
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
