"""`manage.py convert FILE [OUT.pdf]`: an upload's checks and conversion, for administrators."""

import io
import threading
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from documents.converter_process import free_port
from tests import samples


def run_convert(*args) -> str:
    out = io.StringIO()
    call_command("convert", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_docx_is_written_out_as_a_pdf(converter, tmp_path):
    source = tmp_path / "décision.docx"
    source.write_bytes(samples.docx_bytes("Revenu d'intégration accordé"))
    target = tmp_path / "out" / "décision-finale.pdf"
    target.parent.mkdir()

    printed = run_convert(source, target)

    reader = PdfReader(target)
    assert len(reader.pages) == 1
    assert "Revenu d" in reader.pages[0].extract_text()
    assert str(target) in printed and "1 page" in printed


def test_output_defaults_to_the_file_name_with_pdf(converter, tmp_path):
    source = tmp_path / "rapport.odt"
    source.write_bytes(samples.odt_bytes())

    run_convert(source)

    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF-")


def test_pdf_is_kept_as_it_is(settings, tmp_path):
    settings.CONVERTER_URL = f"http://127.0.0.1:{free_port()}"  # never asked
    source = tmp_path / "courrier.pdf"
    source.write_bytes(samples.pdf_bytes(pages=2))

    printed = run_convert(source, tmp_path / "copie.pdf")

    assert (tmp_path / "copie.pdf").read_bytes() == samples.pdf_bytes(pages=2)
    assert "2 page" in printed


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("photo.docx", samples.png_bytes(), "ne correspond pas"),
        ("macro.docx", samples.docm_renamed_bytes(), "macros"),
        ("programme.exe", samples.exe_bytes(), ".exe"),
    ],
)
def test_refused_file_exits_with_status_2_and_the_reason(settings, tmp_path, name, data, reason):
    settings.LANGUAGE_CODE = "fr"
    source = tmp_path / name
    source.write_bytes(data)

    with pytest.raises(CommandError) as refused:
        run_convert(source)

    assert refused.value.returncode == 2
    assert reason in str(refused.value)
    assert not source.with_suffix(".pdf").exists()


class _FailingConverter(SimpleXMLRPCServer):
    """A stand-in for the listener that answers as unoserver does when LibreOffice cannot open a file."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SimpleXMLRPCRequestHandler, logRequests=False, allow_none=True)

        def convert(*args):
            raise RuntimeError("Could not load document <remote file> using the MS Word 2007 XML filter.")

        self.register_function(convert)


def test_file_libreoffice_cannot_open_exits_with_status_2(settings, tmp_path):
    source = tmp_path / "abîmé.docx"
    source.write_bytes(samples.docx_bytes())
    with _FailingConverter() as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        settings.CONVERTER_URL = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with pytest.raises(CommandError) as failed:
                run_convert(source)
        finally:
            server.shutdown()

    assert failed.value.returncode == 2
    assert "LibreOffice" in str(failed.value)
    assert not (tmp_path / "abîmé.pdf").exists()


def test_converter_down_is_an_error_but_not_a_refusal(settings, tmp_path):
    settings.CONVERTER_URL = f"http://127.0.0.1:{free_port()}"
    source = tmp_path / "note.rtf"
    source.write_bytes(samples.rtf_bytes())

    with pytest.raises(CommandError) as failed:
        run_convert(source)

    assert failed.value.returncode == 1
    assert "run_converter" in str(failed.value)


@pytest.mark.parametrize(
    ("fault", "returncode"),
    [
        ("<class 'SystemError'>:com.sun.star.comp.stoc.Introspection: Couldn't convert <traceback>", 1),
        ("<class 'TimeoutError'>:", 1),
        ("<class 'ValueError'>:unexpected", 1),
        ("Could not load document <remote file> using the MS Word 97 filter.", 2),
    ],
    ids=["converter-broken", "time-limit", "unknown", "unreadable"],
)
def test_exit_status_says_whose_fault_and_no_internals_are_printed(settings, tmp_path, fault, returncode):
    source = tmp_path / "lettre.rtf"
    source.write_bytes(samples.rtf_bytes())
    server = SimpleXMLRPCServer(("127.0.0.1", 0), SimpleXMLRPCRequestHandler, logRequests=False)

    def convert(*args):
        raise xmlrpc.client.Fault(1, fault)

    server.register_function(convert)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CONVERTER_URL = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(CommandError) as failed:
            run_convert(source)
    finally:
        server.shutdown()
        server.server_close()

    assert failed.value.returncode == returncode
    for internal in ("Introspection", "traceback", "<class", "ValueError", "Errno"):
        assert internal not in str(failed.value)
