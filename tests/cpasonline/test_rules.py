import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cpasonline import rules, services
from cpasonline.models import OnlineRequest
from tests.factories import CentreFactory, OnlineRequestFactory

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_reference_has_twelve_unambiguous_characters():
    for _ in range(200):
        reference = rules.new_reference()
        assert re.fullmatch(r"[34679ACDEFGHJKMNPQRTUVWXY]{12}", reference), reference


def test_references_are_not_repeated():
    assert len({rules.new_reference() for _ in range(5000)}) == 5000


@pytest.mark.django_db
def test_a_colliding_reference_is_drawn_again(monkeypatch):
    centre = CentreFactory()
    OnlineRequestFactory(centre=centre, reference="AAAAAAAAAAAA")
    draws = iter(["AAAAAAAAAAAA", "CCCCCCCCCCCC"])
    monkeypatch.setattr(rules, "new_reference", lambda: next(draws))
    fields = {
        "centre": centre,
        "received_on": date(2025, 6, 4),
        "first_name": "A",
        "last_name": "B",
        "email": "a@example.be",
        "postal_code": "5000",
        "commune_nis": "92094",
        "nature": "other",
    }
    created = services._create_with_fresh_reference(fields)
    assert created.reference == "CCCCCCCCCCCC"
    assert OnlineRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("submitted", "received"),
    [
        (datetime(2025, 6, 4, 10, 0), date(2025, 6, 4)),  # a Wednesday
        (datetime(2025, 6, 7, 10, 0), date(2025, 6, 10)),  # Saturday → Tuesday (Whit Monday is a holiday)
        (datetime(2025, 6, 8, 23, 59), date(2025, 6, 10)),  # Sunday night
        (datetime(2025, 5, 1, 9, 0), date(2025, 5, 2)),  # Labour Day, a Thursday
        (datetime(2025, 12, 24, 20, 0), date(2025, 12, 24)),  # Christmas Eve is a working day
        (datetime(2025, 6, 6, 23, 30), date(2025, 6, 10)),  # Friday 23:30 UTC is Saturday in Brussels
    ],
)
def test_receipt_date_moves_to_the_next_working_day(submitted, received):
    from datetime import UTC

    assert rules.received_on(submitted.replace(tzinfo=UTC)) == received


def test_receipt_date_uses_the_belgian_day_not_utc():
    late_friday = datetime(2025, 6, 6, 23, 30, tzinfo=BRUSSELS)
    assert rules.received_on(late_friday) == date(2025, 6, 6)
