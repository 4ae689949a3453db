from datetime import date

import pytest

from simulators.bcss.incomplete_dates import IncompleteDateError, ToleranceRequired, bounds, search_window


def test_month_precision_tolerance_counts_in_months_as_the_manual_says():
    assert search_window("2000-10-00", 2) == (date(2000, 8, 1), date(2000, 12, 31))


def test_year_precision_tolerance_counts_in_years_as_the_manual_says():
    assert search_window("2000-00-00", 2) == (date(1998, 1, 1), date(2002, 12, 31))


def test_tolerance_zero_with_an_unknown_day_searches_the_whole_month():
    assert search_window("2000-02-00", 0) == (date(2000, 2, 1), date(2000, 2, 29))


def test_full_date_tolerance_counts_in_days():
    assert search_window("2000-03-01", 2) == (date(2000, 2, 28), date(2000, 3, 3))
    assert search_window("2000-03-01", None) == (date(2000, 3, 1), date(2000, 3, 1))


def test_month_tolerance_crosses_year_boundaries():
    assert search_window("2000-01-00", 1) == (date(1999, 12, 1), date(2000, 2, 29))


@pytest.mark.parametrize("value", ["2000-10-00", "2000-00-00"])
def test_an_incomplete_date_needs_a_tolerance(value):
    with pytest.raises(ToleranceRequired):
        search_window(value, None)


def test_bounds_of_incomplete_dates_span_the_unknown_part():
    assert bounds("1962-00-00") == (date(1962, 1, 1), date(1962, 12, 31))
    assert bounds("2000-10-00") == (date(2000, 10, 1), date(2000, 10, 31))
    assert bounds("1975-03-12") == (date(1975, 3, 12), date(1975, 3, 12))


@pytest.mark.parametrize("value", ["2000-13-01", "2001-02-29", "2000-00-12", "2000-1-1", "", "abcd-ef-gh"])
def test_impossible_dates_are_refused(value):
    with pytest.raises(IncompleteDateError):
        bounds(value)
