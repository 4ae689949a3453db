"""Writes of the centre's e-Box: the import, opening a message, labels and grants."""

import logging
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from documents.services import document_reply_record
from ebox import selectors as ebox_selectors
from ebox.models import Publication
from ebox.senders import box_credentials_for
from primaweb.models import AuditEvent, Centre, Membership, User
from primaweb.services import audit_consultation, audit_record

from . import client, selectors
from .models import CentreLabel, CentreMessage, InboxCursor, InboxGrant

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
MAX_PAGES = 1000
# Each import asks again for a few minutes before the cursor: a message the service dated just before
# the last run but listed only after it is not missed, and the unique constraint makes the overlap free.
CURSOR_OVERLAP = timedelta(minutes=10)
LANGUAGES = ("fr", "nl", "de")


def _parse(value: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _language_and_subject(subject: dict, centre: Centre) -> tuple[str, str]:
    """The language the message carries (the subject's key) and its subject in that language."""
    keys = [key for key in subject if key in LANGUAGES]
    if not keys:
        return "", next((str(v) for v in subject.values()), "")
    preferred = next((lang for lang in centre.languages if lang in keys), keys[0])
    return preferred, str(subject[preferred])


def _publication_for(centre: Centre, original_message_id: str) -> Publication | None:
    return ebox_selectors.publication_answered_by(centre=centre, message_id=original_message_id)


def _mark_document(message: CentreMessage) -> None:
    """A reply linked to its document shows there: « réponse reçue » and an entry in its history."""
    if message.document_id:
        document_reply_record(
            document_id=message.document_id, received_at=message.received_at, message_ref=message.message_id
        )


def _store(centre: Centre, item: client.InboxMessage) -> tuple[CentreMessage, bool]:
    language, subject = _language_and_subject(item.subject, centre)
    publication = _publication_for(centre, item.original_message_id)
    citizen = bool(item.sender_citizen_id)
    with transaction.atomic():
        message, created = CentreMessage.objects.for_centre(centre).get_or_create(
            centre=centre,
            message_id=item.message_id,
            defaults={
                "message_type": item.message_type[:60],
                "subject": subject[:400],
                "language": language,
                "sender": (item.sender_citizen_id if citizen else item.sender_organization_id)[:60],
                "sender_is_citizen": citizen,
                "sender_application": item.sender_application_id[:100],
                "received_at": _parse(item.receipt_date) or timezone.now(),
                "expires_at": _parse(item.expiration_date),
                "original_message_id": item.original_message_id[:100],
                "publication": publication,
                "document_id": publication.document_id if publication else None,
            },
        )
        if created:
            _mark_document(message)
        return message, created


def _link_waiting_replies(centre: Centre) -> int:
    """Replies imported before their publication's message id was known get linked when it is."""
    linked = 0
    waiting = (
        CentreMessage.objects.for_centre(centre)
        .filter(publication__isnull=True)
        .exclude(original_message_id="")
    )
    for message in waiting:
        publication = _publication_for(centre, message.original_message_id)
        if publication is not None:
            message.publication, message.document_id = publication, publication.document_id
            message.save(update_fields=["publication", "document"])
            _mark_document(message)
            linked += 1
    return linked


def inbox_import(*, centre: Centre) -> dict[str, int]:
    """Imports the centre's new e-Box messages; returns counts {"seen", "created", "linked"}.

    Idempotent: a message is stored once per centre however often this runs or crashes. The cursor
    moves only once every page was read, so an `EboxTransientError` (left to the caller to retry)
    loses nothing: the messages of the pages already read stay, and the next run reads them again
    without duplicating them. A reply whose original message matches no publication is kept unlinked.
    Raises `BoxUnavailable` when no credentials of the centre's own open its e-Box.
    """
    credentials = box_credentials_for(centre=centre)
    cursor, _created = InboxCursor.objects.for_centre(centre).get_or_create(centre=centre)
    received_after = None
    if cursor.received_after is not None:
        # The API filters by whole days ("after" a date): ask from the day before the cursor's, so
        # that whichever way the service reads the bound, nothing is missed (duplicates are free).
        received_after = (cursor.received_after - CURSOR_OVERLAP).astimezone(UTC).date() - timedelta(days=1)
    counts = {"seen": 0, "created": 0, "linked": 0}
    latest = cursor.received_after
    for page_number in range(1, MAX_PAGES + 1):
        page = client.list_messages(
            credentials=credentials, page=page_number, page_size=PAGE_SIZE, received_after=received_after
        )
        for item in page.items:
            message, created = _store(centre, item)
            counts["seen"] += 1
            counts["created"] += int(created)
            counts["linked"] += int(created and message.document_id is not None)
            received = _parse(item.receipt_date)
            if received is not None and (latest is None or received > latest):
                latest = received
        if not page.items or page_number * page.page_size >= page.total:
            break
    counts["linked"] += _link_waiting_replies(centre)
    InboxCursor.objects.for_centre(centre).filter(pk=cursor.pk).update(
        received_after=latest, last_run_at=timezone.now()
    )
    return counts


def _persons_of(message: CentreMessage) -> list[str]:
    """The NISS of whom the message's page shows: a citizen sender, the recipient of what it answers."""
    persons = [message.sender] if message.sender_is_citizen else []
    if message.publication_id:
        persons += ebox_selectors.recipient_of(
            centre=message.centre_id, publication_id=message.publication_id
        )
    return persons


def message_open(*, message: CentreMessage, by: User, request: HttpRequest) -> CentreMessage:
    """A member opens a message's page: the opening goes to the audit trail as a consultation, and
    nothing else changes.

    Opening is a GET, which a link on another site can trigger: fetching the body (which marks the
    message read at the eBox) waits for `message_read`, behind a POST.
    """
    audit_consultation(
        request=request,
        what=gettext_noop("Message de l'e-Box du C.P.A.S."),
        target=message,
        persons=_persons_of(message),
        details={"ebox_message_id": message.message_id, "message_type": message.message_type},
    )
    return message


def message_read(*, message: CentreMessage, by: User, request: HttpRequest) -> CentreMessage:
    """A member asks for a message's content: its body is fetched the first time (which marks it read
    at the eBox), it is marked read in Primaweb, and the reading goes to the audit trail.

    Raises `EboxError` when the body could not be fetched, `BoxUnavailable` when no credentials of the
    centre open its e-Box; the message then stays unread and the attempt is logged all the same.
    """
    audit_consultation(
        request=request,
        what=gettext_noop("Afficher le contenu"),
        target=message,
        persons=_persons_of(message),
        details={"ebox_message_id": message.message_id, "message_type": message.message_type, "read": True},
    )
    if message.body_fetched_at is None:
        body = client.message_body(
            credentials=box_credentials_for(centre=message.centre), message_id=message.message_id
        )
        message.body, message.body_media_type = body.content, body.media_type
        message.body_fetched_at = timezone.now()
        message.save(update_fields=["body", "body_media_type", "body_fetched_at"])
    if message.read_at is None:
        message.read_at, message.read_by = timezone.now(), by
        message.save(update_fields=["read_at", "read_by"])
    return message


@transaction.atomic
def label_attach(*, message: CentreMessage, name: str, by: User) -> CentreLabel:
    """Attaches the centre's label `name` to `message`, creating the label if needed."""
    name = " ".join(name.split())[:60]
    if not name:
        raise ValueError("A label needs a name.")
    # Compared in Python: SQLite's iexact folds ASCII only, and « À traiter » is « à traiter ».
    labels = CentreLabel.objects.for_centre(message.centre).select_for_update()
    label = next((label for label in labels if label.name.casefold() == name.casefold()), None)
    if label is None:
        label = CentreLabel.objects.create(centre=message.centre, name=name)
    message.labels.add(label)
    return label


def label_remove(*, message: CentreMessage, label: CentreLabel, by: User) -> None:
    message.labels.remove(label)


def grant_set(
    *,
    membership: Membership,
    may_open_ebox: bool,
    message_types: list[str],
    by: User | None = None,
    request=None,
) -> InboxGrant:
    """Sets what a member may see of the centre's e-Box (the administrator's screen and tests); the
    change is in the audit trail with what was granted."""
    grant, _created = InboxGrant.objects.for_centre(membership.centre_id).update_or_create(
        membership=membership,
        defaults={
            "centre": membership.centre,
            "may_open_ebox": may_open_ebox,
            "message_types": sorted(set(message_types)),
        },
    )
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=by,
        centre=membership.centre,
        target=grant,
        request=request,
        details={"may_open_ebox": may_open_ebox, "message_types": grant.message_types},
    )
    membership.__dict__.pop(selectors.GRANT_CACHE, None)
    return grant
