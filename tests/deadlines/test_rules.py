"""The law's delays at their edges: weekends, legal holidays, leap years, regional days."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from cpasonline.rules import received_on
from deadlines import rules

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_thirty_days_on_a_plain_working_day_end_that_day():
    assert rules.decision_due(date(2026, 3, 2)) == date(2026, 4, 1)  # a Wednesday


def test_a_request_received_on_a_friday_before_easter_monday_is_due_the_monday_after_the_sunday():
    # Friday 3 April 2026 (Easter Monday follows on 6 April); the 30th day, 3 May, is a Sunday.
    assert rules.decision_due(date(2026, 4, 3)) == date(2026, 5, 4)


def test_a_request_filed_on_the_saturday_before_easter_monday_counts_from_the_tuesday():
    submitted = datetime(2026, 4, 4, 10, 0, tzinfo=BRUSSELS)
    assert received_on(submitted) == date(2026, 4, 7)
    assert rules.decision_due(received_on(submitted)) == date(2026, 5, 7)


def test_a_request_filed_late_on_a_friday_evening_is_received_that_friday():
    submitted = datetime(2026, 4, 3, 23, 30, tzinfo=BRUSSELS)  # 21:30 UTC, still Friday in Belgium
    assert received_on(submitted) == date(2026, 4, 3)


def test_a_thirtieth_day_on_easter_sunday_moves_past_easter_monday_to_the_tuesday():
    assert rules.decision_due(date(2026, 3, 6)) == date(2026, 4, 7)


def test_a_thirtieth_day_on_a_sunday_moves_to_the_monday():
    assert rules.decision_due(date(2026, 7, 10)) == date(2026, 8, 10)  # Sunday 9 August


def test_a_thirtieth_day_on_a_weekday_holiday_moves_to_the_next_day():
    assert rules.decision_due(date(2026, 10, 12)) == date(2026, 11, 12)  # Wednesday 11 November


def test_february_twenty_ninth_counts_in_a_leap_year():
    assert rules.decision_due(date(2028, 1, 31)) == date(2028, 3, 1)
    assert rules.decision_due(date(2027, 1, 29)) == date(2027, 3, 1)  # 28 February 2027 is a Sunday
    assert rules.notification_due(date(2028, 2, 21)) == date(2028, 2, 29)


def test_regional_and_community_days_are_not_legal_holidays_and_do_not_move_a_deadline():
    assert rules.delay_end(date(2027, 8, 28), 30) == date(2027, 9, 27)  # Fête de la Communauté française
    assert rules.delay_end(date(2028, 6, 11), 30) == date(2028, 7, 11)  # Feest van de Vlaamse Gemeenschap
    assert rules.delay_end(date(2029, 4, 8), 30) == date(2029, 5, 8)  # Fête de l'Iris (Brussels)


def test_eight_days_to_notify_move_past_a_weekend():
    assert rules.notification_due(date(2026, 6, 5)) == date(2026, 6, 15)  # Saturday 13 → Monday 15


def test_the_paper_letter_is_due_ten_days_before_expiry_brought_forward_off_a_holiday():
    # 20 May − 10 days = Sunday 10 May: the Friday before.
    assert rules.paper_due(datetime(2026, 5, 20, 12, 0, tzinfo=BRUSSELS)) == date(2026, 5, 8)
    assert rules.paper_due(datetime(2026, 5, 22, 12, 0, tzinfo=BRUSSELS)) == date(2026, 5, 12)
    # 11 May − 10 days = Friday 1 May (Labour Day): the Thursday before, so the letter leaves in time.
    assert rules.paper_due(datetime(2026, 5, 11, 9, 0, tzinfo=BRUSSELS)) == date(2026, 4, 30)


def test_an_expiry_at_midnight_utc_is_the_belgian_day():
    assert rules.expiry_day(datetime(2026, 5, 19, 23, 30, tzinfo=ZoneInfo("UTC"))) == date(2026, 5, 20)
