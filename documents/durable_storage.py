"""The file store on a local disk (the embedded default, and a volume in production), whose every file is on
the disk when `save` returns (or, saved inside `flushing_in_background()`, when that block ends).

Django's FileSystemStorage leaves a new file in the kernel's cache, where it stays for up to half a minute
before it reaches the disk. An upload commits its row durably right after storing its original: a machine
that lost power in that half minute would come back with « Document enregistré » and no file. Here the
file and every folder from its own up to the store's root are flushed first: a folder created by this
save, by a save that failed half-way or by another process at the same moment is on the disk with it. A
folder with nothing new to write costs next to nothing to flush.

A file that cannot be flushed fails the save (the upload says the store failed, and keeps nothing). Some
network file systems cannot flush a folder at all (EINVAL): there a folder's entry is as durable as the
file system makes it, and the save goes on."""

import errno
import logging
import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from django.core.files.storage import FileSystemStorage

from .threads import InThread

logger = logging.getLogger(__name__)

# The innermost `flushing_in_background()` block's flushes, while it is open.
_BACKGROUND: ContextVar["_Background | None"] = ContextVar("durable_storage_background", default=None)


class _Background:
    def __init__(self):
        self.flushes: list[InThread] = []
        # Once the block has ended, a save in a thread that kept a copy of its context (none of
        # Primaweb's does) flushes on the spot: nobody would wait for it any more.
        self.open = True


_CANNOT_FLUSH_FOLDERS = {errno.EINVAL, errno.ENOTSUP, errno.EBADF}


def _flush(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@cache
def _cannot_flush_folders(root: Path, reason: str) -> None:
    """Said once per store and process, not on every save."""
    logger.warning("The file store in %s cannot flush its folders: %s", root, reason)


def _flush_folder(path: Path, root: Path) -> bool:
    """False when the file system cannot flush a folder."""
    try:
        _flush(path)
    except OSError as exc:
        if exc.errno not in _CANNOT_FLUSH_FOLDERS:
            raise
        _cannot_flush_folders(root, os.strerror(exc.errno))
        return False
    return True


class DurableFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        name = super()._save(name, content)
        background = _BACKGROUND.get()
        if background is None or not background.open:
            self._flush_saved(name)
            return name
        background.flushes.append(InThread(self._flush_saved, name, name=f"flush-{name}"))
        return name

    def _flush_saved(self, name: str) -> None:
        path = Path(self.path(name))
        root = Path(self.location)
        try:
            _flush(path)
            for folder in path.parents:
                if not _flush_folder(folder, root) or folder == root:
                    break
        except OSError as exc:
            exc.filename = exc.filename or str(path)  # fsync's own error names no file
            raise

    @contextmanager
    def flushing_in_background(self):
        """Inside this block, a file saved is written at once and flushed to the disk in a thread of its
        own while the caller goes on (its database work): leaving the block waits until every one is on
        the disk, and raises the first flush's error (an OSError naming the file) when the block itself
        did not raise; when it did, a flush's error is only logged. Inside a transaction, the block ends
        before the commit: the row is durable after its file."""
        background = _Background()
        token = _BACKGROUND.set(background)
        try:
            yield
        except BaseException:
            failures = _ended(background)
            for exc in failures:
                logger.error("Could not flush %s to the disk: %s", exc.filename, exc)
            raise
        finally:
            _BACKGROUND.reset(token)
        failures = _ended(background)
        if failures:
            raise failures[0]


def _ended(background: _Background) -> list[OSError]:
    """Closes the block and waits for its flushes; returns their errors."""
    background.open = False
    failures = []
    for flush in background.flushes:
        try:
            flush.result()
        except OSError as exc:
            failures.append(exc)
    return failures
