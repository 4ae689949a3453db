"""Reads of the eBox screens; each takes the centre."""

from django.utils.translation import ngettext

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


def to_verify_words(count: int) -> str:
    """The words of that count beside the menu entry: sends to verify, not unread messages."""
    return ngettext("(%(count)s à vérifier)", "(%(count)s à vérifier)", count) % {"count": count}


def publication_answered_by(*, centre, message_id: str) -> Publication | None:
    """The centre's publication whose eBox message is `message_id` (what a reply names as its original)."""
    if not message_id:
        return None
    return Publication.objects.for_centre(centre).filter(message_id=message_id).first()


def recipient_of(*, centre, publication_id: int) -> list[str]:
    """The NISS the publication was sent to, as a list (empty when it is not the centre's)."""
    return list(
        Publication.objects.for_centre(centre)
        .filter(pk=publication_id)
        .values_list("recipient_niss", flat=True)
    )


def unsettled_states(*, document) -> set[str]:
    """The states of the document's publications still under way or to verify."""
    return set(
        Publication.objects.for_centre(document.centre_id)
        .filter(document=document, state__in=Publication.UNSETTLED_STATES)
        .values_list("state", flat=True)
    )


def failed_publications():
    """Every centre's failed publications, for the command that queues them again."""
    failed = Publication.objects.across_centres(reason="command: every centre's failed publications")
    return failed.filter(state=Publication.State.FAILED).select_related("requested_by")


def publications_to_follow():
    """Sent and not yet read: the publications whose read status is worth asking for."""
    return (
        Publication.objects.across_centres(reason="beat: every centre's publications to follow")
        .select_related("centre")
        .filter(state=Publication.State.SENT)
        .exclude(message_id="")
        .order_by("pk")
    )


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
