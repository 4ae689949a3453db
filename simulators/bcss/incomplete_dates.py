"""Possibly incomplete dates as the BCSS writes them: `YYYY-MM-DD`, `YYYY-MM-00` or `YYYY-00-00`.

`bounds` gives the range of real dates such a value may denote; `search_window` widens it by a phonetic
search's tolerance, whose unit follows the precision of the date (days, months or years), as the
IdentifyPerson manual says: `2000-10-00` with tolerance 2 searches 2000-08-01..2000-12-31,
`2000-00-00` with tolerance 2 searches 1998-01-01..2002-12-31, and tolerance 0 with an unknown day
searches the whole month.
"""

import calendar
import re
from datetime import date, timedelta

PATTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class IncompleteDateError(ValueError):
    """The value is not a date, even an incomplete one (month 13, 30 February, day without month...)."""


class ToleranceRequired(ValueError):
    """An incomplete date was given without a tolerance (BCSS reason code 31009001)."""


def parse(value: str) -> tuple[int, int, int]:
    """(year, month, day), where 0 stands for an unknown month or day."""
    match = PATTERN.match(value or "")
    if not match:
        raise IncompleteDateError(f"{value!r} is not in the form YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if year < 1 or month > 12 or (month == 0 and day != 0):
        raise IncompleteDateError(f"{value!r} is not a possible date")
    if day and day > calendar.monthrange(year, month)[1]:
        raise IncompleteDateError(f"{value!r} is not a possible date")
    return year, month, day


def bounds(value: str) -> tuple[date, date]:
    """The first and last real dates an (incomplete) date may denote."""
    year, month, day = parse(value)
    if not month:
        return date(year, 1, 1), date(year, 12, 31)
    if not day:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    exact = date(year, month, day)
    return exact, exact


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def search_window(value: str, tolerance: int | None) -> tuple[date, date]:
    """The birth-date range a phonetic search covers. Raises ToleranceRequired for an incomplete date
    without tolerance; a negative tolerance counts as 0."""
    year, month, day = parse(value)
    if tolerance is None:
        if month and day:
            tolerance = 0
        else:
            raise ToleranceRequired(value)
    tolerance = max(0, tolerance)
    try:
        if month and day:
            exact = date(year, month, day)
            return exact - timedelta(days=tolerance), exact + timedelta(days=tolerance)
        if month:
            first_year, first_month = _add_months(year, month, -tolerance)
            last_year, last_month = _add_months(year, month, tolerance)
            last_day = calendar.monthrange(last_year, last_month)[1]
            return date(first_year, first_month, 1), date(last_year, last_month, last_day)
        return date(year - tolerance, 1, 1), date(year + tolerance, 12, 31)
    except (ValueError, OverflowError):
        # A tolerance reaching past year 1 or 9999: clamp rather than fail.
        return date.min, date.max
