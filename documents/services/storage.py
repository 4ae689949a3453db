"""The documents' files in the file store (a disk or an S3 bucket): written inside the transaction that
records them and removed if it does not commit; once it has committed, nothing that fails afterwards
removes them. A file is removed only once the transaction that stopped needing it has committed."""

import contextlib
import errno
import logging
import threading
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext

from ..models import Document

logger = logging.getLogger(__name__)

# What the file store raises when it fails: the disk's OSError, or botocore's errors for an S3 bucket
# (unreachable, refusing, over its quota). Caught wherever the store is used, never a 500.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class StorageFailed(Exception):
    """The file store refused or could not be reached: nothing was recorded. `str()` is the message for
    the worker."""

    def __init__(self):
        super().__init__(
            gettext(
                "Le stockage des fichiers est indisponible : le document n'a pas été enregistré. "
                "Réessayez plus tard et prévenez l'administrateur."
            )
        )


class StorageFull(StorageFailed):
    """The file store has no room left: nothing was recorded. `str()` is the message for the worker."""

    def __init__(self):
        Exception.__init__(
            self,
            gettext(
                "Espace de stockage insuffisant : le document n'a pas été enregistré. "
                "Réessayez plus tard et prévenez l'administrateur."
            ),
        )


_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
# What S3-compatible stores answer when a bucket is over its quota or their disks are full.
_NO_ROOM_CODES = {"QuotaExceeded", "XMinioStorageFull", "XMinioAdminBucketQuotaExceeded"}


def _no_room(exc: Exception) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _NO_ROOM
    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in _NO_ROOM_CODES


def store(document: Document, name: str, data: bytes) -> str:
    """Writes a file under the document's folder; returns the storage name actually used.

    A write that fails leaves nothing behind (a full disk leaves a partial file otherwise) and raises
    `StorageFull` when the store has no room, `StorageFailed` for any other failure of the store (an
    unreachable bucket, a disk error); both say so in the log at ERROR, for the administrators."""
    target = document.storage_path(name)
    try:
        target = default_storage.get_available_name(target)
        return default_storage.save(target, ContentFile(data))
    except STORAGE_ERRORS as exc:
        with contextlib.suppress(*STORAGE_ERRORS):
            default_storage.delete(target)
        if _no_room(exc):
            logger.error("File storage full: could not write %s (%s)", target, exc)
            raise StorageFull from exc
        logger.error("File storage failed: could not write %s (%r)", target, exc)
        raise StorageFailed from exc


@contextmanager
def files_removed_unless_committed():
    """Yields a list to note the files written in the transaction that follows (opened inside the
    block). If the transaction does not commit, they are removed; once it has, they stay whatever fails
    afterwards (an after-commit step such as queueing the conversion)."""
    written: list[str] = []
    committed = threading.Event()
    try:
        yield written, committed.set
    except BaseException:
        if not committed.is_set():
            for name in written:
                with contextlib.suppress(*STORAGE_ERRORS):
                    default_storage.delete(name)
        raise


def remove_after_commit(*names: str) -> None:
    def remove():
        for name in names:
            if name:
                try:
                    default_storage.delete(name)
                except STORAGE_ERRORS:
                    # Committed already: a file left behind is found by `manage.py storage_audit`, not a 500.
                    logger.exception("Could not remove the replaced file %s", name)

    transaction.on_commit(remove)
