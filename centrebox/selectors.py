"""Reads of the centre's e-Box. Every selector takes the membership (or the centre): what a member may
see is decided here once, for the list, the counts, the search and the detail alike."""

from django.db.models import Q, QuerySet

from primaweb.models import Centre

from .models import CITIZEN_REPLY, CentreLabel, CentreMessage, InboxGrant, MessageTypeName

# Types an administrator can grant before any message of that type has arrived, beside the catalogue
# (`MessageTypeName`, which names them).
KNOWN_MESSAGE_TYPES = (
    CITIZEN_REPLY,
    "CPAS_DECISION",
    "CPAS_REQUEST",
    "CPAS_ACKNOWLEDGEMENT",
    "CPAS_INFORMATION",
    "SPPIS_INFORMATION",
)


def grant_for(*, membership) -> InboxGrant | None:
    if membership is None:
        return None
    return InboxGrant.objects.for_centre(membership.centre).filter(membership=membership).first()


def may_open_inbox(*, membership) -> bool:
    """Administrators always; others when the administrator granted them the e-Box."""
    if membership is None:
        return False
    if membership.is_administrator:
        return True
    grant = grant_for(membership=membership)
    return bool(grant and grant.may_open_ebox)


def granted_types(*, membership) -> list[str] | None:
    """The message types a member was granted; None means every type (an administrator)."""
    if membership.is_administrator:
        return None
    grant = grant_for(membership=membership)
    if grant is None or not grant.may_open_ebox:
        return []
    return [str(t) for t in grant.message_types or []]


def visible_messages(*, membership) -> QuerySet[CentreMessage]:
    """The messages `membership` may see: its granted types, plus every reply linked to a document
    (whoever may see the document may see its reply: every member of the centre)."""
    messages = CentreMessage.objects.for_centre(membership.centre)
    types = granted_types(membership=membership)
    if types is None:
        return messages
    return messages.filter(Q(message_type=CITIZEN_REPLY, document__isnull=False) | Q(message_type__in=types))


def inbox_search(
    *,
    membership,
    sender: str = "",
    message_type: str = "",
    label: CentreLabel | None = None,
    hide_read: bool = False,
) -> QuerySet[CentreMessage]:
    messages = visible_messages(membership=membership)
    if sender:
        messages = messages.filter(sender__icontains=sender.strip().replace(".", "").replace(" ", ""))
    if message_type:
        messages = messages.filter(message_type=message_type)
    if label is not None:
        messages = messages.filter(labels=label)
    if hide_read:
        messages = messages.filter(read_at__isnull=True)
    return messages.select_related("document", "read_by").prefetch_related("labels")


def unread_replies_count(*, membership) -> int:
    """Citizens' replies not read yet, among the messages `membership` may see."""
    return (
        visible_messages(membership=membership)
        .filter(message_type=CITIZEN_REPLY, read_at__isnull=True)
        .count()
    )


def visible_types(*, membership) -> list[str]:
    """The message types of the messages a member may see (the search's choices)."""
    types = visible_messages(membership=membership).values_list("message_type", flat=True).distinct()
    return sorted(set(types))


def labels_of(*, centre: Centre) -> QuerySet[CentreLabel]:
    return CentreLabel.objects.for_centre(centre)


def replies_to_document(*, centre: Centre, document) -> QuerySet[CentreMessage]:
    return (
        CentreMessage.objects.for_centre(centre)
        .filter(document=document, message_type=CITIZEN_REPLY)
        .select_related("read_by")
        .order_by("received_at", "id")
    )


def replies_in_dossier(*, centre: Centre, dossier) -> QuerySet[CentreMessage]:
    return (
        CentreMessage.objects.for_centre(centre)
        .filter(document__dossier=dossier, message_type=CITIZEN_REPLY)
        .select_related("document__document_type", "read_by")
        .order_by("-received_at", "-id")
    )


def grantable_types(*, centre: Centre | None) -> list[str]:
    """Every type the centre can receive: the catalogue's, the built-in ones, and any it did receive."""
    seen = []
    if centre is not None:
        seen = CentreMessage.objects.for_centre(centre).values_list("message_type", flat=True).distinct()
    catalogue = MessageTypeName.objects.values_list("code", flat=True)
    return sorted({*KNOWN_MESSAGE_TYPES, *catalogue, *(t for t in seen if t)})


def grants_of_centre(*, centre: Centre) -> list[tuple]:
    """The centre's active members, each with its grant (or None), for the administrator's screen."""
    from primaweb.selectors import centre_members

    members = list(centre_members(centre=centre))
    grants = {
        g.membership_id: g for g in InboxGrant.objects.for_centre(centre).filter(membership__in=members)
    }
    return [(member, grants.get(member.pk)) for member in members]


def centres_with_inbox() -> QuerySet[Centre]:
    return Centre.objects.exclude(bce_number="").order_by("pk")
