"""A conversion run in a thread of its own, so that the worker's own thread meanwhile takes or renews the
document's lease (`converting`); and the conversion a message lets start before the lease is taken."""

import re
import threading

from django.core.files.storage import default_storage

from .. import conversion, validation
from ..models import Document

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


class InThread:
    """`function(*args)` run in a thread of its own from the moment this is made, while the caller's thread
    does something else; its result, or its exception, handed back to the caller's thread."""

    def __init__(self, function, *args, name: str):
        self._outcome: dict = {}
        self._thread = threading.Thread(target=self._run, args=(function, args), name=name, daemon=True)
        self._thread.start()

    def _run(self, function, args) -> None:
        try:
            self._outcome["result"] = function(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            self._outcome["error"] = exc

    def wait(self, timeout: float | None = None) -> bool:
        """True once the function has returned or raised (within `timeout` seconds)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def result(self):
        """What the function returned, or its exception raised here; waits for it to end."""
        self._thread.join()
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["result"]


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
