"""The upload rules: what a worker may attach, and the reason shown when a file is refused."""

import hashlib
import io
import zipfile

import pytest
from django.utils import translation

from documents.validation import (
    ALLOWED_EXTENSIONS,
    MAX_NAME_LENGTH,
    MAX_SIZE,
    FileRefused,
    ValidatedFile,
    check_pdf,
    validate_upload,
)
from tests import samples

SAMPLES = {
    "pdf": samples.pdf_bytes,
    "doc": samples.doc_bytes,
    "docx": samples.docx_bytes,
    "odt": samples.odt_bytes,
    "rtf": samples.rtf_bytes,
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
}


def refusal(name: str, data: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        validate_upload(name=name, data=data)
    return caught.value


def assert_refused(name: str, data: bytes, code: str, french: str) -> FileRefused:
    """Refused with `code`, the French sentence shown, and still a sentence under another language."""
    exc = refusal(name, data)
    assert exc.code == code
    with translation.override("fr"):
        assert french in str(exc.message)
        assert str(exc) == str(exc.message)
    with translation.override("nl"):
        shown = str(exc.message)
        assert isinstance(shown, str) and shown and "%(" not in shown
    return exc


def rezip(data: bytes, *, replace: dict | None = None, add: dict | None = None, remove: tuple = ()) -> bytes:
    """A copy of a ZIP with some members replaced, some removed and others appended."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            if info.filename not in remove:
                archive.writestr(info, replace.get(info.filename, source.read(info)))
        for name, content in add.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# --- Accepted files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ALLOWED_EXTENSIONS)
@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_each_accepted_format_is_accepted_whatever_the_case_of_its_extension(extension, case):
    data = SAMPLES[extension]()
    name = f"Rapport social.{case(extension)}"

    validated = validate_upload(name=name, data=data)

    assert validated == ValidatedFile(
        name=name,
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=1 if extension == "pdf" else None,
    )


def test_sha256_is_the_digest_of_the_content():
    validated = validate_upload(name="decision.pdf", data=samples.pdf_bytes(text="Décision"))

    assert validated.sha256 == hashlib.sha256(samples.pdf_bytes(text="Décision")).hexdigest()
    assert validated.sha256 != validate_upload(name="x.pdf", data=samples.pdf_bytes(text="Autre")).sha256


@pytest.mark.parametrize("pages", [1, 2, 7])
def test_pages_of_a_pdf_are_counted(pages):
    assert validate_upload(name="rapport.pdf", data=samples.pdf_bytes(pages=pages)).pages == pages
    assert check_pdf(samples.pdf_bytes(pages=pages)) == pages


def test_the_name_is_kept_as_the_user_gave_it():
    name = "Décision du CAS — n° 12 (copie).PDF"
    assert validate_upload(name=name, data=samples.pdf_bytes()).name == name


# --- Name -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", ".pdf"])
def test_empty_name_is_refused(name):
    assert_refused(name, samples.pdf_bytes(), "name_empty", "Le nom du fichier est vide.")


def test_name_of_exactly_80_characters_is_accepted():
    name = "r" * (MAX_NAME_LENGTH - 4) + ".pdf"
    assert len(name) == 80
    assert validate_upload(name=name, data=samples.pdf_bytes()).name == name


def test_name_of_81_characters_is_refused():
    name = "r" * (MAX_NAME_LENGTH - 3) + ".pdf"
    assert len(name) == 81
    assert_refused(
        name, samples.pdf_bytes(), "name_too_long", "Le nom du fichier ne peut dépasser 80 caractères"
    )


@pytest.mark.parametrize(
    "name",
    [
        "../rapport.pdf",
        "dossier/rapport.pdf",
        "/etc/rapport.pdf",
        "dossier\\rapport.pdf",
        "..\\..\\rapport.pdf",
        "C:\\Users\\as\\rapport.pdf",
        "C:rapport.pdf",
        "..",
    ],
)
def test_name_with_path_parts_is_refused(name):
    assert_refused(name, samples.pdf_bytes(), "name_has_path", "ne peut pas contenir de chemin")


def test_double_dot_inside_a_name_is_not_a_path():
    assert validate_upload(name="rapport..pdf", data=samples.pdf_bytes()).extension == "pdf"


@pytest.mark.parametrize(
    "char",
    ["\x00", "\n", "\r", "\t", "\x1b", "\x7f", "\x85", "\u202a", "\u202e", "\u2066", "\u2069", "\ud800"],
)
def test_name_with_control_characters_is_refused(char):
    assert_refused(
        f"rapport{char}fdp.pdf",
        samples.pdf_bytes(),
        "name_has_control_characters",
        "caractères invisibles ou de contrôle",
    )


@pytest.mark.parametrize("name", ["rapport", "rapport."])
def test_name_without_extension_is_refused(name):
    assert_refused(name, samples.pdf_bytes(), "extension_missing", "n'a pas d'extension")


@pytest.mark.parametrize("extension", ["png", "exe", "docm", "txt", "PDF ", "pdf.exe"])
def test_other_extensions_are_refused(extension):
    exc = assert_refused(
        f"rapport.{extension}", samples.pdf_bytes(), "extension_not_allowed", "ne sont pas acceptés"
    )
    with translation.override("fr"):
        assert f".{extension.rpartition('.')[2]} " in str(exc)


# --- Size -------------------------------------------------------------------------------------------


def test_empty_file_is_refused():
    assert_refused("rapport.pdf", b"", "empty", "Le fichier est vide.")


@pytest.mark.parametrize("extension, make", [("pdf", samples.pdf_bytes), ("docx", samples.docx_bytes)])
def test_file_of_exactly_the_maximum_size_is_accepted(extension, make):
    data = make(size=MAX_SIZE)
    assert len(data) == 1_572_864
    assert validate_upload(name=f"rapport.{extension}", data=data).size == 1_572_864


@pytest.mark.parametrize("extension, make", [("pdf", samples.pdf_bytes), ("docx", samples.docx_bytes)])
def test_file_one_byte_over_the_maximum_size_is_refused(extension, make):
    assert_refused(
        f"rapport.{extension}", make(size=MAX_SIZE + 1), "too_large", "dépasse la taille maximale de 1,5 Mo"
    )


# --- Content ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [
        ("docx-renamed.pdf", samples.docx_bytes()),
        ("image.docx", samples.png_bytes()),
        ("image.odt", samples.png_bytes()),
        ("programme.doc", samples.exe_bytes()),
        ("programme.rtf", samples.exe_bytes()),
        ("odt-renamed.docx", samples.odt_bytes()),
        ("docx-renamed.odt", samples.docx_bytes()),
        ("docx-renamed.doc", samples.docx_bytes()),
        ("doc-renamed.docx", samples.doc_bytes()),
        ("pdf-renamed.rtf", samples.pdf_bytes()),
        ("rtf-renamed.pdf", samples.rtf_bytes()),
        ("classeur.doc", samples.ole_without_word_bytes()),
        ("texte.rtf", b"Bonjour, ceci n'est que du texte.\n"),
        # An executable with a document appended: zipfile alone would open it (a self-extractor).
        ("auto-extractible.docx", samples.exe_bytes() + samples.docx_bytes()),
        # The structure says Word, libmagic says PowerPoint: both must agree.
        ("presentation.doc", samples.doc_with_extra_streams_bytes(**{"PowerPoint Document": bytes(600)})),
        # libmagic finds a PDF anywhere near the start; the rule wants it at the very first byte.
        ("debut-decale.pdf", b"\n" + samples.pdf_bytes()),
        # libmagic reads only a prefix of the ODT mimetype; the rule wants it exact.
        ("mimetype-approche.odt", rezip(samples.odt_bytes(), replace={"mimetype": ODT_MIMETYPE + b"\n"})),
        ("mimetype-zip.odt", rezip(samples.odt_bytes(), replace={"mimetype": b"text/plain"})),
        # A ZIP with the right parts but a template's mimetype is not a text document.
        (
            "modele.odt",
            rezip(
                samples.odt_bytes(), replace={"mimetype": b"application/vnd.oasis.opendocument.text-template"}
            ),
        ),
    ],
)
def test_content_not_matching_its_extension_is_refused(name, data):
    exc = assert_refused(
        name, data, "content_mismatch", "Le contenu du fichier ne correspond pas à son extension"
    )
    with translation.override("fr"):
        assert str(exc).endswith(f"(.{name.rpartition('.')[2]}).")


@pytest.mark.parametrize(
    "name, data",
    [
        ("rtf-renamed.pdf", samples.rtf_bytes()),
        ("pdf-renamed.rtf", samples.pdf_bytes()),
        (
            "modele.odt",
            rezip(
                samples.odt_bytes(), replace={"mimetype": b"application/vnd.oasis.opendocument.text-template"}
            ),
        ),
        ("classeur.doc", samples.ole_without_word_bytes()),
        ("odt-renamed.docx", samples.odt_bytes()),
    ],
)
def test_structure_is_checked_even_when_libmagic_has_no_opinion(monkeypatch, name, data):
    monkeypatch.setattr("magic.from_buffer", lambda data, mime: "application/octet-stream")

    assert refusal(name, data).code == "content_mismatch"


@pytest.mark.parametrize("extension", ALLOWED_EXTENSIONS)
def test_genuine_file_is_accepted_when_libmagic_has_no_opinion(monkeypatch, extension):
    monkeypatch.setattr("magic.from_buffer", lambda data, mime: "application/octet-stream")

    assert validate_upload(name=f"rapport.{extension}", data=SAMPLES[extension]()).extension == extension


def test_odt_whose_mimetype_is_not_the_first_member_is_accepted():
    # Against the specification's advice, yet a valid package that LibreOffice opens: the manifest and
    # the mimetype member, wherever it is, say it is a text document.
    data = samples.odt_with_image_bytes(mimetype_first=False)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].filename != "mimetype"

    assert validate_upload(name="rapport.odt", data=data).content_type == CONTENT_TYPES["odt"]


def test_odt_without_mimetype_member_is_recognised_by_its_manifest():
    assert (
        validate_upload(name="rapport.odt", data=rezip(samples.odt_bytes(), remove=("mimetype",))).extension
        == "odt"
    )


def test_odt_whose_manifest_says_another_kind_is_refused():
    data = rezip(samples.odt_bytes(), remove=("mimetype",))
    manifest = zipfile.ZipFile(io.BytesIO(data)).read("META-INF/manifest.xml")
    spreadsheet = manifest.replace(ODT_MIMETYPE, b"application/vnd.oasis.opendocument.spreadsheet")

    assert_refused(
        "rapport.odt",
        rezip(data, replace={"META-INF/manifest.xml": spreadsheet}),
        "content_mismatch",
        "ne correspond pas",
    )


def _with_zip_encryption_flag(data: bytes) -> bytes:
    """The same ZIP with the « encrypted » flag raised on every member, local and central headers."""
    patched = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = patched.find(signature)
        while position != -1:
            patched[position + flag_at] |= 0x01
            position = patched.find(signature, position + 4)
    return bytes(patched)


@pytest.mark.parametrize(
    "name, data",
    [
        ("protege.pdf", samples.encrypted_pdf_bytes()),
        ("protege.docx", samples.encrypted_docx_bytes()),
        ("protege-renomme.doc", samples.encrypted_docx_bytes()),
        ("protege.doc", samples.encrypted_doc_bytes()),
        ("protege-stream.doc", samples.doc_with_extra_streams_bytes(EncryptionInfo=bytes(200))),
        ("protege-encryption.doc", samples.doc_with_extra_streams_bytes(encryption=bytes(200))),
        ("protege.odt", samples.encrypted_odt_bytes()),
        ("zip-chiffre.docx", _with_zip_encryption_flag(samples.docx_bytes())),
    ],
)
def test_password_protected_files_are_refused(name, data):
    assert_refused(name, data, "encrypted", "Le fichier est protégé par un mot de passe ou chiffré.")


def test_encrypted_pdf_sample_really_needs_its_password():
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(samples.encrypted_pdf_bytes()))
    assert reader.decrypt("secret")
    assert "Décision" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    "name, data",
    [
        ("docm-renomme.docx", samples.docm_renamed_bytes()),
        ("vba-seul.docx", rezip(samples.docx_bytes(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
        (
            "type-macro-seul.docx",
            rezip(
                samples.docx_bytes(),
                replace={
                    "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(samples.docm_renamed_bytes())).read(
                        "[Content_Types].xml"
                    )
                },
            ),
        ),
        ("basic.odt", samples.odt_with_macro_bytes()),
        ("scripts.odt", rezip(samples.odt_bytes(), add={"Scripts/python/macro.py": b"import os\n"})),
        ("macros.doc", samples.doc_with_macro_bytes()),
        ("vba-cur.doc", samples.doc_with_extra_streams_bytes(**{"_VBA_PROJECT_CUR/VBA/dir": bytes(64)})),
    ],
)
def test_documents_with_macros_are_refused(name, data):
    assert_refused(name, data, "macros", "Les documents contenant des macros ne sont pas acceptés.")


@pytest.mark.parametrize(
    "name, data",
    [
        ("bombe.docx", samples.zip_bomb_docx_bytes()),
        ("ratio.docx", samples.high_ratio_docx_bytes()),
        ("bombe.odt", rezip(samples.odt_bytes(), add={"Pictures/zeros.bin": bytes(51 * 1024 * 1024)})),
    ],
)
def test_archives_expanding_absurdly_are_refused(name, data):
    assert_refused(name, data, "archive_too_large", "anormale une fois décompressé")


def test_archive_of_many_small_members_expanding_past_50_mb_is_refused():
    # Each member is 1 MB, too small for the ratio rule; together they weigh 51 MB.
    members = {f"word/media/zeros{n}.bin": bytes(1024 * 1024) for n in range(51)}
    data = rezip(samples.docx_bytes(), add=members)
    assert len(data) < MAX_SIZE

    assert_refused("bombe-eparpillee.docx", data, "archive_too_large", "anormale une fois décompressé")


def test_oversized_package_metadata_is_refused():
    # Stored, so no ratio rule applies: a [Content_Types].xml of 1.1 MB is still no honest document's.
    source = zipfile.ZipFile(io.BytesIO(samples.docx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data += b" " * (1100 * 1024)
            archive.writestr(info.filename, data, compress_type=zipfile.ZIP_STORED)

    assert refusal("gros-types.docx", buffer.getvalue()).code == "archive_too_large"


def test_zip_bomb_is_refused_without_inflating_any_member(monkeypatch):
    bomb = samples.zip_bomb_docx_bytes()

    def no_reading(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)

    assert refusal("bombe.docx", bomb).code == "archive_too_large"


def test_zip_bomb_sample_is_small_on_disk_and_huge_inflated():
    data = samples.zip_bomb_docx_bytes()
    assert len(data) < MAX_SIZE
    assert sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 50 * 1024 * 1024


def test_archive_with_more_than_1000_members_is_refused():
    assert_refused(
        "morceaux.docx",
        samples.many_members_docx_bytes(count=998),
        "archive_too_many_members",
        "nombre anormal d'éléments internes",
    )


def test_archive_with_1000_members_is_accepted():
    data = samples.many_members_docx_bytes(count=997)
    assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) == 1000
    assert validate_upload(name="morceaux.docx", data=data).extension == "docx"


def _recompressed(data: bytes, method: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
    return buffer.getvalue()


def _with_corrupted_member(data: bytes, name: str) -> bytes:
    """Flips a byte inside the compressed data of one member: the archive still lists, the CRC fails."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    patched = bytearray(data)
    patched[start + info.compress_size // 2] ^= 0xFF
    return bytes(patched)


@pytest.mark.parametrize(
    "name, data",
    [
        ("tronque.docx", samples.docx_bytes()[:400]),
        ("tronque.odt", samples.odt_bytes()[:300]),
        ("tronque.doc", samples.doc_bytes()[:3000]),
        ("tronque.pdf", samples.pdf_bytes()[:300]),
        ("charabia.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4),
        ("charabia.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)),
        ("crc.docx", _with_corrupted_member(samples.docx_bytes(), "word/document.xml")),
        ("crc.odt", _with_corrupted_member(samples.odt_bytes(), "content.xml")),
        (
            "manifeste-illisible.odt",
            rezip(samples.odt_bytes(), replace={"META-INF/manifest.xml": b"<pas du xml"}),
        ),
        ("sans-manifeste.odt", rezip(samples.odt_bytes(), remove=("META-INF/manifest.xml",))),
        ("fib.doc", samples.compound_file_bytes({"WordDocument": bytes(5000)})),
        # Word processors write only stored or deflated members; LibreOffice reads no other method.
        ("bzip2.docx", _recompressed(samples.docx_bytes(), zipfile.ZIP_BZIP2)),
    ],
)
def test_damaged_files_are_refused(name, data):
    assert_refused(name, data, "corrupt", "Le fichier est endommagé ou illisible.")


def test_pdf_without_pages_is_refused():
    assert_refused("vide.pdf", samples.pdf_bytes(pages=0), "pdf_no_pages", "Le PDF ne contient aucune page.")


# --- check_pdf on its own ---------------------------------------------------------------------------


def test_check_pdf_refuses_an_encrypted_pdf():
    with pytest.raises(FileRefused) as caught:
        check_pdf(samples.encrypted_pdf_bytes())
    assert caught.value.code == "encrypted"


def test_check_pdf_refuses_what_pypdf_cannot_read():
    with pytest.raises(FileRefused) as caught:
        check_pdf(samples.docx_bytes())
    assert caught.value.code == "corrupt"


def test_check_pdf_counts_the_pages_of_the_tree_not_the_declared_count():
    assert check_pdf(samples.pdf_bytes(pages=2).replace(b"/Count 2", b"/Count 9")) == 2


# --- Messages ---------------------------------------------------------------------------------------


def test_message_is_translated_when_shown_not_when_raised(monkeypatch):
    # Dutch catalogues come later: a stand-in catalogue tags each sentence with the language it was
    # translated into, so the test sees when the translation happens.
    monkeypatch.setattr(
        translation._trans, "gettext", lambda message: f"[{translation.get_language()}] {message}"
    )
    with translation.override("nl"):
        exc = refusal("r" * 90 + ".pdf", samples.pdf_bytes())
    with translation.override("fr"):
        assert str(exc.message) == "[fr] Le nom du fichier ne peut dépasser 80 caractères (il en compte 94)."
    with translation.override("nl"):
        assert str(exc) == "[nl] Le nom du fichier ne peut dépasser 80 caractères (il en compte 94)."
