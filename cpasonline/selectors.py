"""Reads of CPAS Online; every one takes the centre."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from primaweb.models import Centre

from .models import OnlineRequest

# An acknowledgement days late would confuse more than help: the sweep gives up on it after this.
ACKNOWLEDGEMENT_WINDOW_DAYS = 2


def requests_of_centre(
    *,
    centre: Centre,
    read: bool | None = False,
    start: date | None = None,
    end: date | None = None,
    reference: str = "",
) -> QuerySet[OnlineRequest]:
    """The centre's requests, newest first: by reference when one is given, else by state and period."""
    requests = OnlineRequest.objects.for_centre(centre).select_related("read_by")
    if reference:
        return requests.filter(reference__iexact=reference.strip())
    if read is not None:
        requests = requests.filter(read_at__isnull=not read)
    # The period is in Belgian days; the dates are compared as local midnight boundaries.
    if start is not None:
        requests = requests.filter(submitted_at__gte=_midnight(start))
    if end is not None:
        requests = requests.filter(submitted_at__lt=_midnight(end + timedelta(days=1)))
    return requests


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def unread_count(*, centre: Centre) -> int:
    return OnlineRequest.objects.for_centre(centre).filter(read_at__isnull=True).count()


def requests_of_dossier(*, centre: Centre, dossier) -> QuerySet[OnlineRequest]:
    return OnlineRequest.objects.for_centre(centre).filter(dossier=dossier)


def acknowledgements_due() -> QuerySet[OnlineRequest]:
    """Acknowledgements owed that nobody holds (a lost wake-up, a dead worker), with tries left.

    Every centre's: the beat's sweep reads it, and each row says its centre."""
    return OnlineRequest.objects.across_centres(reason="beat: every centre's acknowledgements owed").filter(
        models.Q(acknowledgement_lease_until__lt=timezone.now())
        | models.Q(acknowledgement_lease_until__isnull=True),
        acknowledged_at__isnull=True,
        acknowledgement_attempts__lt=settings.CPASONLINE_ACKNOWLEDGEMENT_MAX_ATTEMPTS,
        # An acknowledgement days late would confuse more than help (and rows from before this outbox
        # never had one owed).
        submitted_at__gte=timezone.now() - timedelta(days=ACKNOWLEDGEMENT_WINDOW_DAYS),
    )


def requests_without_notification(*, centre: Centre) -> QuerySet[OnlineRequest]:
    """The requests whose decision is not (yet) notified: their deadlines may still move."""
    return OnlineRequest.objects.for_centre(centre).filter(notified_on__isnull=True).order_by("pk")


def decisions_awaiting_notification(*, centre: Centre, dossier_id: int, decided_by: date):
    """The dossier's requests decided on or before `decided_by` whose notification is not recorded."""
    return OnlineRequest.objects.for_centre(centre).filter(
        dossier_id=dossier_id, decided_on__isnull=False, decided_on__lte=decided_by, notified_on__isnull=True
    )
