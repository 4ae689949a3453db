"""The file store on a local disk (the embedded default, and a volume in production), whose every file is on
the disk when `save` returns.

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
from functools import cache
from pathlib import Path

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)

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
        path = Path(self.path(name))
        root = Path(self.location)
        _flush(path)
        for folder in path.parents:
            if not _flush_folder(folder, root) or folder == root:
                break
        return name
