"""Reads of the eBox screens; each takes the centre."""

from .models import Publication


def publications_of(*, centre, state: str = ""):
    """The centre's publications, newest first, of one state when given."""
    found = Publication.objects.for_centre(centre).select_related(
        "document__dossier__beneficiary", "requested_by"
    )
    return found.filter(state=state) if state else found


def to_verify_count(*, centre) -> int:
    """How many sends wait for a person to say whether they arrived (shown beside the menu entry)."""
    return Publication.objects.for_centre(centre).filter(state=Publication.State.TO_VERIFY).count()


def unread_delivered_publications(*, centre):
    """Delivered to the eBox, not read yet, with an expiry date: the ones that may need paper."""
    return (
        Publication.objects.for_centre(centre)
        .filter(state=Publication.State.SENT)
        .exclude(expiration_date="")
        .order_by("pk")
    )


def first_delivery_of_type(*, centre, dossier_id: int, message_types, since):
    """When a document of one of `message_types` was first delivered to the dossier's citizen on or
    after the moment `since` (None: never)."""
    return (
        Publication.objects.for_centre(centre)
        .filter(
            document__dossier_id=dossier_id,
            document__document_type__ebox_message_type__in=list(message_types),
            state__in=[Publication.State.SENT, Publication.State.READ],
            sent_at__gte=since,
        )
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
