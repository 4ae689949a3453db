"""What a worker does to a document: upload, replace, retry its conversion, archive, delete; who opened
it; whether its PDF may leave Primaweb."""

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_noop

from dossiers.models import Dossier
from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_consultation, audit_record

from .. import selectors
from ..models import Document, DocumentEvent, DocumentType
from ..validation import FileRefused, ValidatedFile, check_pdf, validate_upload
from .converting import lease, queue_conversion
from .history import event_record
from .storage import files_removed_unless_committed, remove_after_commit, store


class DocumentLocked(Exception):
    """The action is not allowed in the document's state (sent documents cannot be replaced or deleted)."""


class DuplicateUpload(Exception):
    """The same file is already in this dossier; the worker confirms to upload it again."""

    def __init__(self, existing: Document):
        super().__init__(existing.pk)
        self.existing = existing


def read_upload(file, limit: int) -> bytes:
    """Reads at most `limit` + 1 bytes, so an over-size file is recognised without being read whole."""
    file.seek(0)
    return file.read(limit + 1)


def _lock_dossier_uploads(dossier: Dossier) -> None:
    """Serialises the uploads to one dossier until the transaction ends, so that the duplicate check and
    the insert that follows it are one step: ten identical uploads at once make one document."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_UPLOAD_LOCK, dossier.pk])


_UPLOAD_LOCK = 0x0D0C  # the advisory locks' namespace of the documents' uploads


def document_upload(
    *,
    centre: Centre,
    dossier: Dossier,
    name: str,
    data: bytes,
    document_type: DocumentType,
    by: User,
    allow_duplicate: bool = False,
    request: HttpRequest | None = None,
) -> Document:
    """Validates and stores an upload for `dossier`, then queues its conversion to PDF.

    Raises `FileRefused` (with the reason) for a file that breaks a rule, `DuplicateUpload` when the
    same content is already in the dossier and `allow_duplicate` is false (checked under a lock of the
    dossier's uploads: identical uploads at once make one document), and `StorageFull`. Once this
    returns, the document and its file are kept, even if its conversion could not be queued yet. A PDF
    is kept as it is and is registered at once; other formats are « En attente de conversion » until a
    worker converts them.
    """
    if dossier.centre_id != centre.pk or document_type.centre_id != centre.pk:
        raise ValueError("The dossier and the document type must belong to the centre.")
    checked = validate_upload(name=name, data=data)
    with files_removed_unless_committed() as (written, committed), transaction.atomic():
        transaction.on_commit(committed)
        _lock_dossier_uploads(dossier)
        if not allow_duplicate:
            existing = selectors.duplicate_in_dossier(dossier=dossier, sha256=checked.sha256)
            if existing is not None:
                raise DuplicateUpload(existing)
        document = Document(
            centre=centre,
            dossier=dossier,
            document_type=document_type,
            uploaded_by=by,
            **_file_fields(checked),
        )
        _store_original(document, checked, data, name=f"original.{checked.extension}", written=written)
        document.save()
        event_record(
            document=document,
            kind=DocumentEvent.Kind.UPLOADED,
            by=by,
            name=checked.name,
            size=checked.size,
        )
        _register_or_queue(document, checked)
        audit_record(action=AuditEvent.Action.CREATE, by=by, centre=centre, target=document, request=request)
    return document


def _register_or_queue(document: Document, checked: ValidatedFile) -> None:
    """A PDF kept as is is registered now (its history says so); anything else goes to a worker."""
    if document.status == Document.Status.REGISTERED:
        event_record(
            document=document,
            kind=DocumentEvent.Kind.CONVERTED,
            by=None,
            pages=checked.pages,
            kept_as_is=True,
        )
    else:
        queue_conversion(document)


def _file_fields(checked: ValidatedFile) -> dict:
    return {
        "original_name": checked.name,
        "original_extension": checked.extension,
        "content_type": checked.content_type,
        "size": checked.size,
        "sha256": checked.sha256,
    }


def _store_original(
    document: Document, checked: ValidatedFile, data: bytes, *, name: str, written: list[str]
) -> None:
    """Stores the checked file as the document's original (listed in ``written``, removed if the
    transaction rolls back), then sets its PDF and status from it: an upload and a replacement alike."""
    document.original.name = store(document, name, data)
    written.append(document.original.name)
    _set_pdf_if_ready(document, checked)


def _set_pdf_if_ready(document: Document, checked: ValidatedFile) -> None:
    if checked.extension == "pdf":
        # A PDF upload was checked (it opens, it has pages) and is kept as it is.
        document.pdf.name = document.original.name
        document.pages = checked.pages
        document.status = Document.Status.REGISTERED
        document.converted_at = timezone.now()
    else:
        document.pdf.name = ""
        document.pages = None
        document.status = Document.Status.PENDING
        document.converted_at = None
        # A worker should take it within the lease; otherwise its wake-up was lost: the sweep requeues.
        document.lease_until = lease()
    document.failure_reason = ""
    document.failure = {}
    document.conversion_timeouts = document.conversion_crashes = document.conversion_errors = 0


@transaction.atomic
def document_retry(*, document: Document, by: User) -> Document:
    """« Réessayer »: queues the conversion of a failed document again."""
    document = Document.objects.for_centre(document.centre_id).select_for_update().get(pk=document.pk)
    if document.status != Document.Status.FAILED or document.deleted_at is not None:
        raise DocumentLocked(document.status)
    document.status = Document.Status.PENDING
    document.failure_reason = ""
    document.failure = {}
    document.lease_until = lease()
    document.conversion_timeouts = document.conversion_crashes = document.conversion_errors = 0
    document.save(
        update_fields=[
            "status",
            "failure_reason",
            "failure",
            "lease_until",
            "conversion_timeouts",
            "conversion_crashes",
            "conversion_errors",
        ]
    )
    event_record(document=document, kind=DocumentEvent.Kind.RETRIED, by=by)
    queue_conversion(document)
    return document


def document_replace(
    *, document: Document, name: str, data: bytes, by: User, request: HttpRequest | None = None
) -> Document:
    """« Remplacer document »: a new file for a document not yet sent; the previous files go once committed.

    Raises `DocumentLocked` for a sent or deleted document, `FileRefused` for a file that breaks a rule
    and `StorageFull`. Once committed, the new file is kept and the old ones removed, whatever follows.
    """
    if not document.is_editable:
        raise DocumentLocked(document.status)
    checked = validate_upload(name=name, data=data)
    with files_removed_unless_committed() as (written, committed), transaction.atomic():
        transaction.on_commit(committed)
        document = Document.objects.for_centre(document.centre_id).select_for_update().get(pk=document.pk)
        if not document.is_editable:
            raise DocumentLocked(document.status)
        previous = {document.original.name, document.pdf.name}
        previous_name = document.original_name
        document.version += 1
        for field, value in _file_fields(checked).items():
            setattr(document, field, value)
        name = f"original-v{document.version}.{checked.extension}"
        _store_original(document, checked, data, name=name, written=written)
        document.save()
        event_record(
            document=document,
            kind=DocumentEvent.Kind.REPLACED,
            by=by,
            previous=previous_name,
            name=checked.name,
            version=document.version,
        )
        _register_or_queue(document, checked)
        audit_record(
            action=AuditEvent.Action.CHANGE,
            by=by,
            centre=document.centre,
            target=document,
            request=request,
            details={"replaced": previous_name},
        )
        remove_after_commit(*(previous - {document.original.name, document.pdf.name}))
    return document


@transaction.atomic
def document_archive(*, document: Document, by: User, archived: bool = True) -> Document:
    """« Archiver » / « Désarchiver »: archived documents move to « Anciens documents »."""
    document = Document.objects.for_centre(document.centre_id).select_for_update().get(pk=document.pk)
    if document.deleted_at is not None or (document.archived_at is not None) == archived:
        return document
    document.archived_at = timezone.now() if archived else None
    document.save(update_fields=["archived_at"])
    kind = DocumentEvent.Kind.ARCHIVED if archived else DocumentEvent.Kind.UNARCHIVED
    event_record(document=document, kind=kind, by=by)
    return document


@transaction.atomic
def document_delete(*, document: Document, by: User, request: HttpRequest | None = None) -> Document:
    """« Supprimer »: only before sending. The files are removed; the document's history stays."""
    document = Document.objects.for_centre(document.centre_id).select_for_update().get(pk=document.pk)
    if not document.is_editable:
        raise DocumentLocked(document.status)
    files = {document.original.name, document.pdf.name}
    document.deleted_at = timezone.now()
    document.original.name = ""
    document.pdf.name = ""
    document.save(update_fields=["deleted_at", "original", "pdf"])
    event_record(document=document, kind=DocumentEvent.Kind.DELETED, by=by)
    audit_record(
        action=AuditEvent.Action.DELETE, by=by, centre=document.centre, target=document, request=request
    )
    remove_after_commit(*files)
    return document


# The screen each way of opening a document's PDF is traced as.
ACCESS_SCREENS = {
    DocumentEvent.Kind.VIEWED: gettext_noop("Document (PDF)"),
    DocumentEvent.Kind.DOWNLOADED: gettext_noop("Sauvegarder"),
    DocumentEvent.Kind.PRINTED: gettext_noop("Imprimer"),
}


def document_record_access(*, document: Document, by: User, kind: str, request: HttpRequest) -> None:
    """Who opened, saved or printed which document: in its history, and in the audit trail as a
    consultation of the beneficiary's data on that screen."""
    event_record(document=document, kind=kind, by=by)
    audit_consultation(
        request=request,
        what=ACCESS_SCREENS[kind],
        target=document,
        persons=[document.dossier.beneficiary.niss],
        details={"access": kind},
    )


def document_pdf_refusal(*, data: bytes) -> FileRefused | None:
    """Why the bytes of a document's PDF may not leave Primaweb, or None when they may.

    The same check as an upload's (`validation.check_pdf`: unreadable, encrypted, active content), made
    again on what is about to be sent: a PDF stored before a rule existed, or put in the storage by
    other means, must not reach the citizen's reader either.
    """
    try:
        check_pdf(data)
    except FileRefused as refusal:
        return refusal
    return None
