"""Several converters (PRIMAWEB_CONVERTER_URL, comma-separated): a conversion goes to the next one when
a converter cannot take it, and never to a second one for a failure the file may cause."""

import socket

import pytest

from documents.conversion import ConverterCrashed, ConverterUnavailable, convert_to_pdf, converter_answers
from documents.converter_gate import BACKEND_CRASHED, BACKEND_UNAVAILABLE
from tests import samples
from tests.documents.test_nothing_lost import FakeConverter

PDF = b"%PDF-1.4 converted"


def closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize("order", ["down first", "down last"])
def test_a_converter_down_is_passed_over_for_the_next_one(settings, order):
    with FakeConverter([PDF]) as up:
        urls = [closed_url(), up.url] if order == "down first" else [up.url, closed_url()]
        settings.CONVERTER_URL = ", ".join(urls)
        # Each conversion starts at the next converter: both orders are met within two.
        for _ in range(2):
            assert convert_to_pdf(data=samples.docx_bytes(), extension="docx", timeout=5) == PDF
        assert up.calls == 2


def test_a_converter_with_no_free_listener_is_passed_over(settings):
    with FakeConverter([BACKEND_UNAVAILABLE]) as busy, FakeConverter([PDF]) as free:
        settings.CONVERTER_URL = f"{busy.url},{free.url}"
        for _ in range(2):
            assert convert_to_pdf(data=samples.docx_bytes(), extension="docx", timeout=5) == PDF
        assert (busy.calls, free.calls) == (1, 2)


def test_when_no_converter_answers_the_conversion_waits_and_says_which(settings):
    first, second = closed_url(), closed_url()
    settings.CONVERTER_URL = f"{first},{second}"
    with pytest.raises(ConverterUnavailable) as raised:
        convert_to_pdf(data=samples.docx_bytes(), extension="docx", timeout=5)
    assert first in str(raised.value) and second in str(raised.value)


def test_a_file_that_crashed_a_converter_is_not_sent_to_the_next_one(settings):
    with FakeConverter([BACKEND_CRASHED]) as one, FakeConverter([BACKEND_CRASHED]) as other:
        settings.CONVERTER_URL = f"{one.url},{other.url}"
        with pytest.raises(ConverterCrashed):
            convert_to_pdf(data=samples.docx_bytes(), extension="docx", timeout=5)
        assert one.calls + other.calls == 1


def test_health_sees_one_converter_down_among_several(settings):
    with FakeConverter([PDF]) as up, FakeConverter([PDF]) as other:
        for server in (up, other):
            server.register_function(lambda: {"api": "3"}, "info")
        settings.CONVERTER_URL = f"{up.url},{other.url}"
        assert converter_answers(timeout=2)
        settings.CONVERTER_URL = f"{up.url},{closed_url()}"
        assert not converter_answers(timeout=2)
