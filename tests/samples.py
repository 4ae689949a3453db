"""Sample files for tests and benchmarks: deterministic bytes, built in memory.

Every function returns the same bytes on every call (fixed ZIP timestamps, no random ids), so a test
can compare digests; only the encrypted PDF, made by pypdf, carries a random file id. The well-formed
samples open in LibreOffice (DOC, DOCX, RTF, ODT) and pypdf (PDF); the hostile ones are built to trip
one upload rule each.

What is too intricate to write by hand was written once by LibreOffice 7.4 and is kept in
`sample_files/`: `sample.doc` (Word 97, converted from `docx_bytes(paragraphs=3)`), and the same
document saved with the password « secret » as `encrypted.doc`, `encrypted.docx` (through UNO's
`storeToURL` with `EncryptionData` = {CryptoType: StrongEncryptionDataSpace, OOXPassword}) and
`encrypted.odt`.
"""

import io
import struct
import zipfile
import zlib
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfWriter

SAMPLE_FILES = Path(__file__).resolve().parent / "sample_files"
DEFAULT_TEXT = "Décision du Conseil de l'action sociale."

# A fixed timestamp keeps the archives byte-for-byte reproducible.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def _zip(members: list[tuple[str, bytes, int]]) -> bytes:
    """A ZIP of (name, data, compression) members, in that order, with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, compression in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


# --- DOCX -------------------------------------------------------------------------------------------

_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)


def _content_types(main_type: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{extra}"
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()


def _document_xml(text: str, paragraphs: int) -> bytes:
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>' for _ in range(paragraphs)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode()


def docx_bytes(text: str = DEFAULT_TEXT, paragraphs: int = 1, size: int | None = None) -> bytes:
    """A minimal valid DOCX with `paragraphs` paragraphs of `text`.

    With `size`, a stored (uncompressed) `customXml/padding.bin` member of zero bytes makes the file
    exactly `size` bytes long, so a test can reach a size limit with a legitimate document.
    """
    members = [
        ("[Content_Types].xml", _content_types(DOCX_CONTENT_TYPE), zipfile.ZIP_DEFLATED),
        ("_rels/.rels", _RELS, zipfile.ZIP_DEFLATED),
        ("word/document.xml", _document_xml(text, paragraphs), zipfile.ZIP_DEFLATED),
    ]
    if size is None:
        return _zip(members)
    # ZIP headers have fixed widths: the padding member costs the same whatever its length.
    padding = size - len(_zip([*members, ("customXml/padding.bin", b"", zipfile.ZIP_STORED)]))
    if padding < 0:
        raise ValueError(f"a DOCX of this text cannot be as small as {size} bytes")
    return _zip([*members, ("customXml/padding.bin", bytes(padding), zipfile.ZIP_STORED)])


def docm_renamed_bytes() -> bytes:
    """A macro-enabled Word document (.docm) as it looks once renamed .docx: a VBA project inside."""
    extra = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    return _zip(
        [
            ("[Content_Types].xml", _content_types(DOCM_CONTENT_TYPE, extra), zipfile.ZIP_DEFLATED),
            ("_rels/.rels", _RELS, zipfile.ZIP_DEFLATED),
            ("word/document.xml", _document_xml(DEFAULT_TEXT, 1), zipfile.ZIP_DEFLATED),
            (
                "word/vbaProject.bin",
                compound_file_bytes({"VBA/dir": b"\x01" * 64, "PROJECT": b'ID="{0}"'}),
                8,
            ),
        ]
    )


@cache
def zip_bomb_docx_bytes() -> bytes:
    """A DOCX whose one extra member inflates 60 MB of zeros from about 60 KB: a zip bomb, cached."""
    members = [
        ("[Content_Types].xml", _content_types(DOCX_CONTENT_TYPE), zipfile.ZIP_DEFLATED),
        ("_rels/.rels", _RELS, zipfile.ZIP_DEFLATED),
        ("word/document.xml", _document_xml(DEFAULT_TEXT, 1), zipfile.ZIP_DEFLATED),
    ]
    buffer = io.BytesIO(_zip(members))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        info = zipfile.ZipInfo("word/media/zeros.bin", date_time=_ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        # Streamed in 1 MB chunks so building the bomb never holds 60 MB in memory.
        with archive.open(info, "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(60):
                member.write(chunk)
    return buffer.getvalue()


def many_members_docx_bytes(count: int = 1001) -> bytes:
    """A DOCX with `count` tiny extra members: harmless alone, too many to inspect safely."""
    members = [
        ("[Content_Types].xml", _content_types(DOCX_CONTENT_TYPE), zipfile.ZIP_DEFLATED),
        ("_rels/.rels", _RELS, zipfile.ZIP_DEFLATED),
        ("word/document.xml", _document_xml(DEFAULT_TEXT, 1), zipfile.ZIP_DEFLATED),
    ]
    members += [(f"customXml/item{n}.xml", b"<a/>", zipfile.ZIP_STORED) for n in range(count)]
    return _zip(members)


def high_ratio_docx_bytes() -> bytes:
    """A DOCX with a 2 MB member that deflates over a hundredfold: small in total, suspicious alone."""
    return _zip(
        [
            ("[Content_Types].xml", _content_types(DOCX_CONTENT_TYPE), zipfile.ZIP_DEFLATED),
            ("_rels/.rels", _RELS, zipfile.ZIP_DEFLATED),
            ("word/document.xml", _document_xml(DEFAULT_TEXT, 1), zipfile.ZIP_DEFLATED),
            ("word/media/blank.bin", bytes(2 * 1024 * 1024), zipfile.ZIP_DEFLATED),
        ]
    )


# --- ODT --------------------------------------------------------------------------------------------

_OFFICE_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"'
)


def _manifest(entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT_MIMETYPE}"/>'
        f"{entries}</manifest:manifest>"
    ).encode()


def _content_xml(text: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<office:document-content {_OFFICE_NS}><office:body><office:text>"
        f"<text:p>{escape(text)}</text:p>"
        "</office:text></office:body></office:document-content>"
    ).encode()


_CONTENT_ENTRY = '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'


def odt_bytes(text: str = DEFAULT_TEXT) -> bytes:
    """A minimal valid ODT: `mimetype` first and stored, then the manifest and the content."""
    return _zip(
        [
            ("mimetype", ODT_MIMETYPE.encode(), zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", _manifest(_CONTENT_ENTRY), zipfile.ZIP_DEFLATED),
            ("content.xml", _content_xml(text), zipfile.ZIP_DEFLATED),
        ]
    )


def odt_with_link_bytes(href: str, text: str = "Ouvrir") -> bytes:
    """An ODT whose only paragraph is a hyperlink to `href` (a web address, or a file of the reader's)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {_OFFICE_NS} xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<office:body><office:text><text:p><text:a xlink:type="simple" '
        f'xlink:href="{escape(href, {chr(34): "&quot;"})}">{escape(text)}</text:a></text:p>'
        "</office:text></office:body></office:document-content>"
    ).encode()
    return _zip(
        [
            ("mimetype", ODT_MIMETYPE.encode(), zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", _manifest(_CONTENT_ENTRY), zipfile.ZIP_DEFLATED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
        ]
    )


def encrypted_odt_bytes() -> bytes:
    """An ODT saved by LibreOffice with the password « secret »: its manifest carries encryption data."""
    return (SAMPLE_FILES / "encrypted.odt").read_bytes()


def odt_with_macro_bytes() -> bytes:
    """An ODT carrying a LibreOffice Basic library (`Basic/Standard/Module1.xml`)."""
    module = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
        b'script:language="StarBasic">Sub Main\nShell("calc")\nEnd Sub</script:module>'
    )
    entries = (
        _CONTENT_ENTRY + '<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" '
        'manifest:media-type="text/xml"/>'
    )
    return _zip(
        [
            ("mimetype", ODT_MIMETYPE.encode(), zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", _manifest(entries), zipfile.ZIP_DEFLATED),
            ("content.xml", _content_xml(DEFAULT_TEXT), zipfile.ZIP_DEFLATED),
            ("Basic/Standard/Module1.xml", module, zipfile.ZIP_DEFLATED),
        ]
    )


# --- RTF --------------------------------------------------------------------------------------------


def rtf_bytes(text: str = DEFAULT_TEXT) -> bytes:
    """A minimal RTF document; characters beyond ASCII are written as `\\uN?` escapes."""
    escaped = []
    for char in text:
        if char in "\\{}":
            escaped.append("\\" + char)
        elif ord(char) < 128:
            escaped.append(char)
        else:
            code = ord(char)
            escaped.append(f"\\u{code - 65536 if code > 32767 else code}?")
    body = "".join(escaped)
    return (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Helvetica;}}\f0\fs24 " + body + r"\par}"
    ).encode("ascii")


# --- PDF --------------------------------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(pages: int = 1, text: str = DEFAULT_TEXT, size: int | None = None) -> bytes:
    """A valid PDF 1.4 of `pages` A4 pages, each showing `text` in Helvetica, written by hand.

    With `size`, a comment after the header makes the file exactly `size` bytes long, so a test can
    reach a size limit with a document any reader still opens.
    """
    objects = _pdf_objects(pages, text, info=True)
    data = _write_pdf(objects)
    if size is None:
        return data
    padding = 0
    # The startxref offset grows by a digit now and then as the padding grows: converge on the size.
    while len(data) != size:
        padding += size - len(data)
        if padding < 0:
            raise ValueError(f"a PDF of {pages} page(s) cannot be as small as {size} bytes")
        data = _write_pdf(objects, padding=padding)
    return data


def encrypted_pdf_bytes(password: str = "secret") -> bytes:  # noqa: S107 - a sample's known password
    """A one-page PDF encrypted with the user password `password`, by pypdf (RC4 40-bit, the oldest
    standard security handler, which every reader still opens)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt(user_password=password, algorithm="RC4-40")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_objects(pages: int, text: str, *, info: bool) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number → (dictionary, stream data or None)."""
    if pages < 0:
        raise ValueError("pages must be >= 0")
    page_ids = [5 + 2 * n for n in range(pages)]
    objects: dict[int, tuple[bytes, bytes | None]] = {
        1: (b"<< /Type /Catalog /Pages 2 0 R >>", None),
        2: (
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join(b"%d 0 R" % pid for pid in page_ids), pages),
            None,
        ),
        3: (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", None),
        4: (b"<< /Title (Primaweb sample) /Producer (Primaweb) >>" if info else b"<< >>", None),
    }
    for number, page_id in enumerate(page_ids, start=1):
        stream = b"BT /F1 12 Tf 72 770 Td %s Tj 0 -20 Td (Page %d) Tj ET" % (_pdf_string(text), number)
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1),
            None,
        )
        objects[page_id + 1] = (b"<< /Length %d >>" % len(stream), stream)
    return objects


def _write_pdf(
    objects: dict[int, tuple[bytes, bytes | None]], *, padding: int = 0, trailer: bytes = b""
) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if padding == 1:
        out += b"\n"
    elif padding > 1:
        out += b"%" + b"0" * (padding - 2) + b"\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        dictionary, stream = objects[number]
        body = dictionary if stream is None else b"%s\nstream\n%s\nendstream" % (dictionary, stream)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        trailer,
        xref_at,
    )
    return bytes(out)


# --- DOC and other OLE2 compound files -----------------------------------------------------------


def doc_bytes() -> bytes:
    """A real Word 97-2003 document, written once by LibreOffice from `docx_bytes()`."""
    return (SAMPLE_FILES / "sample.doc").read_bytes()


def encrypted_docx_bytes() -> bytes:
    """A .docx LibreOffice saved with the password « secret », as Word also writes it: an OLE2 compound
    file holding `EncryptionInfo` and `EncryptedPackage` streams (ECMA-376 agile encryption), not a ZIP."""
    return (SAMPLE_FILES / "encrypted.docx").read_bytes()


def encrypted_doc_bytes() -> bytes:
    """A Word 97 document LibreOffice saved with the password « secret » (the FIB's fEncrypted flag)."""
    return (SAMPLE_FILES / "encrypted.doc").read_bytes()


def _ole_streams(data: bytes) -> dict[str, bytes]:
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}


def doc_with_macro_bytes() -> bytes:
    """`doc_bytes()` plus a `Macros` storage holding a VBA project, as Word writes a document with macros."""
    streams = _ole_streams(doc_bytes())
    streams["Macros/VBA/dir"] = b"\x01" * 64
    streams["Macros/PROJECT"] = b'ID="{00000000-0000-0000-0000-000000000000}"\r\nModule=Module1\r\n'
    return compound_file_bytes(streams)


def doc_with_extra_streams_bytes(**streams: bytes) -> bytes:
    """`doc_bytes()` with more streams added, e.g. `EncryptionInfo=b"..."`."""
    return compound_file_bytes(_ole_streams(doc_bytes()) | streams)


def ole_without_word_bytes() -> bytes:
    """An OLE2 compound file with no `WordDocument` stream (an Excel-like workbook): not a .doc."""
    return compound_file_bytes({"Workbook": b"\x09\x08" + bytes(510)})


_SECTOR = 512
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_MINI_CUTOFF = 4096


def compound_file_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (version 3, 512-byte sectors) holding `streams`, keyed "storage/name".

    Written by hand because olefile only reads (it can rewrite a stream, never add one). Streams under
    4 KB live in the mini stream, as the format requires, so every reader finds them. Good enough for
    samples; not a general writer.
    """
    # Directory entries: the root, then every storage and stream, each storage's children in a chain
    # of right siblings (a degenerate but valid red-black tree when all nodes are black).
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": []}]
    index_of = {"": 0}
    for path in sorted(streams):
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key in index_of:
                continue
            is_stream = depth == len(parts)
            entries.append({"name": parts[depth - 1], "type": 2 if is_stream else 1, "children": []})
            index_of[key] = len(entries) - 1
            entries[index_of["/".join(parts[: depth - 1])]]["children"].append(len(entries) - 1)

    sectors: list[bytes] = []
    fat: list[int] = []
    mini = bytearray()
    minifat: list[int] = []

    def place(data: bytes) -> int:
        count = max(1, -(-len(data) // _SECTOR))
        first = len(sectors)
        for n in range(count):
            sectors.append(data[n * _SECTOR : (n + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(first + n + 1 if n < count - 1 else _END_OF_CHAIN)
        return first

    for path, data in streams.items():
        entry = entries[index_of[path]]
        entry["size"] = len(data)
        if len(data) >= _MINI_CUTOFF:
            entry["start"] = place(data)
        else:
            first, count = len(minifat), max(1, -(-len(data) // 64))
            mini += data.ljust(count * 64, b"\0")
            minifat += [first + n + 1 if n < count - 1 else _END_OF_CHAIN for n in range(count)]
            entry["start"] = first
    entries[0]["start"] = place(bytes(mini)) if mini else _END_OF_CHAIN
    entries[0]["size"] = len(mini)
    minifat_start = place(b"".join(struct.pack("<I", n) for n in minifat)) if minifat else _END_OF_CHAIN
    minifat_count = -(-len(minifat) * 4 // _SECTOR)

    directory = bytearray()
    for entry in entries:
        children = sorted(
            entry["children"], key=lambda n: (len(entries[n]["name"]), entries[n]["name"].upper())
        )
        for position, child in enumerate(children):
            entries[child]["right"] = children[position + 1] if position + 1 < len(children) else _NO_STREAM
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            entry["type"],
            1,  # black
            _NO_STREAM,
            entry.get("right", _NO_STREAM),
            children[0] if children else _NO_STREAM,
            b"\0" * 16,
            0,
            0,
            0,
            entry.get("start", 0) if entry["type"] != 1 else 0,
            entry.get("size", 0),
        )
    unused = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, *[_NO_STREAM] * 3, b"", 0, 0, 0, 0, 0)
    while len(directory) % _SECTOR:
        directory += unused
    directory_start = place(bytes(directory))

    # The FAT must describe its own sectors too: grow it until it fits.
    fat_count = 1
    while len(fat) + fat_count > fat_count * (_SECTOR // 4):
        fat_count += 1
    if fat_count > 109:
        raise ValueError("sample too large for a header-only FAT")
    fat_start = len(sectors)
    fat += [_FAT_SECTOR] * fat_count
    fat += [_FREE] * (fat_count * (_SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", n) for n in fat)
    sectors += [fat_bytes[n * _SECTOR : (n + 1) * _SECTOR] for n in range(fat_count)]

    difat = [fat_start + n for n in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_count,
        directory_start,
        0,
        _MINI_CUTOFF,
        minifat_start,
        minifat_count,
        _END_OF_CHAIN,
        0,
    ) + b"".join(struct.pack("<I", n) for n in difat)
    return header + b"".join(sectors)


# --- Not a document at all ------------------------------------------------------------------------


def png_bytes() -> bytes:
    """A 1×1 white PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def exe_bytes() -> bytes:
    """The first bytes of a Windows executable (an MZ header with a PE signature)."""
    stub = bytearray(256)
    stub[0:2] = b"MZ"
    struct.pack_into("<I", stub, 0x3C, 0x80)
    stub[0x80:0x84] = b"PE\0\0"
    stub[0x84:0x86] = b"\x4c\x01"  # i386
    return bytes(stub)


# --- Pictures and the packages that hold them -----------------------------------------------------


@cache
def big_png_bytes(width: int, height: int, *, colour: bool = False) -> bytes:
    """A PNG of `width` × `height` pixels, all white: black-and-white by default, a few tens of
    kilobytes on disk whatever its size; with `colour`, 24 bits a pixel and a thousandth of its decoded
    size on disk. Gigabytes once decoded: the « pixel flood » a document can hide."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    depth, kind, row_bytes = (8, 2, width * 3) if colour else (1, 0, (width + 7) // 8)
    header = struct.pack(">IIBBBBB", width, height, depth, kind, 0, 0, 0)
    row = b"\x00" + b"\xff" * row_bytes  # filter byte, then the row's pixels
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


_EMU_PER_CM = 360_000


def docx_with_image_bytes(png: bytes, *, main_part: str = "word/document.xml") -> bytes:
    """A DOCX showing `png` (5 × 5 cm) in its one paragraph, its main part at `main_part` (Word writes
    word/document.xml; other programs elsewhere, named by _rels/.rels)."""
    folder = main_part.rpartition("/")[0]
    size = 5 * _EMU_PER_CM
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f"<w:body><w:p><w:r><w:t>{escape(DEFAULT_TEXT)}</w:t></w:r></w:p><w:p><w:r><w:drawing>"
        f'<wp:inline><wp:extent cx="{size}" cy="{size}"/><wp:docPr id="1" name="Image 1"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rIdImage1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{size}" cy="{size}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p></w:body></w:document>"
    ).encode()
    image_rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rIdImage1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="media/image1.png"/></Relationships>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        f'<Override PartName="/{main_part}" ContentType="{DOCX_CONTENT_TYPE}"/>'
        "</Types>"
    ).encode()
    return _zip(
        [
            ("[Content_Types].xml", content_types, zipfile.ZIP_DEFLATED),
            ("_rels/.rels", _RELS.replace(b"word/document.xml", main_part.encode()), zipfile.ZIP_DEFLATED),
            (main_part, document, zipfile.ZIP_DEFLATED),
            (f"{folder}/_rels/{main_part.rpartition('/')[2]}.rels", image_rels, zipfile.ZIP_DEFLATED),
            (f"{folder}/media/image1.png", png, zipfile.ZIP_DEFLATED),
        ]
    )


def odt_with_image_bytes(png: bytes | None = None, *, mimetype_first: bool = True) -> bytes:
    """A valid ODT showing `png` (none: no picture). With `mimetype_first=False` its `mimetype` member
    comes last, as some programs write it: against the specification's advice, yet a valid package."""
    if png is None:
        content, entries, pictures = _content_xml(DEFAULT_TEXT), _CONTENT_ENTRY, []
    else:
        content = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<office:document-content {_OFFICE_NS} "
            'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
            'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
            'xmlns:xlink="http://www.w3.org/1999/xlink"><office:body><office:text>'
            f"<text:p>{escape(DEFAULT_TEXT)}</text:p><text:p>"
            '<draw:frame draw:name="Image1" text:anchor-type="as-char" svg:width="5cm" svg:height="5cm">'
            '<draw:image xlink:href="Pictures/image1.png" xlink:type="simple" xlink:show="embed" '
            'xlink:actuate="onLoad"/></draw:frame></text:p>'
            "</office:text></office:body></office:document-content>"
        ).encode()
        picture_entry = 'manifest:full-path="Pictures/image1.png" manifest:media-type="image/png"'
        entries = f"{_CONTENT_ENTRY}<manifest:file-entry {picture_entry}/>"
        pictures = [("Pictures/image1.png", png, zipfile.ZIP_DEFLATED)]
    mimetype = ("mimetype", ODT_MIMETYPE.encode(), zipfile.ZIP_STORED)
    members = [
        ("META-INF/manifest.xml", _manifest(entries), zipfile.ZIP_DEFLATED),
        ("content.xml", content, zipfile.ZIP_DEFLATED),
        *pictures,
    ]
    return _zip([mimetype, *members] if mimetype_first else [*members, mimetype])


def rtf_with_image_bytes(png: bytes) -> bytes:
    """An RTF showing `png`, written as Word writes pictures: properties in groups, then hexadecimal."""
    data = png.hex()
    lines = "\n".join(data[i : i + 128] for i in range(0, len(data), 128))
    return (
        r"{\rtf1\ansi\deff0{\fonttbl{\f0\fswiss Helvetica;}}\f0\fs24 Image :\par "
        r"{\pict{\*\picprop\shplid1025{\sp{\sn shapeType}{\sv 75}}}\picscalex100\picscaley100"
        r"\picw100\pich100\picwgoal2835\pichgoal2835\pngblip{\*\blipuid 0123456789abcdef0123456789abcdef}"
        "\n" + lines + r"}\par}"
    ).encode("ascii")
