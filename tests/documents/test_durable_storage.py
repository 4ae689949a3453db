"""An uploaded file is on the disk before the upload says « enregistré »: a machine that loses power right
after the upload comes back with the file its row names."""

import errno
import logging
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from documents import durable_storage
from documents.durable_storage import DurableFileSystemStorage
from documents.models import Document
from tests import samples

from .test_upload import upload


@pytest.fixture
def flushed(monkeypatch):
    """The paths os.fsync flushes, in order."""
    paths, fsync = [], os.fsync

    def spy(descriptor):
        paths.append(Path(os.readlink(f"/proc/self/fd/{descriptor}")))
        return fsync(descriptor)

    monkeypatch.setattr(os, "fsync", spy)
    return paths


@pytest.mark.django_db
def test_an_upload_flushes_its_file_and_each_folder_up_to_the_stores_root_before_it_answers(
    worker_client, dossier, decision, settings, flushed
):
    root = Path(settings.MEDIA_ROOT)

    upload(worker_client, dossier, decision, "Décision.pdf", samples.pdf_bytes())

    original = root / Document.objects.get().original.name
    assert original.read_bytes()
    # The file, then each folder from its own to the root: documents/<centre>/<key>/ were new.
    folders = [original.parent, *original.parent.parents]
    assert flushed == [original, *folders[: folders.index(root) + 1]]
    assert len(flushed) == 5


def test_a_save_flushes_the_folders_a_failed_save_left_behind(tmp_path, flushed):
    storage = DurableFileSystemStorage(location=tmp_path / "media")
    (tmp_path / "media" / "lettres" / "2026").mkdir(parents=True)  # as a save cut by a full disk leaves them

    name = storage.save("lettres/2026/convocation.pdf", ContentFile(samples.pdf_bytes()))

    media = tmp_path / "media"
    assert flushed == [media / name, media / "lettres" / "2026", media / "lettres", media]


def test_a_file_system_that_cannot_flush_folders_still_stores_but_a_file_that_cannot_be_flushed_fails(
    tmp_path, monkeypatch, request
):
    storage = DurableFileSystemStorage(location=tmp_path)
    # The warning, caught on the module's own logger: whatever logging set-up earlier tests left behind.
    warnings = []
    catcher = logging.Handler(logging.WARNING)
    catcher.emit = lambda record: warnings.append(record.getMessage())
    monkeypatch.setattr(durable_storage.logger, "disabled", False)
    request.addfinalizer(lambda level=durable_storage.logger.level: durable_storage.logger.setLevel(level))
    durable_storage.logger.setLevel(logging.WARNING)
    monkeypatch.setattr(durable_storage.logger, "handlers", [catcher])
    fsync = os.fsync

    def folders_refused(descriptor):
        if Path(os.readlink(f"/proc/self/fd/{descriptor}")).is_dir():
            raise OSError(errno.EINVAL, "Invalid argument")
        return fsync(descriptor)

    monkeypatch.setattr(os, "fsync", folders_refused)
    name = storage.save("lettres/convocation.pdf", ContentFile(b"%PDF-1.4"))
    assert (tmp_path / name).read_bytes() == b"%PDF-1.4" and "cannot flush its folders" in " ".join(warnings)

    def disk_error(descriptor):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)
    with pytest.raises(OSError, match="Input/output"):
        storage.save("lettres/rappel.pdf", ContentFile(b"%PDF-1.4"))
