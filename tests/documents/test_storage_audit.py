"""`manage.py storage_audit`: rows without their file and files without their row are found, and only
old orphans are deleted, and only when asked."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from documents import services
from documents.models import Document
from tests import samples
from tests.factories import DocumentTypeFactory, DossierFactory, MembershipFactory


def audit(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("storage_audit", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def registered(centre):
    """A document with its file, registered at once (a PDF upload)."""
    return services.document_upload(
        centre=centre,
        dossier=DossierFactory(centre=centre),
        name="décision.pdf",
        data=samples.pdf_bytes(pages=1),
        document_type=DocumentTypeFactory(centre=centre),
        by=MembershipFactory(centre=centre).user,
    )


def _media(settings, name: str) -> Path:
    return Path(settings.MEDIA_ROOT, name)


@pytest.mark.django_db
def test_rows_matching_their_files_pass(registered):
    assert registered.status == Document.Status.REGISTERED
    code, out = audit()
    assert code == 0
    assert "storage audit: 0 missing, 0 orphans" in out


@pytest.mark.django_db
def test_a_file_no_row_names_is_an_orphan_and_fails_the_audit(registered, settings):
    orphan = _media(settings, registered.storage_path("v7.pdf"))
    orphan.write_bytes(b"%PDF-1.4 left by a crash")
    elsewhere = _media(settings, "cpasonline/receipt.pdf")  # outside the documents' folder: not audited
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_bytes(b"%PDF-")

    code, out = audit()

    assert code == 1
    assert f"orphan   {registered.storage_path('v7.pdf')}" in out
    assert "receipt.pdf" not in out
    assert "storage audit: 0 missing, 1 orphans" in out
    assert orphan.exists()  # nothing deleted unless asked


@pytest.mark.django_db
def test_a_row_whose_file_is_gone_is_listed_as_missing(registered, settings):
    _media(settings, registered.original.name).unlink()

    code, out = audit()

    assert code == 1
    assert f"missing  document {registered.pk} (centre {registered.centre_id}) original" in out
    assert f"missing  document {registered.pk} (centre {registered.centre_id}) pdf" in out
    assert "storage audit: 2 missing, 0 orphans" in out


@pytest.mark.django_db
def test_a_registered_row_naming_no_pdf_is_listed_as_missing(registered):
    Document.objects.across_centres(reason="test").filter(pk=registered.pk).update(pdf="")

    code, out = audit()

    assert code == 1
    assert f"missing  document {registered.pk} (centre {registered.centre_id}) pdf: no file named" in out


@pytest.mark.django_db
def test_a_deleted_document_is_not_missing_its_files(
    registered, centre, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=registered, by=MembershipFactory(centre=centre).user)
    assert not _media(settings, registered.original.name).exists()
    assert audit()[0] == 0


@pytest.mark.django_db
def test_delete_orphans_removes_only_orphans_older_than_an_hour(registered, settings):
    old = _media(settings, registered.storage_path("v1-old.pdf"))
    young = _media(settings, registered.storage_path("v2-young.pdf"))
    for path in (old, young):
        path.write_bytes(b"%PDF-")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))

    code, out = audit("--delete-orphans")

    assert not old.exists()
    assert young.exists()  # perhaps an upload whose transaction has not committed yet
    assert _media(settings, registered.original.name).exists()
    assert f"deleted  orphan {registered.storage_path('v1-old.pdf')}" in out
    assert "storage audit: 0 missing, 1 orphans, 1 orphans deleted" in out
    assert code == 1  # the young orphan is still there
