"""An uploaded file is on the disk before the upload says « enregistré »: a machine that loses power right
after the upload comes back with the file its row names."""

import contextvars
import errno
import logging
import os
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

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


@pytest.fixture
def logged(monkeypatch, request):
    """The messages the store's module logs (WARNING and above), caught on its own logger: whatever
    logging set-up earlier tests left behind (a Celery test worker leaves the root logger at ERROR)."""
    messages = []
    catcher = logging.Handler(logging.WARNING)
    catcher.emit = lambda record: messages.append(record.getMessage())
    monkeypatch.setattr(durable_storage.logger, "disabled", False)
    request.addfinalizer(lambda level=durable_storage.logger.level: durable_storage.logger.setLevel(level))
    durable_storage.logger.setLevel(logging.WARNING)
    monkeypatch.setattr(durable_storage.logger, "handlers", [catcher])
    return messages


def test_a_file_system_that_cannot_flush_folders_still_stores_but_a_file_that_cannot_be_flushed_fails(
    tmp_path, monkeypatch, logged
):
    storage = DurableFileSystemStorage(location=tmp_path)
    fsync = os.fsync

    def folders_refused(descriptor):
        if Path(os.readlink(f"/proc/self/fd/{descriptor}")).is_dir():
            raise OSError(errno.EINVAL, "Invalid argument")
        return fsync(descriptor)

    monkeypatch.setattr(os, "fsync", folders_refused)
    name = storage.save("lettres/convocation.pdf", ContentFile(b"%PDF-1.4"))
    assert (tmp_path / name).read_bytes() == b"%PDF-1.4" and "cannot flush its folders" in " ".join(logged)

    def disk_error(descriptor):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)
    with pytest.raises(OSError, match="Input/output"):
        storage.save("lettres/rappel.pdf", ContentFile(b"%PDF-1.4"))


@pytest.mark.django_db(transaction=True)
def test_an_upload_flushes_its_file_while_the_database_works_and_commits_only_once_it_is_on_the_disk(
    worker_client, dossier, decision, settings, monkeypatch
):
    # The flush takes a while (a busy disk): it runs beside the upload's inserts, and the commit that
    # carries the document's row waits for it.
    steps, fsync, commit = [], os.fsync, connection._commit

    def slow_flush(descriptor):
        path = Path(os.readlink(f"/proc/self/fd/{descriptor}"))
        time.sleep(0.05)
        steps.append(("flushed", path, threading.current_thread() is threading.main_thread()))
        return fsync(descriptor)

    def recorded_commit(*args, **kwargs):
        steps.append(("commit", None, None))
        return commit(*args, **kwargs)

    def recorded_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "documents_document"'):
            steps.append(("document inserted", None, None))
        return execute(sql, params, many, context)

    monkeypatch.setattr(os, "fsync", slow_flush)
    monkeypatch.setattr(connection, "_commit", recorded_commit)
    with connection.execute_wrapper(recorded_insert):
        response = upload(worker_client, dossier, decision, "Décision.pdf", samples.pdf_bytes())

    assert response.status_code == 302
    original = Path(settings.MEDIA_ROOT) / Document.objects.across_centres(reason="test").get().original.name
    flushes = [step for step in steps if step[0] == "flushed"]
    assert [path for _step, path, _main in flushes][:2] == [original, original.parent]
    assert not any(main for _step, _path, main in flushes)  # beside the database's work, not before it
    inserted = steps.index(("document inserted", None, None))
    its_commit = steps.index(("commit", None, None), inserted)
    assert inserted < steps.index(flushes[-1]) < its_commit


@pytest.mark.django_db
def test_an_upload_whose_file_cannot_be_flushed_says_so_and_keeps_neither_row_nor_file(
    worker_client, dossier, decision, settings, monkeypatch, caplog
):
    def disk_error(descriptor):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)

    response = upload(worker_client, dossier, decision, "courrier.docx", samples.docx_bytes())

    assert response.status_code == 200
    assert "Le stockage des fichiers est indisponible" in response.content.decode()
    assert not Document.objects.across_centres(reason="test").exists()
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []
    assert re.search(r"could not flush \S+/original\.docx to the disk", caplog.text)


def test_a_save_flushes_on_the_spot_when_no_thread_can_be_started(tmp_path, flushed, monkeypatch):
    storage = DurableFileSystemStorage(location=tmp_path)

    def no_thread(thread):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    with storage.flushing_in_background():
        name = storage.save("lettres/convocation.pdf", ContentFile(b"%PDF-1.4"))
        assert flushed[:2] == [tmp_path / name, tmp_path / "lettres"]


def test_a_save_after_the_block_ended_flushes_on_the_spot_even_with_the_blocks_context(tmp_path, flushed):
    storage = DurableFileSystemStorage(location=tmp_path)
    with storage.flushing_in_background():
        kept = contextvars.copy_context()  # as a thread started inside the block would keep it

    name = kept.run(storage.save, "lettres/convocation.pdf", ContentFile(b"%PDF-1.4"))

    assert flushed[:2] == [tmp_path / name, tmp_path / "lettres"]


def test_when_the_block_fails_its_own_error_wins_and_a_flush_error_is_logged(tmp_path, monkeypatch, logged):
    storage = DurableFileSystemStorage(location=tmp_path)

    def disk_error(descriptor):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)
    with pytest.raises(ValueError, match="the block's own"), storage.flushing_in_background():
        storage.save("lettres/convocation.pdf", ContentFile(b"%PDF-1.4"))
        raise ValueError("the block's own error")

    assert logged and "convocation.pdf" in logged[0] and "Input/output error" in logged[0]
