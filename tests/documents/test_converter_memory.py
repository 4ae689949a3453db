"""The converter's memory cap: one file cannot take the machine's memory, and it ends, quickly."""

import contextlib
import time
from pathlib import Path

import pytest

from documents.conversion import ConversionFailed, ConverterUnavailable, convert_to_pdf
from documents.converter_process import running_converter
from tests import samples

from .conftest import CONVERTER_SECRET

LIMIT_MIB = 900


def _address_space_limits(work_dir: Path) -> list[str]:
    """The « Max address space » line of every LibreOffice process using the converter's profile."""
    limits = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"soffice.bin" in cmdline.read_bytes() and str(work_dir).encode() in cmdline.read_bytes():
                text = (cmdline.parent / "limits").read_text()
                limits += [line for line in text.splitlines() if line.startswith("Max address space")]
        except OSError:
            continue
    return limits


@pytest.fixture
def small_converter(settings, tmp_path):
    settings.CONVERTER_MEMORY_LIMIT = LIMIT_MIB
    settings.CONVERTER_SECRET = CONVERTER_SECRET
    with running_converter(
        work_dir=tmp_path, log_file=tmp_path / "listener.log", conversion_timeout=60
    ) as url:
        settings.CONVERTER_URL = url
        yield tmp_path


def test_libreoffice_runs_under_the_memory_cap(small_converter):
    limits = _address_space_limits(small_converter)

    assert limits, "no LibreOffice process found for the converter"
    assert all(str(LIMIT_MIB * 1024 * 1024) in line for line in limits)


def test_conversion_needing_more_than_the_cap_ends_quickly_and_the_converter_goes_on(small_converter):
    # What the upload rules refuse (image_too_large), sent straight to the converter: without a cap,
    # LibreOffice takes 1.2 GB and 90 s over it; under the cap its allocation fails at once.
    data = samples.docx_with_image_bytes(samples.big_png_bytes(32_000, 32_000))
    started = time.monotonic()

    # The file's fault, or LibreOffice died of it and is restarted: either way the conversion ends.
    with contextlib.suppress(ConversionFailed, ConverterUnavailable):
        convert_to_pdf(data=data, extension="docx")

    assert time.monotonic() - started < 45
    deadline = time.monotonic() + 60
    while True:
        try:
            assert convert_to_pdf(data=samples.docx_bytes(), extension="docx").startswith(b"%PDF-")
            break
        except ConverterUnavailable:
            assert time.monotonic() < deadline, "the converter did not come back"
            time.sleep(1)
