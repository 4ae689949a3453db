"""« Envoi à vérifier »: a person settles a send whose answer was lost after the request left.

The eBox API 2.1 offers no way for a sender to find its own published messages without their ids
(`searchMessageStatus` needs the messageId the lost answer carried; `GET /ebox/messages` lists the
caller's own e-Box, not what it sent), so no automatic check exists: the social worker checks with the
beneficiary, then « Marquer comme envoyé » or « Renvoyer ». Both are audited.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import services as document_services
from primaweb.models import AuditEvent, User
from primaweb.services import audit_record

from . import outbox
from .models import Publication
from .services import PublicationRefused, _check_sendable


def _locked_to_verify(publication: Publication) -> Publication:
    publication = (
        Publication.objects.for_centre(publication.centre_id)
        .select_for_update()
        .select_related("document")
        .get(pk=publication.pk)
    )
    if publication.state != Publication.State.TO_VERIFY:
        raise PublicationRefused(_("Cet envoi n'est pas à vérifier."))
    return publication


def _settle_by_person(publication: Publication, by: User, fields: list[str]) -> None:
    publication.resolved_by = by
    publication.resolved_at = timezone.now()
    publication.lease_until = None
    publication.save(update_fields=[*fields, "resolved_by", "resolved_at", "lease_until"])


@transaction.atomic
def publication_confirm_sent(
    *, publication: Publication, by: User, request: HttpRequest | None = None
) -> Publication:
    """« Marquer comme envoyé »: the person checked that the message arrived; the document is sent.

    The eBox's message id stays unknown (the answer carrying it was lost), so its reading is not
    followed. Raises `PublicationRefused` when the publication is not « à vérifier »."""
    publication = _locked_to_verify(publication)
    publication.state = Publication.State.SENT
    publication.sent_at = timezone.now()
    publication.last_error = ""
    publication.failure = {}
    _settle_by_person(publication, by, ["state", "sent_at", "last_error", "failure"])
    document_services.document_mark_sent(
        document_id=publication.document_id, by=by, message_id="", language=publication.language
    )
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=by,
        centre=publication.centre,
        target=publication.document,
        request=request,
        details={"publication": publication.pk, "decision": "marked_sent"},
    )
    return publication


@transaction.atomic
def publication_resend(
    *, publication: Publication, by: User, request: HttpRequest | None = None
) -> Publication:
    """« Renvoyer »: the person checked that the message did not arrive; it is sent again.

    On the API 2.1 this is the person's decision that a second message is acceptable; on v3 the same
    idempotency key still prevents a duplicate. Raises `PublicationRefused` when the publication is not
    « à vérifier » or the document can no longer be sent."""
    publication = _locked_to_verify(publication)
    _check_sendable(publication.document)
    publication.state = Publication.State.PENDING
    publication.last_error = ""
    publication.failure = {}
    publication.body_sent_at = None
    _settle_by_person(publication, by, ["state", "last_error", "failure", "body_sent_at"])
    # After the resolution fields: the queue grace is this row's lease from now on.
    publication.lease_until = outbox.lease(settings.EBOX_QUEUE_GRACE)
    publication.save(update_fields=["lease_until"])
    audit_record(
        action=AuditEvent.Action.SEND,
        by=by,
        centre=publication.centre,
        target=publication.document,
        request=request,
        details={"publication": publication.pk, "decision": "resend"},
    )
    document_services.document_mark_sending(document_id=publication.document_id)
    outbox.publication_queue(publication)
    return publication
