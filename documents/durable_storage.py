"""The file store on a local disk (the embedded default, and a volume in production), whose every file is on
the disk when `save` returns.

Django's FileSystemStorage leaves a new file in the kernel's cache, where it stays for up to half a minute
before it reaches the disk. An upload commits its row durably right after storing its original: a machine
that lost power in that half minute would come back with « Document enregistré » and no file. Here the
file and every folder from its own up to the store's root are flushed first: a folder created by this
save, by a save that failed half-way or by another process at the same moment is on the disk with it. A
folder with nothing new to write costs next to nothing to flush."""

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
        name = super()._save(name, content)
        path = Path(self.path(name))
        root = Path(self.location)
        _flush(path)
        for folder in path.parents:
            _flush(folder)
            if folder == root:
                break
        return name
