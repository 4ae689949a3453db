"""Writes of the documents app: upload, conversion, replacement, archiving, deletion, and their history.

The rule throughout: the database row first, files written next, and a file is removed only once the
transaction that stopped needing it has committed. A failure leaves no file behind and loses nothing.
"""

import hashlib
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from dossiers.models import Dossier
from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_consultation, audit_record

from . import conversion
from .models import Document, DocumentEvent, DocumentType
from .validation import FileRefused, ValidatedFile, check_pdf, validate_upload


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


def _by_id():
    # Conversion tasks and the eBox app name a document by the id that a scoped service queued.
    return Document.objects.across_centres(reason="a document named by the id a scoped service queued")


def event_record(*, document: Document, kind: str, by: User | None, **details) -> DocumentEvent:
    return DocumentEvent.objects.create(document=document, kind=kind, by=by, details=details)


def _store(document: Document, name: str, data: bytes) -> str:
    """Writes a file under the document's folder; returns the storage name actually used."""
    return default_storage.save(document.storage_path(name), ContentFile(data))


@contextmanager
def _files_removed_on_failure():
    """Yields a list to note the files written; if anything fails, they are removed before re-raising."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _remove_after_commit(*names: str) -> None:
    def remove():
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(remove)


def _queue_conversion(document: Document) -> None:
    from .tasks import convert_document

    document_id, version = document.pk, document.version
    transaction.on_commit(lambda: convert_document.delay(document_id, version))


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

    Raises `FileRefused` (with the reason) for a file that breaks a rule, and `DuplicateUpload` when the
    same content is already in the dossier and `allow_duplicate` is false. A PDF is kept as it is and is
    registered at once; other formats are « En attente de conversion » until a worker converts them.
    """
    if dossier.centre_id != centre.pk or document_type.centre_id != centre.pk:
        raise ValueError("The dossier and the document type must belong to the centre.")
    checked = validate_upload(name=name, data=data)
    if not allow_duplicate:
        existing = (
            Document.objects.for_centre(centre)
            .filter(dossier=dossier, sha256=checked.sha256, deleted_at__isnull=True)
            .first()
        )
        if existing is not None:
            raise DuplicateUpload(existing)
    with _files_removed_on_failure() as written, transaction.atomic():
        document = Document(
            centre=centre,
            dossier=dossier,
            document_type=document_type,
            uploaded_by=by,
            **_file_fields(checked),
        )
        document.original.name = _store(document, f"original.{checked.extension}", data)
        written.append(document.original.name)
        _set_pdf_if_ready(document, checked)
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
        _queue_conversion(document)


def _file_fields(checked: ValidatedFile) -> dict:
    return {
        "original_name": checked.name,
        "original_extension": checked.extension,
        "content_type": checked.content_type,
        "size": checked.size,
        "sha256": checked.sha256,
    }


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
    document.failure_reason = ""


def document_convert(*, document_id: int, version: int) -> Document | None:
    """Converts the document's original to PDF, if it still needs it; safe to run any number of times.

    Raises `conversion.ConverterUnavailable` when the converter cannot be reached (the caller retries);
    a file LibreOffice cannot convert leaves the document « Conversion échouée » with the reason.
    """
    with transaction.atomic():
        document = _by_id().select_for_update().filter(pk=document_id).first()
        if document is None or document.version != version or document.status not in Document.IN_CONVERSION:
            return document
        if document.deleted_at is not None:
            return document
        document.status = Document.Status.CONVERTING
        document.save(update_fields=["status"])
    with default_storage.open(document.original.name, "rb") as original:
        data = original.read()
    try:
        pdf = conversion.convert_to_pdf(data=data, extension=document.original_extension)
    except conversion.ConversionFailed as exc:
        return document_conversion_failed(document_id=document_id, version=version, reason=str(exc))
    except conversion.ConverterUnavailable:
        _by_id().filter(pk=document_id, version=version, status=Document.Status.CONVERTING).update(
            status=Document.Status.PENDING
        )
        raise
    return _conversion_succeeded(document_id=document_id, version=version, pdf=pdf)


def _conversion_succeeded(*, document_id: int, version: int, pdf: bytes) -> Document | None:
    from .validation import check_pdf

    try:
        # The same rules as an uploaded PDF: a hostile document can make LibreOffice write a PDF that
        # acts on its own (a link to a local file becomes a link the reader opens without a web address).
        pages = check_pdf(pdf)
    except FileRefused as exc:
        reason = gettext("Le PDF obtenu en convertissant ce fichier est refusé : %(reason)s") % {
            "reason": exc
        }
        return document_conversion_failed(document_id=document_id, version=version, reason=reason)
    document = _by_id().get(pk=document_id)
    # Named after the content, so a re-run after a crash writes the same file instead of a second one.
    name = f"v{version}-{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path = document.storage_path(name)
    stored = path if default_storage.exists(path) else _store(document, name, pdf)
    with transaction.atomic():
        document = _by_id().select_for_update().get(pk=document_id)
        if (
            document.version != version
            or document.status not in Document.IN_CONVERSION
            or document.deleted_at
        ):
            if stored != document.pdf.name:
                _remove_after_commit(stored)
            return document
        document.pdf.name = stored
        document.pages = pages
        document.status = Document.Status.REGISTERED
        document.converted_at = timezone.now()
        document.failure_reason = ""
        document.save(update_fields=["pdf", "pages", "status", "converted_at", "failure_reason"])
        event_record(document=document, kind=DocumentEvent.Kind.CONVERTED, by=None, pages=pages)
    return document


def document_conversion_failed(*, document_id: int, version: int, reason: str) -> Document | None:
    """Leaves the document visibly « Conversion échouée » with the reason; the original is kept."""
    with transaction.atomic():
        document = _by_id().select_for_update().filter(pk=document_id).first()
        if document is None or document.version != version or document.status not in Document.IN_CONVERSION:
            return document
        document.status = Document.Status.FAILED
        document.failure_reason = reason[:2000]
        document.save(update_fields=["status", "failure_reason"])
        event_record(document=document, kind=DocumentEvent.Kind.FAILED, by=None, reason=reason[:500])
    return document


@transaction.atomic
def document_retry(*, document: Document, by: User) -> Document:
    """« Réessayer »: queues the conversion of a failed document again."""
    document = Document.objects.for_centre(document.centre_id).select_for_update().get(pk=document.pk)
    if document.status != Document.Status.FAILED or document.deleted_at is not None:
        raise DocumentLocked(document.status)
    document.status = Document.Status.PENDING
    document.failure_reason = ""
    document.save(update_fields=["status", "failure_reason"])
    event_record(document=document, kind=DocumentEvent.Kind.RETRIED, by=by)
    _queue_conversion(document)
    return document


def document_replace(
    *, document: Document, name: str, data: bytes, by: User, request: HttpRequest | None = None
) -> Document:
    """« Remplacer document »: a new file for a document not yet sent; the previous files go once committed.

    Raises `DocumentLocked` for a sent or deleted document and `FileRefused` for a file that breaks a rule.
    """
    if not document.is_editable:
        raise DocumentLocked(document.status)
    checked = validate_upload(name=name, data=data)
    with _files_removed_on_failure() as written, transaction.atomic():
        document = Document.objects.for_centre(document.centre_id).select_for_update().get(pk=document.pk)
        if not document.is_editable:
            raise DocumentLocked(document.status)
        previous = {document.original.name, document.pdf.name}
        previous_name = document.original_name
        document.version += 1
        for field, value in _file_fields(checked).items():
            setattr(document, field, value)
        document.original.name = _store(document, f"original-v{document.version}.{checked.extension}", data)
        written.append(document.original.name)
        _set_pdf_if_ready(document, checked)
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
        _remove_after_commit(*(previous - {document.original.name, document.pdf.name}))
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
    _remove_after_commit(*files)
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


def stale_conversions(*, older_than: timezone.timedelta):
    """Documents waiting for a conversion for too long: their task was lost or its worker died."""
    limit = timezone.now() - older_than
    return Document.objects.across_centres(reason="beat: every centre's stale conversions").filter(
        status__in=Document.IN_CONVERSION, deleted_at__isnull=True, uploaded_at__lt=limit
    )


# The eBox app moves a document's status through these; they are idempotent (a re-run changes nothing).


@transaction.atomic
def document_mark_sent(*, document_id: int, by: User | None, **details) -> Document:
    """« Envoyé vers eBox avec succès »: from then on the document can be neither replaced nor deleted."""
    document = _by_id().select_for_update().get(pk=document_id)
    if document.status not in (Document.Status.SENT, Document.Status.READ):
        document.status = Document.Status.SENT
        document.save(update_fields=["status"])
    event_record(document=document, kind=DocumentEvent.Kind.SENT, by=by, **details)
    return document


@transaction.atomic
def document_mark_read(*, document_id: int, **details) -> Document:
    """« Lu par le destinataire », once: later calls change nothing."""
    document = _by_id().select_for_update().get(pk=document_id)
    if document.status != Document.Status.READ:
        document.status = Document.Status.READ
        document.save(update_fields=["status"])
        event_record(document=document, kind=DocumentEvent.Kind.READ, by=None, **details)
    return document


def document_record_send_failure(*, document_id: int, by: User | None, reason: str) -> DocumentEvent:
    """« Envoi échoué » in the document's history; the document's own status is left as it was."""
    document = _by_id().get(pk=document_id)
    return event_record(document=document, kind=DocumentEvent.Kind.SEND_FAILED, by=by, reason=reason[:500])


@transaction.atomic
def document_reply_record(*, document_id: int, received_at, message_ref: str) -> Document:
    """The citizen answered the document in their eBox: « réponse reçue », once per reply."""
    document = _by_id().select_for_update().get(pk=document_id)
    if document.events.filter(kind=DocumentEvent.Kind.REPLY_RECEIVED, details__message=message_ref).exists():
        return document
    if document.reply_received_at is None or document.reply_received_at < received_at:
        document.reply_received_at = received_at
        document.save(update_fields=["reply_received_at"])
    DocumentEvent.objects.create(
        document=document,
        kind=DocumentEvent.Kind.REPLY_RECEIVED,
        by=None,
        at=received_at,
        details={"message": message_ref},
    )
    return document
