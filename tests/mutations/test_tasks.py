"""The beat's poll: every centre with a BCE number, retried with back-off while the register is down."""

import pytest
import requests

from mutations import tasks
from mutations.models import MutationFeed
from tests.http import FailingAdapter

pytestmark = pytest.mark.django_db


class CountingFailure(FailingAdapter):
    def __init__(self):
        super().__init__(error=requests.ConnectTimeout("timed out"))
        self.calls = 0

    def send(self, request, **kwargs):
        self.calls += 1
        return super().send(request, **kwargs)


def test_a_register_down_is_asked_again_with_growing_delays_then_given_up(centre, register_failing, caplog):
    adapter = CountingFailure()
    register_failing(adapter)

    tasks.poll_centre.apply(args=[centre.pk])

    assert adapter.calls == tasks.MAX_RETRIES + 1
    assert [tasks.retry_delay(n) for n in range(4)] == [30, 60, 120, 240]
    assert "still down" in caplog.text
    feed = MutationFeed.objects.for_centre(centre).get()
    assert feed.cursor == 0 and "timed out" in feed.error


def test_the_beat_polls_every_centre_with_a_bce_number(centre, other_centre, register_http):
    assert tasks.poll_all_centres.apply().get() == 2
    assert MutationFeed.objects.for_centre(centre).get().succeeded_at is not None
