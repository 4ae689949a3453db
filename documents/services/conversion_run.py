"""A conversion run in a thread of its own, so that the worker's own thread meanwhile takes or renews the
document's lease (`converting`); and the conversion a message lets start before the lease is taken."""

import re

from django.core.files.storage import default_storage

from .. import conversion, validation
from ..models import Document
from ..threads import InThread

# The original's name as an upload stores it (`Document.storage_path`, `editing._store_original`): a
# message naming anything else starts nothing early.
_STORED_ORIGINAL = re.compile(r"documents/[0-9]+/[0-9a-f-]{36}/original[A-Za-z0-9_-]*\.(doc|docx|rtf|odt)")


def early_conversion(original: str) -> "Conversion | None":
    """The conversion of the original a conversion message names, started before the lease is taken.
    None when the name is not an uploaded original's, or cannot be read (the lease-first path reads the
    row's own file and says why). Read in this thread: a storage's connection may be one per thread."""
    match = _STORED_ORIGINAL.fullmatch(original)
    if match is None:
        return None
    try:
        with default_storage.open(original, "rb") as stored:
            data = stored.read(validation.MAX_SIZE + 1)
    except Exception:  # noqa: BLE001 - any storage failure; the lease-first path classifies it
        return None
    if len(data) > validation.MAX_SIZE:
        return None
    return Conversion(original, match.group(1), data)


class Conversion(InThread):
    """The conversion of one original (its stored name, extension and bytes), in a thread of its own from
    the moment it is made: the caller's thread meanwhile takes or renews the lease. `result()` is the PDF,
    or the conversion's exception."""

    def __init__(self, name: str, extension: str, data: bytes):
        self.name, self.extension = name, extension
        super().__init__(self._convert, data, name=f"convert-{name}")

    def _convert(self, data: bytes) -> bytes:
        return conversion.convert_to_pdf(data=data, extension=self.extension)

    def is_of(self, document: Document) -> bool:
        return self.name == document.original.name and self.extension == document.original_extension

    def dropped(self) -> None:
        """Not wanted (the lease was not taken): waited for, so that a worker slot never has two
        conversions in the converter, and its outcome forgotten."""
        self.wait()
