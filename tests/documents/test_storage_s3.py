"""The documents' files on S3-compatible storage (moto's server, in its own process): what production
runs with AWS_STORAGE_BUCKET_NAME. Stored, served, replaced, deleted and cleaned up as on the local disk,
as private objects that nobody reads without the keys, never overwritten."""

import http.server
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from documents import services
from documents.models import Document
from primaweb.models import User
from tests import samples
from tests.documents.test_upload import upload
from tests.documents.uploads import identical_uploads_at_once
from tests.factories import document_in

PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


@pytest.fixture
def document(s3_storage, centre):
    return document_in(centre)


def objects(s3_storage) -> dict[str, bytes]:
    server, bucket = s3_storage
    client = server.client()
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed}


def anonymous_get(s3_storage, key: str) -> requests.Response:
    server, bucket = s3_storage
    return requests.get(f"{server.url}/{bucket}/{key}", timeout=10)


@pytest.mark.django_db
def test_upload_is_a_private_object_that_nobody_reads_without_the_keys(
    s3_storage, worker_client, dossier, decision
):
    data = samples.pdf_bytes(pages=2)
    assert upload(worker_client, dossier, decision, "Décision.pdf", data).status_code == 302

    document = Document.objects.across_centres(reason="test").get()
    assert objects(s3_storage) == {document.original.name: data}
    assert document.original.name.startswith(f"documents/{document.centre_id}/{document.storage_key}/")
    server, bucket = s3_storage
    client = server.client()
    grants = client.get_object_acl(Bucket=bucket, Key=document.original.name)["Grants"]
    assert not {grant["Grantee"].get("URI") for grant in grants} & PUBLIC_GRANTEES
    grants = client.get_bucket_acl(Bucket=bucket)["Grants"]
    assert not {grant["Grantee"].get("URI") for grant in grants} & PUBLIC_GRANTEES
    refused = anonymous_get(s3_storage, document.original.name)
    assert refused.status_code == 403 and data not in refused.content


@pytest.mark.django_db
def test_pdf_is_served_by_the_application_and_a_signed_link_expires_within_minutes(
    s3_storage, worker_client, document
):
    stored = objects(s3_storage)[document.pdf.name]

    response = worker_client.get(reverse("documents:pdf", args=[document.pk]))

    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    page = worker_client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    server, bucket = s3_storage
    assert server.url not in page and bucket not in page
    # The application never hands out the bucket's links; one made by a script is short-lived.
    signed = default_storage.url(document.pdf.name)
    query = parse_qs(urlsplit(signed).query)
    lifetime = (
        int(query["X-Amz-Expires"][0]) if "X-Amz-Expires" in query else int(query["Expires"][0]) - time.time()
    )
    assert 0 < lifetime <= 300
    assert requests.get(signed, timeout=10).content == stored
    assert anonymous_get(s3_storage, document.pdf.name).status_code == 403


@pytest.mark.django_db
def test_a_name_already_taken_is_never_overwritten(s3_storage):
    first = default_storage.save("documents/1/same/original.pdf", ContentFile(b"%PDF-1.4 first"))
    second = default_storage.save("documents/1/same/original.pdf", ContentFile(b"%PDF-1.4 second"))

    assert first != second
    assert objects(s3_storage) == {first: b"%PDF-1.4 first", second: b"%PDF-1.4 second"}


@pytest.mark.django_db
def test_replace_puts_the_new_object_in_place_and_removes_the_old_one(
    s3_storage, worker_client, document, django_capture_on_commit_callbacks
):
    old = document.original.name
    new = samples.pdf_bytes(pages=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(
            reverse("documents:replace", args=[document.pk]),
            {"file": SimpleUploadedFile("nouvelle.pdf", new)},
        )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.version == 2 and document.original.name != old
    assert objects(s3_storage) == {document.pdf.name: new}


@pytest.mark.django_db
def test_delete_removes_the_objects_and_keeps_the_history(
    s3_storage, worker_client, document, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        worker_client.post(reverse("documents:delete", args=[document.pk]))

    document.refresh_from_db()
    assert document.deleted_at is not None and objects(s3_storage) == {}
    assert list(document.events.values_list("kind", flat=True)) == ["deleted"]


@pytest.mark.django_db(transaction=True)
def test_upload_whose_transaction_fails_at_commit_leaves_no_object(s3_storage, centre, dossier, decision):
    # A user deleted meanwhile: the database refuses the row only at COMMIT (deferred foreign key), after
    # the file was written.
    gone = User(pk=User.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000, username="gone")

    with pytest.raises(IntegrityError):
        services.document_upload(
            centre=centre,
            dossier=dossier,
            name="courrier.pdf",
            data=samples.pdf_bytes(),
            document_type=decision,
            by=gone,
        )

    assert not Document.objects.across_centres(reason="test").exists()
    assert objects(s3_storage) == {}


@pytest.mark.django_db(transaction=True)
def test_two_identical_uploads_at_once_keep_one_object(s3_storage, worker, centre, dossier, decision):
    outcomes = identical_uploads_at_once(
        2,
        centre=centre,
        dossier=dossier,
        name="a.pdf",
        data=samples.pdf_bytes(),
        document_type=decision,
        by=worker,
    )

    assert outcomes == ["created", "duplicate"]
    assert list(objects(s3_storage)) == [Document.objects.across_centres(reason="test").get().original.name]


@pytest.mark.django_db
def test_word_upload_is_converted_from_the_bucket_into_the_bucket(
    s3_storage, converter, worker_client, dossier, decision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(worker_client, dossier, decision, "courrier.docx", samples.docx_bytes("Dans le seau"))

    document = Document.objects.across_centres(reason="test").get()
    assert document.status == Document.Status.REGISTERED
    stored = objects(s3_storage)
    assert set(stored) == {document.original.name, document.pdf.name}
    assert stored[document.pdf.name].startswith(b"%PDF-")
    assert anonymous_get(s3_storage, document.pdf.name).status_code == 403


# --- the bucket fails -----------------------------------------------------------------------------------


class OverQuotaBucket(http.server.BaseHTTPRequestHandler):
    """An S3 endpoint whose bucket is over its quota, as Ceph's gateway answers: every write refused."""

    def do_HEAD(self):  # noqa: N802 - http.server's names
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<?xml version='1.0'?><Error><Code>QuotaExceeded</Code><Message>quota</Message></Error>"
        self.send_response(403)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_DELETE(self):  # noqa: N802
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def over_quota_bucket(s3_server, settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OverQuotaBucket)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    storage = s3_server.storage_settings("primaweb-full")
    storage["OPTIONS"]["endpoint_url"] = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    yield
    server.shutdown()
    server.server_close()


@pytest.fixture
def bucket_gone(s3_storage, settings):
    """The bucket the settings name no longer exists (or the keys no longer open it): every call fails."""
    server, _bucket = s3_storage
    storage = server.storage_settings(f"primaweb-gone-{threading.get_ident()}")
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return s3_storage


@pytest.mark.django_db
def test_upload_to_a_bucket_over_its_quota_says_the_storage_is_full(
    over_quota_bucket, worker_client, dossier, decision, caplog
):
    response = upload(worker_client, dossier, decision, "Décision.pdf", samples.pdf_bytes())

    assert response.status_code == 200
    assert "Espace de stockage insuffisant" in response.content.decode()
    assert not Document.objects.across_centres(reason="test").exists()
    assert any(record.levelname == "ERROR" and "storage full" in record.message for record in caplog.records)


@pytest.mark.django_db
def test_upload_to_a_failing_bucket_says_so_and_records_nothing(
    bucket_gone, worker_client, dossier, decision, caplog
):
    response = upload(worker_client, dossier, decision, "Décision.pdf", samples.pdf_bytes())

    assert response.status_code == 200
    assert "Le stockage des fichiers est indisponible" in response.content.decode()
    assert not Document.objects.across_centres(reason="test").exists()
    failed = [record for record in caplog.records if "storage failed" in record.message]
    assert failed and all(record.levelname == "ERROR" for record in failed)


@pytest.mark.django_db
def test_replace_on_a_failing_bucket_keeps_the_document_as_it_was(
    s3_storage, worker_client, document, settings
):
    before = objects(s3_storage)
    server, _bucket = s3_storage
    settings.STORAGES = {**settings.STORAGES, "default": server.storage_settings("primaweb-gone-replace")}

    response = worker_client.post(
        reverse("documents:replace", args=[document.pk]),
        {"file": SimpleUploadedFile("nouvelle.pdf", samples.pdf_bytes(pages=3))},
        follow=True,
    )

    assert response.status_code == 200
    assert "Le stockage des fichiers est indisponible" in response.content.decode()
    kept = Document.objects.across_centres(reason="test").get(pk=document.pk)
    assert (kept.version, kept.original.name, kept.pdf.name) == (
        document.version,
        document.original.name,
        document.pdf.name,
    )
    assert objects(s3_storage) == before


@pytest.mark.django_db
def test_conversion_with_the_bucket_unreachable_waits_and_loses_nothing(s3_storage, centre, settings):
    document = document_in(centre, status="pending")
    server, bucket = s3_storage
    unreachable = server.storage_settings(bucket)
    unreachable["OPTIONS"]["endpoint_url"] = "http://127.0.0.1:1"  # nothing listens there
    settings.STORAGES = {**settings.STORAGES, "default": unreachable}

    with pytest.raises(services.ConversionPostponed):
        services.document_convert(document_id=document.pk, version=document.version)

    document.refresh_from_db()
    assert document.status == Document.Status.PENDING
    assert objects(s3_storage) == {document.original.name: samples.pdf_bytes()}
