"""Reads of the Échéancier; each takes the membership (the worker in their centre)."""

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Deadline

OVERDUE, TODAY, WEEK = "retard", "aujourdhui", "semaine"
# « Cette semaine »: the seven days after today (so that on a Friday the next week is still seen).
WEEK_DAYS = 7


def period_bounds(period: str, today: date) -> Q:
    if period == OVERDUE:
        return Q(due_on__lt=today)
    if period == TODAY:
        return Q(due_on=today)
    return Q(due_on__gt=today, due_on__lte=today + timedelta(days=WEEK_DAYS))


def _visible(membership) -> QuerySet[Deadline]:
    """The open deadlines this member may see: all of the centre's, but the centre's e-Box messages only
    of the types the administrator granted them."""
    from centrebox.selectors import visible_messages_condition

    found = Deadline.objects.for_centre(membership.centre).filter(met_on__isnull=True)
    condition = visible_messages_condition(membership=membership, prefix="centre_message")
    if condition is not None:
        found = found.filter(~Q(kind=Deadline.Kind.CENTRE_EXPIRY) | condition)
    return found


def deadlines_due(*, membership, period: str, mine: bool, today: date | None = None) -> QuerySet[Deadline]:
    """The open deadlines of the period, soonest (or longest overdue) first; the worker's own or the
    centre's. Read from the index of the open deadlines by (centre[, worker], due_on, id)."""
    today = today or timezone.localdate()
    found = _visible(membership).filter(period_bounds(period, today))
    if mine:
        found = found.filter(worker=membership.user)
    return found.select_related("worker").order_by("due_on", "id")


def overdue_count(*, membership, mine: bool = False) -> int:
    return deadlines_due(membership=membership, period=OVERDUE, mine=mine).count()
