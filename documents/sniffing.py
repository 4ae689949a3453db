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
import posixpath
import zipfile

import magic
import olefile
from lxml import etree

from . import pictures as images
from .problems import Problem

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
# The FIB's magic: Word 97 and later; Word 6/95; Word 6/95 of the East Asian editions (a Chinese
# Word 95 letter of Apache POI's suite, Bug51944.doc, has 0xA699; LibreOffice reads them all).
FIB_IDENTS = {0xA5EC, 0xA5DC, 0xA697, 0xA699}
# nFib, the FIB's version: 101 for Word 6, 104 for Word 95, 193 and up for Word 97 and later.
FIB_WORD97 = 193

# Word for Windows 2.0 wrote no compound file: its FIB opens the file itself, with this magic and version
# (nFib 45). LibreOffice reads it with its « MS WinWord 5 » filter (« Microsoft WinWord 1/2/5 »).
WINWORD2_IDENT, WINWORD2_FIB = 0xA5DB, 45

OOXML_ENCRYPTION_STREAMS = {"encryptioninfo", "encryptedpackage"}
DOC_ENCRYPTION_STREAMS = {"encryptioninfo", "encryption"}
DOC_MACRO_STORAGES = {"macros", "_vba_project_cur"}
MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
# The package relationship to the main part, in transitional and in strict OOXML.
OFFICE_DOCUMENT_RELATIONSHIPS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
}
# A word-processing main part: a document, or a template (which LibreOffice opens the same way).
WORD_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}


# No DTDs, no entities, no network: these parts come from strangers.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def sniff(extension: str, data: bytes) -> str:
    """The MIME type of `data`, once it is shown to be a genuine, readable `extension` file (lower case,
    one of CANONICAL_TYPES) with no password and no macros. PDF pages are not checked here.

    Raises `Problem` with code content_mismatch, corrupt, encrypted, macros, archive_too_large,
    archive_too_many_members or image_too_large (params megapixels and max).
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
    images.check_images(images.rtf_pictures(data))


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


def is_winword2(data: bytes) -> bool:
    """True for a Word for Windows 2.0 document (a FIB at the start of the file, no compound file)."""
    return (
        len(data) >= FIB_FLAGS_OFFSET + 2
        and int.from_bytes(data[0:2], "little") == WINWORD2_IDENT
        and int.from_bytes(data[2:4], "little") == WINWORD2_FIB
    )


def _check_doc(data: bytes) -> None:
    if is_winword2(data):
        # Its pictures are not counted here (they live in the text stream, in Word 2's own records); the
        # converter's memory cap bounds what one could cost.
        if int.from_bytes(data[FIB_FLAGS_OFFSET : FIB_FLAGS_OFFSET + 2], "little") & FIB_ENCRYPTED:
            raise Problem("encrypted")
        return
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
        # Pictures are kept in the Data stream (Word 97 and later), each as an image file whose header
        # is found by its signature.
        if "data" in entries:
            try:
                pictures = ole.openstream("Data").read(MAX_UNCOMPRESSED)
            except Exception as exc:
                raise Problem("corrupt") from exc
            images.check_images(images.embedded_pictures(pictures))


def is_word95(data: bytes) -> bool:
    """True for a Word 6 or Word 95 document (`data` already accepted by `sniff` as a DOC), which
    LibreOffice reads with its « MS Word 95 » filter, not the « MS Word 97 » one."""
    with _open_ole(data) as ole:
        try:
            fib = ole.openstream("WordDocument").read(4)
        except Exception as exc:
            raise Problem("corrupt") from exc
    return len(fib) == 4 and int.from_bytes(fib[2:4], "little") < FIB_WORD97


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
        if "[content_types].xml" not in names:
            raise Problem("content_mismatch")
        types = _parse_xml(_read_part(archive, names["[content_types].xml"]))
        content_types = {(element.get("ContentType") or "").lower() for element in types.iter()}
        # A .docm (or .dotm) renamed .docx still declares its macro-enabled main part or its VBA project.
        if any("macroenabled" in value or "vbaproject" in value for value in content_types) or any(
            name.endswith("vbaproject.bin") for name in names
        ):
            raise Problem("macros")
        main = _docx_main_part(archive, names)
        if main not in names or _part_content_type(types, main) not in WORD_MAIN_TYPES:
            raise Problem("content_mismatch")
        _verify_members(archive)
        images.check_images(_package_pictures(archive))


def _docx_main_part(archive: zipfile.ZipFile, names: dict[str, str]) -> str:
    """The lower-cased name of the package's main part, as its relationships (_rels/.rels) name it:
    Word writes it at word/document.xml, other programs elsewhere."""
    if "_rels/.rels" not in names:
        return "word/document.xml"
    relationships = _parse_xml(_read_part(archive, names["_rels/.rels"]))
    for relationship in relationships.iter(f"{{{RELATIONSHIPS_NS}}}Relationship"):
        external = relationship.get("TargetMode") == "External"
        if relationship.get("Type") in OFFICE_DOCUMENT_RELATIONSHIPS and not external:
            target = posixpath.normpath("/" + (relationship.get("Target") or "").lstrip("/"))
            return target.lstrip("/").lower()
    raise Problem("content_mismatch")


def _part_content_type(types: etree._Element, part: str) -> str:
    """The content type [Content_Types].xml gives `part` (lower-cased name): its override, else the
    default for its extension."""
    for override in types.iter(f"{{{CONTENT_TYPES_NS}}}Override"):
        if (override.get("PartName") or "").lstrip("/").lower() == part:
            return (override.get("ContentType") or "").lower()
    extension = part.rpartition(".")[2]
    for default in types.iter(f"{{{CONTENT_TYPES_NS}}}Default"):
        if (default.get("Extension") or "").lower() == extension:
            return (default.get("ContentType") or "").lower()
    return ""


def _check_odt(data: bytes) -> None:
    with _open_zip(data) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        # The ODF specification wants the `mimetype` member first and stored, so that a file's first
        # bytes tell its type; programs that write it elsewhere, or not at all, still make packages that
        # LibreOffice opens. What the document is, is said by `mimetype` where there is one and by the
        # manifest's entry for the package root ("/"); neither may say anything but a text document.
        manifest = (
            _parse_xml(_read_part(archive, "META-INF/manifest.xml"))
            if "META-INF/manifest.xml" in names
            else None
        )
        declared = [
            _read_part(archive, "mimetype").decode("ascii", "replace") if "mimetype" in names else None,
            *(
                entry.get(f"{{{MANIFEST_NS}}}media-type")
                for entry in (manifest.iter(f"{{{MANIFEST_NS}}}file-entry") if manifest is not None else ())
                if entry.get(f"{{{MANIFEST_NS}}}full-path") == "/"
            ),
        ]
        declared = [value for value in declared if value is not None]
        if not declared or any(value != ODT_TYPE for value in declared):
            raise Problem("content_mismatch")
        if manifest is None:
            raise Problem("corrupt")
        if "content.xml" not in names:
            raise Problem("corrupt")
        # Checked before the members are inflated: encrypted members are not valid deflate streams.
        if manifest.find(f".//{{{MANIFEST_NS}}}encryption-data") is not None:
            raise Problem("encrypted")
        if any(info.filename.lower().startswith(("basic/", "scripts/")) for info in infos):
            raise Problem("macros")
        _verify_members(archive)
        images.check_images(_package_pictures(archive))


def _package_pictures(archive: zipfile.ZipFile):
    """The members of a ZIP package that are not XML (its pictures, and anything else to try)."""
    for info in archive.infolist():
        name = info.filename.lower()
        if info.is_dir() or not info.file_size or name.endswith((".xml", ".rels", "mimetype", ".rdf")):
            continue
        try:
            with archive.open(info) as member:
                yield member.read()
        except Exception as exc:
            raise Problem("corrupt") from exc


_CHECKS = {
    "pdf": _check_pdf_header,
    "doc": _check_doc,
    "docx": _check_docx,
    "odt": _check_odt,
    "rtf": _check_rtf,
}
