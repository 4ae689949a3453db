"""Following whether sent publications were read: the eBox is asked, per centre, as the client that
published them."""

import logging

from django.db import transaction
from django.utils import timezone

from documents import services as document_services

from . import client, selectors, senders
from .delivery import by_id
from .models import Publication

logger = logging.getLogger(__name__)

SYNC_BATCH = 100


def publications_sync_status() -> dict[str, int]:
    """Asks the eBox which sent messages were read; marks those publications and documents read.

    Returns the counts {"checked", "read"}. Raises the client's errors when the service fails.
    """
    checked = read = 0
    last_pk = 0
    while True:
        batch = list(selectors.publications_to_follow().filter(pk__gt=last_pk)[:SYNC_BATCH])
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
    publication = by_id().select_for_update().get(pk=publication_id)
    if publication.state != Publication.State.SENT:
        return False
    publication.state = Publication.State.READ
    publication.read_at = timezone.now()
    publication.save(update_fields=["state", "read_at"])
    document_services.document_mark_read(
        document_id=publication.document_id, message_id=publication.message_id
    )
    return True
