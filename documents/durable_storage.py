"""The file store on a local disk (the embedded default, and a volume in production), whose every file is on
the disk when `save` returns.

Django's FileSystemStorage leaves a new file in the kernel's cache, where it stays for up to half a minute
before it reaches the disk. An upload commits its row durably right after storing its original: a machine
that lost power in that half minute would come back with « Document enregistré » and no file. Here the
file, its folder, and every folder the save created are flushed first (about a quarter of a millisecond
on a local disk)."""

import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage


def _flush(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class DurableFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        folder = Path(self.path(name)).parent
        # The nearest folder that already exists: its entry for the first folder created must reach the
        # disk too, or the file would be on the disk under a name nothing leads to.
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        name = super()._save(name, content)
        _flush(Path(self.path(name)))
        for flushed in (folder, *folder.parents):
            _flush(flushed)
            if flushed == existing:
                break
        return name
