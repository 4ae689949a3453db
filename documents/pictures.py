"""The pictures a document carries, measured from their headers, never decoded: one picture of a few
kilobytes can declare billions of pixels, which LibreOffice would decode whole. Pure functions over bytes,
no Django, like `documents.sniffing`, which calls them for each format.
"""

import bisect
import io
import itertools
import re
import warnings
from struct import error as struct_error

from PIL import Image, UnidentifiedImageError

from .problems import Problem

# Images: LibreOffice decodes every picture of a document in full to lay it out, at 4 bytes a pixel
# and more, whatever its compressed size; a 37 KB DOCX holding one 32,000 × 32,000 PNG took it to
# 1.1 GiB. A 600-dpi scan of an A4 page is 35 million pixels and a 48-megapixel phone photo 48
# million: 64 million (256 MB decoded) leaves room for any genuine picture of a letter, and the total
# bounds a document that repeats big ones.
MAX_IMAGE_PIXELS = 64_000_000
MAX_TOTAL_IMAGE_PIXELS = 256_000_000
# Raster formats whose header Pillow reads without decoding; vector pictures (WMF, EMF, SVG) are drawn
# by LibreOffice at the page's size and are not counted.
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "DIB", "TIFF", "WEBP", "JPEG2000", "ICO", "PCX", "TGA")
MAX_IMAGES = 1_000
_HEADER_BYTES = 256 * 1024  # an image's header, a JPEG's EXIF (at most 64 KB) and thumbnail included
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"


def check_images(pictures) -> None:
    """Refuses a document one of whose pictures (bytes, each starting with an image's header) declares
    more than MAX_IMAGE_PIXELS, or all of them together more than MAX_TOTAL_IMAGE_PIXELS. Only the
    headers are read: nothing is decoded. Bytes that are no raster image Pillow knows are left to
    LibreOffice."""
    total = 0
    for count, picture in enumerate(pictures):
        if count >= MAX_IMAGES:
            raise Problem("archive_too_many_members")
        pixels = _image_pixels(picture)
        total += pixels
        if pixels > MAX_IMAGE_PIXELS or total > MAX_TOTAL_IMAGE_PIXELS:
            raise Problem(
                "image_too_large",
                {"megapixels": pixels // 1_000_000, "max": MAX_IMAGE_PIXELS // 1_000_000},
            )


_BOMB_SIZE = re.compile(r"\((\d+) pixels\)")


def _image_pixels(picture: bytes) -> int:
    """The number of pixels the picture's header declares; 0 for what is no raster image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(picture), formats=IMAGE_FORMATS) as image:
                width, height = image.size
                return width * height
    except Image.DecompressionBombError as exc:
        # Pillow's own limit (twice its MAX_IMAGE_PIXELS) struck first; it says the size it found.
        found = _BOMB_SIZE.search(str(exc))
        return int(found.group(1)) if found else MAX_TOTAL_IMAGE_PIXELS + 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct_error, IndexError):
        return 0


def embedded_pictures(stream: bytes):
    """The PNG and JPEG images found in a binary stream by their signatures, each from its first byte
    on, for as much as a header can take (Pillow stops reading at the header)."""
    found = 0
    for signature in (_PNG_SIGNATURE, _JPEG_SIGNATURE):
        start = stream.find(signature)
        while start != -1 and found < MAX_IMAGES:
            found += 1
            yield stream[start : start + _HEADER_BYTES]
            start = stream.find(signature, start + len(signature))


# A picture in RTF: {\pict, its properties (control words and groups such as {\*\picprop …} or
# {\*\blipuid …}), then its bytes in hexadecimal: the first long run of hexadecimal digits after \pict.
_RTF_PICTURE = re.compile(rb"\\pict(?![a-z])")
_RTF_HEX_RUN = re.compile(rb"[0-9a-fA-F\r\n]+")
_RTF_MIN_RUN = 64  # longer than any number or identifier among a picture's properties
_RTF_PROPERTIES = 64 * 1024  # how far after \pict its data may start
_RTF_HEADER_HEX = 2 * _HEADER_BYTES


def rtf_pictures(data: bytes):
    pictures = [match.end() for match in itertools.islice(_RTF_PICTURE.finditer(data), MAX_IMAGES + 1)]
    if not pictures:
        return
    # One linear pass over the file: a regular expression searched afresh after each \pict could be
    # made to rescan the same bytes a thousand times.
    runs = [(m.start(), m.end()) for m in _RTF_HEX_RUN.finditer(data) if m.end() - m.start() >= _RTF_MIN_RUN]
    starts = [start for start, _end in runs]
    for position in pictures:
        index = bisect.bisect_left(starts, position)
        if index == len(runs) or runs[index][0] > position + _RTF_PROPERTIES:
            continue
        start, end = runs[index]
        digits = re.sub(rb"\s+", b"", data[start : min(end, start + _RTF_HEADER_HEX)])
        yield bytes.fromhex(digits[: len(digits) // 2 * 2].decode("ascii"))
