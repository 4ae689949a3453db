"""Reads of the simulated BCSS that other simulator modules (and the mutations feed) share."""

import datetime

from django.db.models import Q, QuerySet

from .models import Integration


def integrations_on(*, organisation: str, on: datetime.date) -> QuerySet[Integration]:
    """The directory entries of `organisation` whose period covers `on`."""
    return Integration.objects.filter(organisation=organisation, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def integrated_ssins(*, organisation: str, on: datetime.date) -> QuerySet:
    """The SSINs integrated for `organisation` on `on` (a queryset of strings, each once)."""
    return integrations_on(organisation=organisation, on=on).values_list("ssin", flat=True).distinct()


def is_integrated(*, organisation: str, ssin: str, on: datetime.date) -> bool:
    return integrations_on(organisation=organisation, on=on).filter(ssin=ssin).exists()
