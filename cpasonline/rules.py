"""The legal rules of a CPAS Online request: its reference and its receipt date."""

import secrets
from datetime import date, datetime, timedelta

import holidays
from django.utils import timezone

# Upper-case letters and digits without the ones a citizen reading it over the phone would confuse
# (0/O, 1/I/L, 5/S, 8/B, 2/Z): 25 symbols, 12 characters, about 55 bits.
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 12


def new_reference() -> str:
    """A fresh random reference; the caller retries on the (unlikely) collision with a stored one."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.Belgium(years=day.year)


def received_on(submitted_at: datetime) -> date:
    """The legal receipt date: the day of submission in Belgium, or the next working day after a Saturday,
    Sunday or Belgian public holiday."""
    day = timezone.localtime(submitted_at).date()
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
