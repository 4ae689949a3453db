"""The converter adapter against the real LibreOffice listener (started once per session, see conftest)."""

import io
import os
import signal
import socket
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import pytest
from pypdf import PdfReader

from documents.conversion import ConversionFailed, ConverterUnavailable, convert_to_pdf, converter_answers
from documents.converter_process import free_port, running_converter
from tests import samples


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    return " ".join(page.extract_text() for page in reader.pages)


def group_members(group: int) -> list[tuple[int, str]]:
    """(pid, command name) of the living processes of a process group."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        state, _parent, process_group = text.rsplit(")", 1)[1].split()[:3]
        if int(process_group) == group and state != "Z":
            members.append((int(stat.parent.name), name))
    return members


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize(
    ("extension", "make"),
    [
        ("docx", lambda: samples.docx_bytes("Aide sociale DOCX 4711")),
        ("odt", lambda: samples.odt_bytes("Aide sociale ODT 4712")),
        ("rtf", lambda: samples.rtf_bytes("Aide sociale RTF 4713")),
    ],
)
def test_document_is_converted_to_a_pdf_showing_its_text(converter, extension, make):
    pdf = convert_to_pdf(data=make(), extension=extension)

    assert pdf.startswith(b"%PDF-")
    assert f"Aide sociale {extension.upper()} 471" in pdf_text(pdf)


def test_word_97_document_is_converted_to_a_pdf_showing_its_text(converter):
    pdf = convert_to_pdf(data=samples.doc_bytes(), extension=".DOC")

    assert "Conseil de l" in pdf_text(pdf)


def test_several_pages_come_out_as_several_pages(converter):
    pdf = convert_to_pdf(
        data=samples.docx_bytes("Une ligne du rapport social.", paragraphs=200), extension="docx"
    )

    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 3


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 40, b"Just some plain text, not a Word document at all.\n" * 50],
    ids=["random-bytes", "plain-text"],
)
def test_file_that_is_not_really_a_docx_fails_for_good(converter, data):
    # Without the import filter named, LibreOffice would open both as plain text and make a PDF of them.
    with pytest.raises(ConversionFailed) as refused:
        convert_to_pdf(data=data, extension="docx")

    assert str(refused.value)


def test_rtf_sent_as_odt_fails_for_good(converter):
    with pytest.raises(ConversionFailed):
        convert_to_pdf(data=samples.rtf_bytes(), extension="odt")


def test_format_the_converter_does_not_take_fails_without_asking_it(settings):
    settings.CONVERTER_URL = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(ConversionFailed):
        convert_to_pdf(data=samples.pdf_bytes(), extension="pdf")


def test_converter_not_running_is_unavailable_at_once(settings):
    settings.CONVERTER_URL = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()

    with pytest.raises(ConverterUnavailable):
        convert_to_pdf(data=samples.docx_bytes(), extension="docx")

    assert time.monotonic() - started < 2
    assert not converter_answers(timeout=1)


def test_converter_that_never_answers_is_given_up_after_the_time_limit(settings):
    with socket.socket() as silent:
        # Listening without ever accepting: the connection is made, the request sent, no answer comes.
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CONVERTER_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()

        with pytest.raises(ConverterUnavailable):
            convert_to_pdf(data=samples.docx_bytes(), extension="docx", timeout=0.5)

        assert 0.4 < time.monotonic() - started < 3


def test_conversion_longer_than_the_time_limit_is_given_up_and_the_converter_goes_on(converter):
    with pytest.raises(ConverterUnavailable):
        convert_to_pdf(data=samples.docx_bytes(paragraphs=50), extension="docx", timeout=0.001)

    pdf = convert_to_pdf(data=samples.docx_bytes("Toujours là"), extension="docx")
    assert "Toujours là" in pdf_text(pdf)


def test_hung_libreoffice_is_killed_at_the_time_limit_and_the_listener_restarted(settings, tmp_path):
    with running_converter(conversion_timeout=2, work_dir=tmp_path) as url:
        settings.CONVERTER_URL = url
        first_listener = int((tmp_path / "listener.pid").read_text())
        convert_to_pdf(data=samples.docx_bytes(), extension="docx")
        office = [pid for pid, name in group_members(first_listener) if name == "soffice.bin"]
        assert office, group_members(first_listener)
        os.kill(office[0], signal.SIGSTOP)  # LibreOffice hangs, as on a hostile file
        started = time.monotonic()

        with pytest.raises(ConverterUnavailable):
            convert_to_pdf(data=samples.docx_bytes(), extension="docx", timeout=30)

        # The listener's own limit (2 s) struck, not the client's (30 s).
        assert time.monotonic() - started < 10
        assert wait_until(lambda: converter_answers(timeout=2), timeout=60)
        second_listener = int((tmp_path / "listener.pid").read_text())
        assert second_listener != first_listener
        assert group_members(first_listener) == []  # no stray LibreOffice left behind
        pdf = convert_to_pdf(data=samples.docx_bytes("Après le redémarrage"), extension="docx")
        assert "Après le redémarrage" in pdf_text(pdf)

    assert group_members(second_listener) == []
    assert not converter_answers(timeout=1)


def test_listener_profile_forbids_macros(converter, converter_work_dir):
    settings_file = converter_work_dir / "profile" / "user" / "registrymodifications.xcu"
    oor = "{http://openoffice.org/2001/registry}"
    values = {
        (item.get(f"{oor}path"), prop.get(f"{oor}name")): prop.findtext("value")
        for item in ElementTree.parse(settings_file).getroot()
        for prop in item
    }

    scripting = "/org.openoffice.Office.Common/Security/Scripting"
    assert values[(scripting, "MacroSecurityLevel")] == "3"
    assert values[(scripting, "DisableMacrosExecution")] == "true"


def odt_running_a_macro_on_open(marker: Path) -> bytes:
    """An ODT whose Basic macro, bound to the document's « open » event, writes `marker` and puts
    « MACRO RAN » at the start of the text, which the PDF would then show.

    Checked by hand: LibreOffice does run it on opening when macros are allowed (a profile at security
    level 0 with MacroExecutionMode USE_CONFIG, or ALWAYS_EXECUTE_NO_WARN).
    """
    code = (
        f'Sub Main\n  n = FreeFile()\n  Open "{marker}" For Output As #n\n'
        '  Print #n, "ran"\n  Close #n\n'
        '  ThisComponent.getText().getStart().setString("MACRO RAN ")\nEnd Sub\n'
    )
    doctype = '<!DOCTYPE {0} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{1}">\n'
    header = '<?xml version="1.0" encoding="UTF-8"?>\n'
    library = 'xmlns:library="http://openoffice.org/2000/library"'
    files = {
        "mimetype": samples.ODT_MIMETYPE,
        "META-INF/manifest.xml": header
        + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{samples.ODT_MIMETYPE}"/>'
        + "".join(
            f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="text/xml"/>'
            for path in ("content.xml", "Basic/script-lc.xml", "Basic/Standard/script-lb.xml")
            + ("Basic/Standard/Module1.xml",)
        )
        + "</manifest:manifest>",
        "Basic/script-lc.xml": header
        + doctype.format("library:libraries", "libraries.dtd")
        + f'<library:libraries {library} xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<library:library library:name="Standard" library:link="false"/></library:libraries>',
        "Basic/Standard/script-lb.xml": header
        + doctype.format("library:library", "library.dtd")
        + f'<library:library {library} library:name="Standard" library:readonly="false" '
        'library:passwordprotected="false"><library:element library:name="Module1"/></library:library>',
        "Basic/Standard/Module1.xml": header
        + doctype.format("script:module", "module.dtd")
        + '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
        f'script:language="StarBasic">{escape(code, {chr(34): "&quot;"})}</script:module>',
        "content.xml": header
        + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ooo="http://openoffice.org/2004/office" '
        'xmlns:dom="http://www.w3.org/2001/xml-events" office:version="1.3">'
        '<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" '
        'script:event-name="dom:load" xlink:type="simple" '
        'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
        "</office:event-listeners></office:scripts>"
        "<office:body><office:text><text:p>Document avec macro</text:p></office:text></office:body>"
        "</office:document-content>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_macro_of_a_document_does_not_run_when_it_is_converted(converter, tmp_path):
    marker = tmp_path / "macro-ran"

    pdf = convert_to_pdf(data=odt_running_a_macro_on_open(marker), extension="odt")

    # The listener loads, exports and closes the document before it answers: a macro that ran did so
    # before `convert_to_pdf` returned, so its marks are there to be seen now, in the PDF and on disk.
    text = pdf_text(pdf)
    assert "Document avec macro" in text
    assert "MACRO RAN" not in text
    assert not marker.exists()
