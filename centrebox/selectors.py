"""Reads of the centre's e-Box. Every selector takes the membership (or the centre): what a member may
see is decided here once, for the list, the counts, the search and the detail alike."""

from django.db import connection
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


# Where a membership keeps its grant once read: the menu, the access check, the search's choices and
# the list all ask within one request (request.membership is one object per request).
GRANT_CACHE = "_inbox_grant"


def grant_for(*, membership) -> InboxGrant | None:
    """The member's grant, read once per membership object (`grant_set` forgets it)."""
    if membership is None:
        return None
    if GRANT_CACHE not in membership.__dict__:
        membership.__dict__[GRANT_CACHE] = (
            InboxGrant.objects.for_centre(membership.centre_id).filter(membership=membership).first()
        )
    return membership.__dict__[GRANT_CACHE]


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


PRESENT_TYPES_SQL = """
    WITH RECURSIVE found(message_type) AS (
        SELECT MIN(message_type) FROM centrebox_centremessage WHERE centre_id = %s
        UNION ALL
        SELECT (
            SELECT MIN(message_type) FROM centrebox_centremessage
            WHERE centre_id = %s AND message_type > found.message_type
        )
        FROM found WHERE found.message_type IS NOT NULL
    )
    SELECT message_type FROM found WHERE message_type IS NOT NULL
"""


def present_types(*, centre: Centre) -> list[str]:
    """The message types of the centre's messages, sorted.

    A loose index scan on (centre, message_type): one probe per type, not a read of every message
    (a DISTINCT reads them all: 50,000 messages cost 500 ms with the model's ordering in it, and
    still grow with the centre without it). Plain SQL, as the ORM has no recursive query.
    """
    with connection.cursor() as cursor:
        cursor.execute(PRESENT_TYPES_SQL, [centre.pk, centre.pk])
        return sorted(row[0] for row in cursor.fetchall())


def visible_types(*, membership) -> list[str]:
    """The message types of the messages a member may see (the search's choices)."""
    present = present_types(centre=membership.centre)
    types = granted_types(membership=membership)
    if types is None:
        return present
    visible = {t for t in present if t in types}
    if CITIZEN_REPLY in present and CITIZEN_REPLY not in visible:
        replies = CentreMessage.objects.for_centre(membership.centre).filter(message_type=CITIZEN_REPLY)
        if replies.filter(document__isnull=False).exists():
            visible.add(CITIZEN_REPLY)
    return sorted(visible)


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
    seen = present_types(centre=centre) if centre is not None else []
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


def unread_expiring_messages(*, centre: Centre) -> QuerySet[CentreMessage]:
    """The centre's messages not read yet that the e-Box will drop at a known date."""
    return (
        CentreMessage.objects.for_centre(centre)
        .filter(read_at__isnull=True, expires_at__isnull=False)
        .order_by("pk")
    )


def visible_messages_condition(*, membership, prefix: str) -> Q | None:
    """`visible_messages` as a condition on a relation to a message (`prefix`, e.g. "centre_message"),
    for a list of other rows that point to messages; None: every message is visible."""
    types = granted_types(membership=membership)
    if types is None:
        return None
    return Q(**{f"{prefix}__message_type": CITIZEN_REPLY, f"{prefix}__document__isnull": False}) | Q(
        **{f"{prefix}__message_type__in": types}
    )
