"""`manage.py storage_audit`: the documents' rows against the files stored for them.

Lists the documents whose file is missing from the storage (a row without its file: the document can no
longer be shown or sent) and the files under the documents' folder that no row names (a file without
its row: an orphan, left by a write whose transaction did not commit, a removal that failed, a crash).
Exits 1 when it finds either, 0 otherwise. It deletes nothing, unless asked to with --delete-orphans,
and even then only orphans older than an hour: a younger one may be an upload whose transaction has
not committed yet.
"""

import posixpath
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents.models import Document
from documents.services.storage import STORAGE_ERRORS

PREFIX = "documents"  # Document.storage_path: documents/<centre>/<storage key>/<name>
ORPHAN_MIN_AGE = timedelta(hours=1)
# The statuses in which a document has a PDF (a converted or uploaded one).
WITH_PDF = (Document.Status.REGISTERED, Document.Status.SENT, Document.Status.READ)


@dataclass
class Missing:
    document_id: int
    centre_id: int
    field: str
    name: str  # "" when the row names no file although its status needs one


def stored_files(storage=default_storage, prefix: str = PREFIX) -> list[str]:
    """Every file's name under `prefix`, walking the storage's folders."""
    names, folders = [], [prefix]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        names.extend(posixpath.join(folder, name) for name in files)
        folders.extend(posixpath.join(folder, name) for name in subfolders)
    return sorted(names)


def storage_audit(storage=default_storage) -> tuple[list[Missing], list[str]]:
    """(the documents' files that are missing, the files no document names)."""
    # Files first, rows second: a file written and committed between the two is named by a row read
    # after it, so it is never taken for an orphan.
    stored = set(stored_files(storage))
    named: set[str] = set()
    missing: list[Missing] = []
    rows = (
        Document.objects.across_centres(reason="the storage audit checks every centre's files")
        .order_by("pk")
        .values_list("pk", "centre_id", "status", "deleted_at", "original", "pdf")
    )
    for pk, centre_id, status, deleted_at, original, pdf in rows.iterator(chunk_size=2000):
        named.update(name for name in (original, pdf) if name)
        if deleted_at is not None:
            continue  # its files are removed with it
        wanted = {"original": original}
        if status in WITH_PDF or pdf:
            wanted["pdf"] = pdf
        for field, name in wanted.items():
            if not name or name not in stored:
                missing.append(Missing(pk, centre_id, field, name))
    return missing, sorted(stored - named)


def _modified(storage, name: str) -> datetime | None:
    try:
        return storage.get_modified_time(name)
    except (*STORAGE_ERRORS, NotImplementedError):
        return None


class Command(BaseCommand):
    help = (
        "Checks the documents' rows against the stored files: lists the documents whose file is missing "
        "and the files under documents/ that no document names (orphans). Exits 1 when it finds either. "
        "Deletes nothing unless --delete-orphans, which deletes orphans older than an hour only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete the orphaned files older than an hour (younger ones may be uploads under way).",
        )

    def handle(self, *args, delete_orphans: bool, **options):
        missing, orphans = storage_audit()
        for item in missing:
            self.stdout.write(
                f"missing  document {item.document_id} (centre {item.centre_id}) {item.field}: "
                + (item.name or "no file named")
            )
        now = timezone.now()
        left = []
        for name in orphans:
            modified = _modified(default_storage, name)
            age = f"{(now - modified).total_seconds():.0f} s old" if modified else "age unknown"
            if delete_orphans and modified and now - modified > ORPHAN_MIN_AGE:
                default_storage.delete(name)
                self.stdout.write(f"deleted  orphan {name} ({age})")
                continue
            left.append(name)
            self.stdout.write(f"orphan   {name} ({age})")
        deleted = len(orphans) - len(left)
        self.stdout.write(
            f"storage audit: {len(missing)} missing, {len(left)} orphans"
            + (f", {deleted} orphans deleted" if deleted else "")
        )
        if missing or left:
            raise CommandError("rows and stored files do not match", returncode=1)
