"""What an uploaded file's bytes really are: structural checks of the accepted formats.

Pure functions over bytes, no Django. `sniff()` either returns the file's MIME type or raises `Problem`
with a stable code; `documents.validation` turns codes into the sentences users read. The structure is
checked by hand (OLE2 streams, ZIP members, magic prefixes) and libmagic gives a second opinion, so a
file must fool both to pass as something it is not.

Archives are inspected in memory only, from their central directory first: nothing is extracted to
disk, and no member is decompressed before the declared sizes have been found reasonable (zipfile never
inflates a member past its declared size, so those sizes are a hard bound).
"""

import io
import zipfile

import magic
import olefile
from lxml import etree

PDF_TYPE = "application/pdf"
DOC_TYPE = "application/msword"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
RTF_TYPE = "application/rtf"

CANONICAL_TYPES = {"pdf": PDF_TYPE, "doc": DOC_TYPE, "docx": DOCX_TYPE, "odt": ODT_TYPE, "rtf": RTF_TYPE}

# What libmagic may answer for a genuine file of each kind. Generic container answers are tolerated
# because libmagic versions differ (an OOXML file whose [Content_Types].xml is not the first member is
# just "application/zip" to some); the structural checks already proved the specific kind.
MAGIC_FAMILIES = {
    "pdf": {PDF_TYPE},
    "doc": {DOC_TYPE, "application/vnd.ms-office", "application/x-ole-storage", "application/cdfv2"},
    "docx": {DOCX_TYPE, "application/zip"},
    "odt": {ODT_TYPE, "application/zip"},
    "rtf": {"text/rtf", RTF_TYPE},
}
# libmagic's "I don't know": no reason to overrule a structure that checked out.
MAGIC_NO_OPINION = "application/octet-stream"

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

MAX_MEMBERS = 1_000
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_APPLIES_FROM = 1024 * 1024
# The small XML parts read to decide (content types, manifest) are a few kilobytes in real files.
MAX_METADATA_PART = 1024 * 1024

FIB_FLAGS_OFFSET = 0x0A
FIB_ENCRYPTED = 0x0100
FIB_IDENTS = {0xA5EC, 0xA5DC}  # Word 97 and later; Word 6/95

OOXML_ENCRYPTION_STREAMS = {"encryptioninfo", "encryptedpackage"}
DOC_ENCRYPTION_STREAMS = {"encryptioninfo", "encryption"}
DOC_MACRO_STORAGES = {"macros", "_vba_project_cur"}
MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

# No DTDs, no entities, no network: these parts come from strangers.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class Problem(Exception):
    """Why the content is refused: `code` is one of the refusal codes of `documents.validation`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def sniff(extension: str, data: bytes) -> str:
    """The MIME type of `data`, once it is shown to be a genuine, readable `extension` file (lower case,
    one of CANONICAL_TYPES) with no password and no macros. PDF pages are not checked here.

    Raises `Problem` with code content_mismatch, corrupt, encrypted, macros, archive_too_large or
    archive_too_many_members.
    """
    _CHECKS[extension](data)
    # Second opinion last: the checks above give the more precise reason (an encrypted or macro-laden
    # file is refused as such, not as a mismatch).
    try:
        detected = magic.from_buffer(data, mime=True).lower()
    except magic.MagicException:
        detected = MAGIC_NO_OPINION  # libmagic failing is no evidence against a sound structure
    if detected != MAGIC_NO_OPINION and detected not in MAGIC_FAMILIES[extension]:
        raise Problem("content_mismatch")
    return CANONICAL_TYPES[extension]


def _check_pdf_header(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise Problem("content_mismatch")


def _check_rtf(data: bytes) -> None:
    if not data.startswith(b"{\\rtf"):
        raise Problem("content_mismatch")


# --- OLE2 compound files (DOC, and password-protected OOXML) ----------------------------------------


def _open_ole(data: bytes) -> olefile.OleFileIO:
    # Always a BytesIO: given short bytes, olefile would take them for a file name and open that path.
    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises anything from OSError to IndexError on hostile input
        raise Problem("corrupt") from exc


def _root_entries(ole: olefile.OleFileIO) -> set[str]:
    """Lower-cased names of the root's streams and storages (compound file names ignore case)."""
    return {path[0].lower() for path in ole.listdir(streams=True, storages=True)}


def _check_doc(data: bytes) -> None:
    if not data.startswith(OLE_SIGNATURE):
        raise Problem("content_mismatch")
    with _open_ole(data) as ole:
        entries = _root_entries(ole)
        # Encryption first: a password-protected .docx renamed .doc has no WordDocument either, and
        # « protégé par un mot de passe » tells the user what to do.
        if entries & (DOC_ENCRYPTION_STREAMS | OOXML_ENCRYPTION_STREAMS):
            raise Problem("encrypted")
        if "worddocument" not in entries:
            raise Problem("content_mismatch")
        try:
            fib = ole.openstream("WordDocument").read(FIB_FLAGS_OFFSET + 2)
        except Exception as exc:
            raise Problem("corrupt") from exc
        if len(fib) < FIB_FLAGS_OFFSET + 2 or int.from_bytes(fib[0:2], "little") not in FIB_IDENTS:
            raise Problem("corrupt")
        if int.from_bytes(fib[FIB_FLAGS_OFFSET : FIB_FLAGS_OFFSET + 2], "little") & FIB_ENCRYPTED:
            raise Problem("encrypted")
        if entries & DOC_MACRO_STORAGES:
            raise Problem("macros")


# --- ZIP packages (DOCX, ODT) -----------------------------------------------------------------------


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """The archive, once its declared layout is found safe to read."""
    # A ZIP must start with a local header: zipfile alone would also accept an executable with an
    # archive appended (a self-extractor).
    if not data.startswith(ZIP_SIGNATURE):
        raise Problem("content_mismatch")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # BadZipFile, but also struct, EOF and overlap errors on crafted files
        raise Problem("corrupt") from exc
    if len(infos) > MAX_MEMBERS:
        raise Problem("archive_too_many_members")
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
        raise Problem("archive_too_large")
    for info in infos:
        if info.file_size > RATIO_APPLIES_FROM and info.file_size > MAX_RATIO * info.compress_size:
            raise Problem("archive_too_large")
    if any(info.flag_bits & 0x1 for info in infos):
        raise Problem("encrypted")  # ZIP-level (« traditional ») encryption of a member
    if any(info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for info in infos):
        raise Problem("corrupt")  # word processors write no other method; LibreOffice reads no other
    return archive


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_METADATA_PART:
        raise Problem("archive_too_large")
    try:
        with archive.open(info) as member:
            return member.read(MAX_METADATA_PART + 1)
    except Exception as exc:
        raise Problem("corrupt") from exc


def _parse_xml(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise Problem("corrupt") from exc


def _verify_members(archive: zipfile.ZipFile) -> None:
    """Inflates every member in 64 KB chunks, discarding them: zipfile checks each CRC at the end."""
    try:
        for info in archive.infolist():
            with archive.open(info) as member:
                while member.read(65536):
                    pass
    except Exception as exc:
        raise Problem("corrupt") from exc


def _check_docx(data: bytes) -> None:
    if data.startswith(OLE_SIGNATURE):
        # A password-protected .docx is no ZIP at all but an OLE2 box around the encrypted package.
        with _open_ole(data) as ole:
            if _root_entries(ole) & OOXML_ENCRYPTION_STREAMS:
                raise Problem("encrypted")
        raise Problem("content_mismatch")
    with _open_zip(data) as archive:
        # Part names of an OPC package ignore case.
        names = {info.filename.lower(): info.filename for info in archive.infolist()}
        if "[content_types].xml" not in names or "word/document.xml" not in names:
            raise Problem("content_mismatch")
        types = _parse_xml(_read_part(archive, names["[content_types].xml"]))
        content_types = {(element.get("ContentType") or "").lower() for element in types.iter()}
        # A .docm (or .dotm) renamed .docx still declares its macro-enabled main part or its VBA project.
        if any("macroenabled" in value or "vbaproject" in value for value in content_types) or any(
            name.endswith("vbaproject.bin") for name in names
        ):
            raise Problem("macros")
        _verify_members(archive)


def _check_odt(data: bytes) -> None:
    with _open_zip(data) as archive:
        infos = archive.infolist()
        if not infos or infos[0].filename != "mimetype":
            raise Problem("content_mismatch")
        if _read_part(archive, "mimetype") != ODT_TYPE.encode():
            raise Problem("content_mismatch")
        try:
            manifest = _parse_xml(_read_part(archive, "META-INF/manifest.xml"))
        except KeyError as exc:
            raise Problem("corrupt") from exc
        # Checked before the members are inflated: encrypted members are not valid deflate streams.
        if manifest.find(f".//{{{MANIFEST_NS}}}encryption-data") is not None:
            raise Problem("encrypted")
        if any(info.filename.lower().startswith(("basic/", "scripts/")) for info in infos):
            raise Problem("macros")
        _verify_members(archive)


_CHECKS = {
    "pdf": _check_pdf_header,
    "doc": _check_doc,
    "docx": _check_docx,
    "odt": _check_odt,
    "rtf": _check_rtf,
}
