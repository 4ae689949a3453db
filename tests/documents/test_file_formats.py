"""Files real programs write that the upload rules must accept, and pictures or page counts that must be
refused before anything heavy is done with them."""

import io
import zipfile
from pathlib import Path

import pytest
from django.utils import translation

from documents.conversion import IMPORT_FILTERS, convert_to_pdf
from documents.pictures import MAX_IMAGE_PIXELS
from documents.sniffing import is_winword2, is_word95
from documents.validation import MAX_PDF_PAGES, FileRefused, check_pdf, validate_upload
from tests import samples

from .test_validation import assert_refused, rezip

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "files"
WORD95_FILES = [
    "apache-poi/Word6.doc",
    "apache-poi/Word95.doc",
    "apache-poi/Word6_sections2.doc",
    "apache-poi/Bug51944.doc",  # a Chinese Word 95: refused as damaged until its FIB magic was known
]

# 32,000 × 32,000: the 37 KB document that took LibreOffice to 1.1 GiB.
FLOOD = samples.big_png_bytes(32_000, 32_000)
# 9,000 × 8,000 = 72 million pixels: just beyond the limit.
JUST_TOO_BIG = samples.big_png_bytes(9_000, 8_000)
# 7,000 × 9,000 = 63 million pixels: a 600-dpi A4 scan is 35 million.
JUST_FITS = samples.big_png_bytes(7_000, 9_000)


# --- Packages whose parts are not where Word or LibreOffice put them --------------------------------


def test_docx_whose_main_part_is_not_word_document_xml_is_accepted():
    data = samples.docx_with_image_bytes(samples.png_bytes(), main_part="content/main.xml")

    assert validate_upload(name="rapport.docx", data=data).extension == "docx"


def _rewritten(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    original = zipfile.ZipFile(io.BytesIO(data)).read(member)
    assert old in original
    return rezip(data, replace={member: original.replace(old, new)})


def test_docx_whose_relationships_name_a_missing_main_part_is_refused():
    data = samples.docx_with_image_bytes(samples.png_bytes(), main_part="content/main.xml")
    data = _rewritten(data, "_rels/.rels", b'Target="content/main.xml"', b'Target="content/absent.xml"')

    assert_refused("rapport.docx", data, "content_mismatch", "ne correspond pas")


def test_spreadsheet_package_renamed_docx_is_refused():
    data = samples.docx_with_image_bytes(samples.png_bytes(), main_part="xl/workbook.xml")
    data = _rewritten(
        data,
        "[Content_Types].xml",
        samples.DOCX_CONTENT_TYPE.encode(),
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    )

    assert_refused("classeur.docx", data, "content_mismatch", "ne correspond pas")


# --- Pictures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, make",
    [
        ("image.docx", samples.docx_with_image_bytes),
        ("image.odt", samples.odt_with_image_bytes),
        ("image.rtf", samples.rtf_with_image_bytes),
    ],
)
def test_document_holding_a_picture_of_absurd_size_is_refused_before_conversion(name, make):
    data = make(FLOOD)
    assert len(data) < 400_000  # small on disk: only the declared size gives it away

    refused = assert_refused(name, data, "image_too_large", "image démesurée")
    with translation.override("fr"):
        assert "1024 millions de pixels" in str(refused)
    with translation.override("nl"):
        assert "afbeelding (1024 miljoen pixels" in str(refused)


@pytest.mark.parametrize(
    "name, make", [("image.docx", samples.docx_with_image_bytes), ("image.odt", samples.odt_with_image_bytes)]
)
def test_picture_just_beyond_the_limit_is_refused_and_one_just_within_is_accepted(name, make):
    assert 9_000 * 8_000 > MAX_IMAGE_PIXELS >= 7_000 * 9_000
    with pytest.raises(FileRefused) as caught:
        validate_upload(name=name, data=make(JUST_TOO_BIG))
    assert caught.value.code == "image_too_large"

    assert validate_upload(name=name, data=make(JUST_FITS)).name == name


def test_several_big_pictures_together_are_refused():
    # Five pictures of 60 million pixels each: 300 million to decode for one letter.
    picture = samples.big_png_bytes(6_000, 10_000)
    base = samples.docx_with_image_bytes(picture)
    data = rezip(base, add={f"word/media/copy{n}.png": picture for n in range(4)})

    assert_refused("images.docx", data, "image_too_large", "image démesurée")


def test_document_with_ordinary_pictures_is_accepted():
    for name, make in (
        ("a.docx", samples.docx_with_image_bytes),
        ("a.odt", samples.odt_with_image_bytes),
        ("a.rtf", samples.rtf_with_image_bytes),
    ):
        assert validate_upload(name=name, data=make(samples.big_png_bytes(2480, 3508))).size > 0


# --- PDF pages ------------------------------------------------------------------------------------


def test_pdf_of_more_pages_than_the_cap_is_refused_with_its_count():
    data = samples.pdf_bytes(pages=MAX_PDF_PAGES + 1)

    refused = assert_refused("annexes.pdf", data, "pdf_too_many_pages", "ne peut en compter plus de 500")
    with translation.override("fr"):
        assert f"{MAX_PDF_PAGES + 1} pages" in str(refused)


def test_pdf_of_exactly_the_cap_is_accepted():
    assert check_pdf(samples.pdf_bytes(pages=MAX_PDF_PAGES)) == MAX_PDF_PAGES


# --- Word 6 and Word 95 ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORD95_FILES)
def test_word_95_files_are_recognised_as_such(path):
    data = (CORPUS / path).read_bytes()

    assert validate_upload(name="ancien.doc", data=data).extension == "doc"
    assert is_word95(data)
    assert not is_word95(samples.doc_bytes())


def test_the_converter_gate_allows_the_word_95_filter():
    assert IMPORT_FILTERS["doc95"] == "MS Word 95"


@pytest.mark.parametrize("path", WORD95_FILES)
def test_word_95_files_are_converted(converter, path):
    pdf = convert_to_pdf(data=(CORPUS / path).read_bytes(), extension="doc")

    assert check_pdf(pdf) >= 1


# --- Word for Windows 2.0 -------------------------------------------------------------------------

WORD2_FILE = CORPUS / "apache-poi/word2.doc"


def test_word_2_file_is_accepted_as_a_doc():
    # It was refused as « contenu ne correspondant pas à l'extension »: a Word file, but no compound file.
    data = WORD2_FILE.read_bytes()

    assert validate_upload(name="ancien.doc", data=data).extension == "doc"
    assert is_winword2(data)
    assert not is_winword2(samples.doc_bytes())


def test_word_2_file_with_its_encryption_flag_is_refused_as_protected():
    data = bytearray(WORD2_FILE.read_bytes())
    data[0x0A + 1] |= 0x01  # fEncrypted, bit 8 of the FIB's flags

    assert_refused("ancien.doc", bytes(data), "encrypted", "mot de passe")


def test_word_2_file_is_converted(converter):
    assert IMPORT_FILTERS["doc2"] == "MS WinWord 5"

    assert check_pdf(convert_to_pdf(data=WORD2_FILE.read_bytes(), extension="doc")) >= 1
