"""Sends held back because another app says so (the register reported the recipient's death).

A held send is « Envoi à vérifier » with the reason given: nothing leaves, and a person decides.
"""

import logging

from django.db import transaction

from documents import services as document_services

from . import outbox
from .failures import Failure
from .models import Publication

logger = logging.getLogger(__name__)


def _hold(publication: Publication, reason: Failure) -> None:
    publication.state = Publication.State.TO_VERIFY
    publication.lease_until = None
    for name, value in outbox.error_fields(reason).items():
        setattr(publication, name, value)
    publication.save(update_fields=["state", "lease_until", "last_error", "failure"])
    document_services.document_mark_send_to_verify(document_id=publication.document_id)
    logger.warning("eBox publication %s held: %s", publication.pk, reason.code)


@transaction.atomic
def publication_hold(*, publication_id: int, attempt: int, reason: Failure) -> Publication:
    """Holds the publication a worker took for `attempt` (nothing sent yet); returns it."""
    publication = (
        Publication.objects.across_centres(reason="a publication named by the id a scoped service queued")
        .select_for_update()
        .get(pk=publication_id)
    )
    if publication.state == Publication.State.SENDING and publication.attempts == attempt:
        _hold(publication, reason)
    return publication


@transaction.atomic
def publications_hold_for_recipient(*, centre, niss: str, reason: Failure) -> int:
    """Holds every send to `niss` in `centre` not yet taken by a worker (pending); returns how many.

    A send already leaving is not stopped here: its worker asks the same holds before it sends.
    """
    held = 0
    pending = (
        Publication.objects.for_centre(centre)
        .select_for_update()
        .filter(recipient_niss=niss, state=Publication.State.PENDING)
    )
    for publication in pending:
        _hold(publication, reason)
        held += 1
    return held
