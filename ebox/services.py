"""Asking to send documents to the citizen's eBox, never twice without a person's say: the request, its
checks, « Réessayer ». Delivering is `ebox.delivery`'s, following the read status `ebox.read_status`'s.

A `Publication` carries one idempotency key, sent with every attempt. Where the service honours it (API
v3, EBOX_API_VERSION=3) a repeat answers 409 with the original message id, so every retry is safe. The API
2.1 ignores it: an attempt whose answer was lost after the request left becomes « envoi à vérifier »
(`Publication.State.TO_VERIFY`), and only failures that prove nothing was stored are retried by themselves.
Queueing and leases live in `ebox.outbox`. The document's own status moves only through
`documents.services`.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from documents import selectors as document_selectors
from documents import services as document_services
from documents.models import Document
from primaweb.models import AuditEvent, User
from primaweb.services import audit_record

from . import client, outbox, selectors, senders

# Delivering and following a publication live in `delivery` and `read_status`; their entry points are
# named here too (F401), the app's one door for its commands and tests.
from .delivery import (  # noqa: F401
    OutcomeNotRecorded,
    no_digital_user_reason,
    pdf_of,
    pdf_refused_reason,
    publication_give_up,
    publication_record_outcome,
    publication_send,
)
from .models import Publication
from .read_status import publications_sync_status  # noqa: F401

logger = logging.getLogger(__name__)

SENDABLE_STATUSES = (Document.Status.REGISTERED, Document.Status.SENT, Document.Status.READ)


class PublicationRefused(Exception):
    """The request can not be accepted; the message is meant for the social worker."""


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


def _check_sendable(document: Document) -> None:
    if document.deleted_at is not None:
        raise PublicationRefused(_("Ce document a été supprimé."))
    if document.status not in SENDABLE_STATUSES or not document.has_pdf:
        raise PublicationRefused(_("Seul un document enregistré peut être envoyé vers l'eBox."))
    refusal = document_services.document_pdf_refusal(data=pdf_of(document))
    if refusal is not None:
        raise PublicationRefused(str(pdf_refused_reason(refusal)))


def _refuse_if_unsettled(document: Document) -> None:
    states = selectors.unsettled_states(document=document)
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
    document = document_selectors.document_for_sending(centre=document.centre_id, pk=document.pk)
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
    document = document_selectors.document_for_sending(centre=document.centre_id, pk=document.pk, lock=True)
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
    document = document_selectors.document_for_sending(
        centre=publication.centre_id, pk=publication.document_id, lock=True
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
    for publication in selectors.failed_publications():
        try:
            publication_retry(publication=publication, by=publication.requested_by)
        except PublicationRefused:
            continue
        count += 1
    return count
