"""Writes of the simulated eBox: publications, a citizen's eBox life cycle, reading and replying.

Views call these; each keeps its own transaction so that a caller may rely on "all or nothing".
"""

import calendar
import uuid
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from stdnum.be import vat

from . import errors, message_types
from .models import Attachment, Citizen, EnterpriseBox, EnterpriseMessage, Message, OAuthClient, Reply
from .validation import CITIZEN, ENTERPRISE, Publication

NOTIFICATION_SUBJECT = "Vous avez reçu un nouveau document dans votre eBox"
NO_DIGITAL_USER = "NO_DIGITAL_USER"


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole months, clamping the day (31 January + 1 month = 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def duplicate_error(message: Message) -> errors.ApiError:
    """The 409 for a replayed Idempotency-Key; it carries the original messageId so that a client that
    crashed between sending and recording the answer can still learn it."""
    return errors.ApiError(
        409,
        errors.DUPLICATE,
        "A message was already published with this Idempotency-Key",
        messageId=message.message_id,
        expirationDate=message.expires_at.isoformat(timespec="seconds"),
        # What the first publication answered: a client whose first answer was lost must not take an
        # undelivered message (the citizen had no eBox) for a delivered one.
        originalCode="OK" if message.delivered else "NO_DIGITAL_USER",
    )


def _notify(message: Message, citizen: Citizen) -> None:
    body = (
        "Bonjour,\n\n"
        f"{NOTIFICATION_SUBJECT}.\n\n"
        f"Expéditeur : {sender_display(message)}\n"
        f"Objet : {message.subject}\n\n"
        "Connectez-vous à My eBox pour le consulter.\n"
    )
    send_mail(NOTIFICATION_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [citizen.email])


def sender_display(message: Message) -> str:
    bce = message.sender_organization_id
    name = f"Organisation {bce[:4]}.{bce[4:7]}.{bce[7:]}"
    return f"{name} ({message.sender_application_id})" if message.sender_application_id else name


def message_publish(
    *, client: OAuthClient, publication: Publication, idempotency_key: str | None
) -> tuple[Message, str]:
    """Stores a publication and returns it with its business code ("" or NO_DIGITAL_USER).

    A recipient without an active eBox still gets a stored message (for idempotency and status
    queries) that no inbox shows. Raises a 409 ApiError when the client already used the key; nothing
    is stored then. The notification e-mail leaves only once the transaction commits.
    """
    now = timezone.now()
    to_enterprise = publication.recipient_type == ENTERPRISE
    citizen = None
    if not to_enterprise:
        citizen = Citizen.objects.filter(niss=publication.recipient_niss, activated=True).first()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                message_id=str(uuid.uuid4()),
                client=client,
                idempotency_key=idempotency_key or None,
                **_shared_fields(publication),
                recipient_niss=publication.recipient_niss,
                reply_authorized=publication.reply_authorized,
                body_main_content=publication.body_main_content,
                # Every active company has its e-Box; a citizen only once they activated theirs.
                delivered=to_enterprise or citizen is not None,
                published_at=now,
                expires_at=add_months(now, message_types.validity_months(publication.message_type_id)),
            )
            Attachment.objects.bulk_create(
                Attachment(
                    message=message,
                    part_name=part.part_name,
                    file_name=part.file_name,
                    media_type=part.media_type,
                    main_content=part.main_content,
                    data=part.data,
                )
                for part in publication.attachments
            )
            if to_enterprise:
                _enterprise_deliver(message)
            if citizen is not None and citizen.notifications and citizen.email:
                transaction.on_commit(lambda: _notify(message, citizen))
    except IntegrityError:
        # Two requests raced with the same key: the other one won, so this one is the duplicate.
        original = Message.objects.filter(client=client, idempotency_key=idempotency_key).first()
        if original is None:
            raise
        raise duplicate_error(original) from None
    return message, "" if (citizen or to_enterprise) else NO_DIGITAL_USER


# What a publication, the message it makes and that message's copy in an enterprise e-Box have in common.
SHARED_FIELDS = (
    "sender_organization_id",
    "sender_application_id",
    "message_type_id",
    "subject",
    "language",
    "body",
)


def _shared_fields(source) -> dict:
    return {name: getattr(source, name) for name in SHARED_FIELDS}


def _enterprise_deliver(message: Message) -> EnterpriseMessage:
    """A publication to a company lands in its enterprise e-Box, where its consultation API lists it."""
    return EnterpriseMessage.objects.create(
        message_id=message.message_id,
        box=enterprise_box_get(message.recipient_niss),
        **_shared_fields(message),
        received_at=message.published_at,
        expires_at=message.expires_at,
    )


def recipient_ebox_id(message: Message) -> dict:
    """The message's recipient as an `EboxId`: a 10-digit BCE number is a company, 11 digits a citizen."""
    kind = ENTERPRISE if len(message.recipient_niss) == 10 else CITIZEN
    return {"eboxType": kind, "eboxIdValue": message.recipient_niss}


def statuses_search(*, client: OAuthClient, message_ids: list[str]) -> dict[str, Message]:
    """The client's own messages among `message_ids`, by id; others' and unknown ids are left out."""
    found = Message.objects.filter(client=client, message_id__in=message_ids)
    return {message.message_id: message for message in found}


def message_open(*, message: Message) -> None:
    """Marks the message read the first time its main content is opened; later openings keep the date."""
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)


def citizen_sign_in(*, niss: str) -> Citizen:
    return Citizen.objects.get_or_create(niss=niss)[0]


def citizen_activate(*, citizen: Citizen, email: str, language: str, notifications: bool) -> Citizen:
    """Activates (or updates the preferences of) a citizen's eBox; publications from now on are delivered."""
    citizen.email, citizen.language, citizen.notifications = email, language, notifications
    if not citizen.activated:
        citizen.activated, citizen.activated_at, citizen.deactivated_at = True, timezone.now(), None
    citizen.save()
    return citizen


def citizen_deactivate(*, citizen: Citizen) -> Citizen:
    """Deactivates the eBox: new publications answer NO_DIGITAL_USER; messages already there stay."""
    citizen.activated, citizen.deactivated_at = False, timezone.now()
    citizen.save(update_fields=["activated", "deactivated_at"])
    return citizen


class ReplyRefused(Exception):
    pass


def reply_create(*, message: Message, answer: str, comment: str = "") -> Reply:
    """The citizen's one reply; raises ReplyRefused when replies are not allowed or one exists."""
    if not message.reply_authorized:
        raise ReplyRefused("L'expéditeur n'autorise pas de réponse à ce message.")
    if len(comment) > 1000:
        raise ReplyRefused("Le commentaire ne peut dépasser 1000 caractères.")
    try:
        with transaction.atomic():
            reply = Reply.objects.create(message=message, answer=answer, comment=comment)
            _reply_deliver(message=message, reply=reply)
            return reply
    except IntegrityError:
        raise ReplyRefused("Vous avez déjà répondu à ce message.") from None


REPLY_SUBJECT_PREFIX = "Réponse : "


def _reply_deliver(*, message: Message, reply: Reply) -> EnterpriseMessage:
    """The reply as a message in the sender centre's enterprise e-Box (created if it has none yet),
    pointing back to the replied-to message by `original_message_id`."""
    body = reply.get_answer_display()
    if reply.comment:
        body = f"{body}\n\n{reply.comment}"
    return EnterpriseMessage.objects.create(
        message_id=str(uuid.uuid4()),
        box=enterprise_box_get(message.sender_organization_id),
        original_message_id=message.message_id,
        sender_citizen_id=message.recipient_niss,
        message_type_id=message_types.CITIZEN_REPLY,
        subject=(REPLY_SUBJECT_PREFIX + message.subject)[:400],
        language=message.language,
        body=body,
        received_at=reply.replied_at,
        expires_at=add_months(
            reply.replied_at, message_types.enterprise_validity_months(message_types.CITIZEN_REPLY)
        ),
    )


def bce_clean(value: str) -> str | None:
    """The 10-digit BCE number in `value` (dots, spaces and a BE prefix allowed), or None if invalid."""
    number = vat.compact(value or "") if isinstance(value, str) else ""
    return number if len(number) == 10 and number.isdigit() and vat.is_valid(number) else None


def enterprise_box_get(bce: str) -> EnterpriseBox:
    """The organisation's e-Box, created the first time it is addressed."""
    return EnterpriseBox.objects.get_or_create(bce=bce)[0]


def enterprise_message_drop(
    *,
    recipient_bce: str,
    sender_organization_id: str,
    message_type_id: str,
    subject: str,
    language: str = "fr",
    body: str = "",
    sender_application_id: str = "",
    received_at: datetime | None = None,
) -> EnterpriseMessage:
    """Drops an institution's message into a centre's enterprise e-Box (tester page, tests).

    Raises ValueError for an invalid BCE number (recipient or sender), an unknown language or an empty
    subject; any message type is accepted (the page offers `message_types.DROPPABLE_TYPES`)."""
    recipient, sender = bce_clean(recipient_bce), bce_clean(sender_organization_id)
    if recipient is None:
        raise ValueError(f"{recipient_bce!r} is not a valid BCE number")
    if sender is None:
        raise ValueError(f"{sender_organization_id!r} is not a valid BCE number")
    if language not in ("fr", "nl", "de"):
        raise ValueError(f"{language!r} is not one of fr, nl, de")
    if not subject.strip() or len(subject) > 400:
        raise ValueError("The subject must have 1 to 400 characters")
    received_at = received_at or timezone.now()
    with transaction.atomic():
        return EnterpriseMessage.objects.create(
            message_id=str(uuid.uuid4()),
            box=enterprise_box_get(recipient),
            sender_organization_id=sender,
            sender_application_id=sender_application_id,
            message_type_id=message_type_id,
            subject=subject.strip(),
            language=language,
            body=body,
            received_at=received_at,
            expires_at=add_months(received_at, message_types.enterprise_validity_months(message_type_id)),
        )


def enterprise_message_open(*, message: EnterpriseMessage) -> None:
    """Marks an enterprise message read the first time its main content (the body) is fetched."""
    if message.read_at is None:
        message.read_at = timezone.now()
        EnterpriseMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
        # A publication to a company is read once the company opened it: the sender's status says so.
        Message.objects.filter(message_id=message.message_id, read_at__isnull=True).update(
            read_at=message.read_at
        )
