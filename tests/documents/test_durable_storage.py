"""An uploaded file is on the disk before the upload says « enregistré »: a machine that loses power right
after the upload comes back with the file its row names."""

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

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
def test_an_upload_flushes_its_file_and_each_folder_it_created_before_it_answers(
    worker_client, dossier, decision, settings, flushed
):
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    existing = {path for path in root.rglob("*") if path.is_dir()} | {root}

    upload(worker_client, dossier, decision, "Décision.pdf", samples.pdf_bytes())

    original = root / Document.objects.get().original.name
    assert flushed[0] == original and original.read_bytes()
    # The file's folder, then each folder the upload created up to one that was already there.
    assert flushed[1:] == [original.parent, *original.parent.parents][: len(flushed) - 1]
    assert flushed[-1] in existing and not set(flushed[1:-1]) & existing


def test_a_save_into_existing_folders_flushes_the_file_and_its_folder(tmp_path, flushed):
    storage = DurableFileSystemStorage(location=tmp_path)
    (tmp_path / "lettres").mkdir()

    name = storage.save("lettres/convocation.pdf", ContentFile(samples.pdf_bytes()))

    assert flushed == [tmp_path / name, tmp_path / "lettres"]
