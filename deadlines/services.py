"""Writes of the Échéancier: each source's deadlines derived again from it (deadlines.rules), the paper
letter recorded, the daily summary's preference.

A source changes → its deadlines are derived again (`deadlines_refresh_*`, called from the sources'
post_save, see apps.py), so the lists read stored rows. `deadlines_sweep` derives, on a schedule, the
open sources that have no deadline yet: rows written without a save (a bulk import) and the rows that
existed before the Échéancier.
"""

import contextlib
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from primaweb.models import AuditEvent, Centre, Membership, User
from primaweb.services import audit_record

from . import rules
from .models import Deadline, DigestPreference

Kind = Deadline.Kind


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _set(centre_id: int, kind: str, source: dict, *, due_on: date | None, **fields) -> None:
    """The deadline `kind` of `source` is `due_on` (None: the source sets none, the row goes)."""
    rows = Deadline.objects.for_centre(centre_id).filter(kind=kind, **source)
    if due_on is None:
        rows.delete()
        return
    current = rows.first()
    if current is not None and current.met_by_id is not None:
        # Met by a worker's own action (the paper letter sent): only the worker's record says otherwise.
        fields.pop("met_on", None)
    values = {"due_on": due_on, "updated_at": timezone.now(), **fields}
    if current is None:
        try:
            with transaction.atomic():  # a savepoint: the source's own write goes on whatever happens
                Deadline.objects.for_centre(centre_id).create(
                    centre_id=centre_id, kind=kind, **source, **values
                )
        except IntegrityError:
            pass  # derived meanwhile by a concurrent save or sweep, from the same source
        return
    if any(getattr(current, name) != value for name, value in values.items() if name != "updated_at"):
        for name, value in values.items():
            setattr(current, name, value)
        current.save(update_fields=list(values))


def deadlines_refresh_request(*, online_request) -> None:
    """« Décider » (30 days from the legal receipt) and, once decided, « Notifier » (8 days)."""
    centre_id, source = online_request.centre_id, {"online_request_id": online_request.pk}
    common = {
        "subject": f"{online_request.reference} — {online_request.last_name} {online_request.first_name}",
        "dossier_id": online_request.dossier_id,
    }
    _set(
        centre_id,
        Kind.DECIDE,
        source,
        due_on=rules.decision_due(online_request.received_on),
        source_date=online_request.received_on,
        worker_id=online_request.read_by_id,
        met_on=online_request.decided_on,
        **common,
    )
    decided = online_request.decided_on
    awaiting = decided and not online_request.notified_on and online_request.dossier_id
    if awaiting and _notified_by_an_earlier_delivery(online_request):
        return  # recorded: the save that recorded it derived the deadlines again
    _set(
        centre_id,
        Kind.NOTIFY,
        source,
        due_on=rules.notification_due(decided) if decided else None,
        source_date=decided,
        worker_id=online_request.decided_by_id,
        met_on=online_request.notified_on,
        **common,
    )


def _expiry(text: str) -> datetime | None:
    """The eBox's expirationDate (a timestamp, or a bare date: the end of that day)."""
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text[:10])
        if day is None:
            return None
        moment = datetime.combine(day, datetime.max.time())
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _notify_by_ebox(publication) -> None:
    """A decision delivered to the eBox notifies the dossier's decisions awaiting it (rules)."""
    from cpasonline.followup import FollowupRefused, online_request_record_notification
    from cpasonline.selectors import decisions_awaiting_notification

    document = publication.document
    if document.document_type.ebox_message_type not in rules.NOTIFYING_MESSAGE_TYPES:
        return
    sent_on = _local_day(publication.sent_at)
    for online_request in decisions_awaiting_notification(
        centre=publication.centre_id, dossier_id=document.dossier_id, decided_by=sent_on
    ):
        # A decision moved after this delivery meanwhile is not notified by it, and a notification a
        # worker recorded meanwhile stays.
        with contextlib.suppress(FollowupRefused):
            online_request_record_notification(
                online_request=online_request,
                notified_on=sent_on,
                by=publication.requested_by,
                unless_recorded=True,
            )


def _notified_by_an_earlier_delivery(online_request) -> bool:
    """A decision recorded after the decision document reached the eBox: that delivery notified it."""
    from cpasonline.followup import FollowupRefused, online_request_record_notification
    from ebox.selectors import first_delivery_of_type

    since = timezone.make_aware(datetime.combine(online_request.decided_on, datetime.min.time()))
    sent_at = first_delivery_of_type(
        centre=online_request.centre_id,
        dossier_id=online_request.dossier_id,
        message_types=rules.NOTIFYING_MESSAGE_TYPES,
        since=since,
    )
    if sent_at is None:
        return False
    try:
        online_request_record_notification(
            online_request=online_request,
            notified_on=_local_day(sent_at),
            by=online_request.decided_by,
            unless_recorded=True,
        )
    except FollowupRefused:  # the decision was moved after that delivery meanwhile
        return False
    return True


def deadlines_refresh_publication(*, publication) -> None:
    """A document delivered to the citizen's eBox: sent on paper before it expires unless read; a
    decision delivered notifies the dossier's decisions awaiting it."""
    delivered = publication.state in ("sent", "read")
    if publication.state == "sent" and publication.sent_at:
        _notify_by_ebox(publication)
    expires = _expiry(publication.expiration_date) if delivered else None
    common = {
        "subject": publication.subject,
        "worker_id": publication.requested_by_id,
        "document_id": publication.document_id,
        "dossier_id": publication.document.dossier_id if expires else None,
        "met_on": _local_day(publication.read_at),
    }
    source = {"publication_id": publication.pk}
    _set(
        publication.centre_id,
        Kind.PAPER,
        source,
        due_on=rules.paper_due(expires) if expires else None,
        source_date=rules.expiry_day(expires) if expires else None,
        **common,
    )
    _set(
        publication.centre_id,
        Kind.EBOX_EXPIRY,
        source,
        due_on=rules.expiry_day(expires) if expires else None,
        source_date=_local_day(publication.sent_at) or _local_day(publication.requested_at),
        **common,
    )


def deadlines_refresh_centre_message(*, message) -> None:
    """A message of the centre's own e-Box: read (and kept) before it expires."""
    expires = message.expires_at
    _set(
        message.centre_id,
        Kind.CENTRE_EXPIRY,
        {"centre_message_id": message.pk},
        due_on=rules.expiry_day(expires) if expires else None,
        source_date=_local_day(message.received_at),
        subject=message.subject or message.message_id,
        met_on=_local_day(message.read_at),
        document_id=message.document_id,
    )


@transaction.atomic
def deadline_paper_sent(*, deadline: Deadline, by: User, request: HttpRequest | None = None) -> None:
    """« Courrier papier envoyé »: the unread message went by post; its paper and expiry deadlines are
    met today (a later reading in the eBox changes nothing)."""
    if deadline.kind != Kind.PAPER:
        raise ValueError("Only a paper deadline is met by a letter.")
    today = timezone.localdate()
    Deadline.objects.for_centre(deadline.centre_id).filter(
        publication_id=deadline.publication_id, met_on__isnull=True
    ).update(met_on=today, met_by=by, updated_at=timezone.now())
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=by,
        centre=deadline.centre,
        target=deadline,
        request=request,
        details={"paper_sent": today.isoformat()},
    )


def deadlines_sweep(*, centre: Centre) -> int:
    """Derives the deadlines of the centre's open sources that have none yet: rows written without a
    save (a bulk import) and those from before the Échéancier; returns how many sources it derived.

    Every later change of a source is a save, which its post_save follows (apps.py): the sweep reads
    only what is missing (an anti-join on the deadlines' own rows), not every open source each time.
    """
    from centrebox.selectors import unread_expiring_messages
    from cpasonline.selectors import requests_without_notification
    from ebox.selectors import unread_delivered_publications

    def derived(kind, column):
        rows = Deadline.objects.for_centre(centre).filter(kind=kind, **{f"{column}__isnull": False})
        return rows.values(column)

    requests = requests_without_notification(centre=centre).filter(
        ~Q(pk__in=derived(Kind.DECIDE, "online_request_id"))
        | Q(decided_on__isnull=False) & ~Q(pk__in=derived(Kind.NOTIFY, "online_request_id"))
    )
    publications = unread_delivered_publications(centre=centre).exclude(
        pk__in=derived(Kind.PAPER, "publication_id")
    )
    messages = unread_expiring_messages(centre=centre).exclude(
        pk__in=derived(Kind.CENTRE_EXPIRY, "centre_message_id")
    )
    count = 0
    for online_request in requests.iterator(chunk_size=500):
        deadlines_refresh_request(online_request=online_request)
        count += 1
    for publication in publications.iterator(chunk_size=500):
        deadlines_refresh_publication(publication=publication)
        count += 1
    for message in messages.iterator(chunk_size=500):
        deadlines_refresh_centre_message(message=message)
        count += 1
    return count


def digest_set(*, membership: Membership, enabled: bool) -> DigestPreference:
    """The worker's choice of the daily summary by e-mail (in this centre)."""
    preference, _created = DigestPreference.objects.for_centre(membership.centre_id).update_or_create(
        membership=membership, defaults={"centre_id": membership.centre_id, "enabled": enabled}
    )
    return preference
