"""Writes of the documents app: upload, conversion, replacement, archiving, deletion, and their history.

The rule throughout: files are written inside the transaction that records them and removed if it
does not commit; once it has committed, nothing that fails afterwards removes them. A file is removed
only once the transaction that stopped needing it has committed. The row is the conversion queue's
truth: the broker only wakes a worker up, and a document whose wake-up was lost is queued again by the
sweep (`conversions_due`). A failure leaves no file behind and loses nothing.
"""

import contextlib
import errno
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from dossiers.models import Dossier
from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_consultation, audit_record

from . import conversion, failures
from .failures import Failure
from .models import Document, DocumentEvent, DocumentType
from .validation import FileRefused, ValidatedFile, check_pdf, validate_upload

logger = logging.getLogger(__name__)


class DocumentLocked(Exception):
    """The action is not allowed in the document's state (sent documents cannot be replaced or deleted)."""


class StorageFull(Exception):
    """The file store has no room left: nothing was recorded. `str()` is the message for the worker."""

    def __init__(self):
        super().__init__(
            gettext(
                "Espace de stockage insuffisant : le document n'a pas été enregistré. "
                "Réessayez plus tard et prévenez l'administrateur."
            )
        )


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


_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _store(document: Document, name: str, data: bytes) -> str:
    """Writes a file under the document's folder; returns the storage name actually used.

    A write that fails leaves nothing behind (a full disk leaves a partial file otherwise); a full store
    raises `StorageFull` and says so in the log at ERROR, for the administrators."""
    target = default_storage.get_available_name(document.storage_path(name))
    try:
        return default_storage.save(target, ContentFile(data))
    except OSError as exc:
        with contextlib.suppress(OSError):
            default_storage.delete(target)
        if exc.errno in _NO_ROOM:
            logger.error("File storage full: could not write %s (%s)", target, exc)
            raise StorageFull from exc
        raise


@contextmanager
def _files_removed_unless_committed():
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
                with contextlib.suppress(OSError):
                    default_storage.delete(name)
        raise


def _remove_after_commit(*names: str) -> None:
    def remove():
        for name in names:
            if name:
                try:
                    default_storage.delete(name)
                except OSError:
                    # Committed already: a file left behind is found by `manage.py storage_audit`, not a 500.
                    logger.exception("Could not remove the replaced file %s", name)

    transaction.on_commit(remove)


def _queue_conversion(document: Document) -> None:
    """Wakes a worker once committed. The row says the document waits (its lease); if the broker cannot
    be reached, the sweep queues it later: the upload itself has succeeded."""
    from .tasks import convert_document

    document_id, version = document.pk, document.version

    def wake():
        try:
            convert_document.delay(document_id, version)
        except Exception:  # noqa: BLE001 - any broker failure; the row stays queued
            logger.warning(
                "Could not queue the conversion of document %s; the sweep will queue it",
                document_id,
                exc_info=True,
            )

    transaction.on_commit(wake)


def _lock_dossier_uploads(dossier: Dossier) -> None:
    """Serialises the uploads to one dossier until the transaction ends, so that the duplicate check and
    the insert that follows it are one step: ten identical uploads at once make one document."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_UPLOAD_LOCK, dossier.pk])


_UPLOAD_LOCK = 0x0D0C  # the advisory locks' namespace of the documents' uploads


def _lease(seconds: float | None = None):
    return timezone.now() + timezone.timedelta(
        seconds=settings.CONVERSION_LEASE_SECONDS if seconds is None else seconds
    )


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
    with _files_removed_unless_committed() as (written, committed), transaction.atomic():
        transaction.on_commit(committed)
        _lock_dossier_uploads(dossier)
        if not allow_duplicate:
            existing = (
                Document.objects.for_centre(centre)
                .filter(dossier=dossier, sha256=checked.sha256, deleted_at__isnull=True)
                .first()
            )
            if existing is not None:
                raise DuplicateUpload(existing)
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
        # A worker should take it within the lease; otherwise its wake-up was lost: the sweep requeues.
        document.lease_until = _lease()
    document.failure_reason = ""
    document.failure = {}
    document.conversion_timeouts = document.conversion_crashes = document.conversion_errors = 0


class ConversionPostponed(Exception):
    """The conversion will be tried again (the caller retries later); the document waits, with a note.
    `cause` is what happened, for the logs."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


def document_convert(*, document_id: int, version: int, retry_in: float = 0) -> Document | None:
    """Converts the document's original to PDF, if it still needs it; safe to run any number of times,
    at once too (a document held by a living worker's lease is left to it).

    How each failure ends is decided here, once, from `conversion`'s classification: the file's fault
    leaves the document « Conversion échouée » with the reason; the converter's fault (down, restarting)
    never does, it raises `ConversionPostponed`, as do a database or storage error; a time limit or a
    crash of LibreOffice are charged to the file only at the second time
    (settings.CONVERSION_MAX_TIMEOUTS / _MAX_CRASHES); an unknown failure at the
    settings.CONVERSION_MAX_UNKNOWN-th. `retry_in` is when the caller will try again, in seconds: the
    document's lease lasts that long plus CONVERSION_LEASE_SECONDS, so the sweep does not queue it too.
    """
    now = timezone.now()
    with transaction.atomic():
        document = _by_id().select_for_update().filter(pk=document_id).first()
        if document is None or document.version != version or document.status not in Document.IN_CONVERSION:
            return document
        if document.deleted_at is not None:
            return document
        held = document.status == Document.Status.CONVERTING and document.lease_until
        if held and document.lease_until > now:
            return document  # another worker converts it now; if it dies, its lease runs out
        document.status = Document.Status.CONVERTING
        document.lease_until = _lease()
        document.save(update_fields=["status", "lease_until"])
    try:
        with default_storage.open(document.original.name, "rb") as original:
            data = original.read()
        pdf = _convert_holding_lease(document, data)
        return _conversion_succeeded(document_id=document_id, version=version, pdf=pdf)
    except conversion.ConversionFailed as exc:
        return document_conversion_failed(document_id=document_id, version=version, reason=exc.failure)
    except conversion.ConversionTimedOut as exc:
        limit, reason = settings.CONVERSION_MAX_TIMEOUTS, conversion.too_slow_reason()
        return _charge(document, "conversion_timeouts", limit, reason, exc, retry_in)
    except conversion.ConverterCrashed as exc:
        limit, reason = settings.CONVERSION_MAX_CRASHES, conversion.crashes_converter_reason()
        return _charge(document, "conversion_crashes", limit, reason, exc, retry_in)
    except conversion.ConversionUnknownError as exc:
        logger.warning("Conversion of document %s failed for an unknown reason: %s", document_id, exc)
        limit, reason = settings.CONVERSION_MAX_UNKNOWN, conversion.unknown_failure_reason()
        return _charge(document, "conversion_errors", limit, reason, exc, retry_in)
    except conversion.ConverterUnavailable as exc:
        _postpone(document, Failure("waiting_converter"), retry_in)
        raise ConversionPostponed(exc) from exc
    except StorageFull as exc:
        _postpone(document, Failure("storage_full"), retry_in)
        raise ConversionPostponed(exc) from exc
    except (DatabaseError, OSError) as exc:
        logger.warning("Conversion of document %s cut by %r; tried again", document_id, exc)
        _postpone(document, None, retry_in)
        raise ConversionPostponed(exc) from exc


def _convert_holding_lease(document: Document, data: bytes) -> bytes:
    """Converts in a thread while this one renews the document's lease: a worker that dies stops
    renewing it, and the sweep takes the document back within a lease."""
    outcome: dict = {}

    def run():
        try:
            outcome["pdf"] = conversion.convert_to_pdf(data=data, extension=document.original_extension)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"convert-{document.pk}", daemon=True)
    worker.start()
    while True:
        worker.join(settings.CONVERSION_LEASE_SECONDS / 3)
        if not worker.is_alive():
            break
        _by_id().filter(pk=document.pk, version=document.version, status=Document.Status.CONVERTING).update(
            lease_until=_lease()
        )
    if "error" in outcome:
        raise outcome["error"]
    return outcome["pdf"]


def _charge(document: Document, counter: str, limit: int, reason: Failure, cause: Exception, retry_in: float):
    """Counts one more failure of this kind against the file: at `limit`, the file is refused."""
    with transaction.atomic():
        current = _by_id().select_for_update().filter(pk=document.pk, version=document.version).first()
        if current is None or current.status not in Document.IN_CONVERSION:
            return current
        count = getattr(current, counter) + 1
        setattr(current, counter, count)
        current.save(update_fields=[counter])
    if count >= limit:
        return document_conversion_failed(document_id=document.pk, version=document.version, reason=reason)
    _postpone(document, None, retry_in)
    raise ConversionPostponed(cause) from cause


def _postpone(document: Document, note: Failure | None, retry_in: float) -> None:
    """Back to « En attente de conversion », with `note` saying why, until the next try."""
    with contextlib.suppress(DatabaseError):  # the lease runs out all the same: the sweep takes it
        _by_id().filter(pk=document.pk, version=document.version, status__in=Document.IN_CONVERSION).update(
            status=Document.Status.PENDING,
            failure_reason=str(note or ""),
            failure=note.as_dict() if note else {},
            lease_until=_lease(retry_in + settings.CONVERSION_LEASE_SECONDS),
        )


def conversions_due(*, now=None):
    """Documents whose conversion is owed and that nobody holds: waiting past their lease (their task was
    lost, or the broker could not be reached) or converting past it (their worker died)."""
    now = now or timezone.now()
    return Document.objects.across_centres(reason="beat: every centre's conversions due").filter(
        models.Q(lease_until__lt=now) | models.Q(lease_until__isnull=True),
        status__in=Document.IN_CONVERSION,
        deleted_at__isnull=True,
    )


def document_conversion_requeue(*, document_id: int, version: int) -> bool:
    """Takes back a document whose lease ran out, for the caller to queue: it waits again, with a new
    lease. False when something else took it meanwhile."""
    now = timezone.now()
    return bool(
        _by_id()
        .filter(
            models.Q(lease_until__lt=now) | models.Q(lease_until__isnull=True),
            pk=document_id,
            version=version,
            status__in=Document.IN_CONVERSION,
            deleted_at__isnull=True,
        )
        .update(status=Document.Status.PENDING, lease_until=_lease())
    )


def _conversion_succeeded(*, document_id: int, version: int, pdf: bytes) -> Document | None:
    from .validation import check_pdf

    try:
        # The same rules as an uploaded PDF: a hostile document can make LibreOffice write a PDF that
        # acts on its own (a link to a local file becomes a link the reader opens without a web address).
        pages = check_pdf(pdf)
    except FileRefused as exc:
        reason = Failure("pdf_refused", {"reason": failures.from_refusal(exc)})
        return document_conversion_failed(document_id=document_id, version=version, reason=reason)
    document = _by_id().get(pk=document_id)
    # Named after the version, so a re-run after a crash overwrites its own output instead of leaving a
    # second file (LibreOffice does not write the same bytes twice). Never the document's current PDF.
    path = document.storage_path(f"v{version}.pdf")
    if path != document.pdf.name:
        default_storage.delete(path)
    stored = _store(document, f"v{version}.pdf", pdf)
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
        document.failure = {}
        document.lease_until = None
        document.save(
            update_fields=[
                *("pdf", "pages", "status", "converted_at", "failure_reason", "failure", "lease_until")
            ]
        )
        event_record(document=document, kind=DocumentEvent.Kind.CONVERTED, by=None, pages=pages)
    return document


def document_conversion_failed(*, document_id: int, version: int, reason: Failure) -> Document | None:
    """Leaves the document visibly « Conversion échouée » with the reason (a code, put in words in the
    reader's language); the original is kept."""
    with transaction.atomic():
        document = _by_id().select_for_update().filter(pk=document_id).first()
        if document is None or document.version != version or document.status not in Document.IN_CONVERSION:
            return document
        document.status = Document.Status.FAILED
        document.failure_reason = str(reason)[:2000]
        document.failure = reason.as_dict()
        document.lease_until = None
        document.save(update_fields=["status", "failure_reason", "failure", "lease_until"])
        event_record(document=document, kind=DocumentEvent.Kind.FAILED, by=None, **_event_reason(reason))
    return document


@transaction.atomic
def document_retry(*, document: Document, by: User) -> Document:
    """« Réessayer »: queues the conversion of a failed document again."""
    document = Document.objects.for_centre(document.centre_id).select_for_update().get(pk=document.pk)
    if document.status != Document.Status.FAILED or document.deleted_at is not None:
        raise DocumentLocked(document.status)
    document.status = Document.Status.PENDING
    document.failure_reason = ""
    document.failure = {}
    document.lease_until = _lease()
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
    _queue_conversion(document)
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
    with _files_removed_unless_committed() as (written, committed), transaction.atomic():
        transaction.on_commit(committed)
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


def document_preview_pdf(*, name: str, data: bytes) -> bytes:
    """The PDF the workers would make of an upload, made now and kept nowhere (a letter's preview).

    The same rules as an upload (`FileRefused`) and the same converter (`conversion.ConversionError`,
    whose `ConverterUnavailable` means: try again later); nothing is written anywhere.
    """
    checked = validate_upload(name=name, data=data)
    if checked.extension == "pdf":
        return data
    return conversion.convert_to_pdf(data=data, extension=checked.extension)


# The eBox app moves a document's status through these; they are idempotent (a re-run changes nothing).


@transaction.atomic
def document_mark_sent(*, document_id: int, by: User | None, **details) -> Document:
    """« Envoyé vers eBox avec succès »: from then on the document can be neither replaced nor deleted."""
    document = _by_id().select_for_update().get(pk=document_id)
    if document.status not in (Document.Status.SENT, Document.Status.READ):
        document.status = Document.Status.SENT
    document.send_state = ""
    document.save(update_fields=["status", "send_state"])
    event_record(document=document, kind=DocumentEvent.Kind.SENT, by=by, **details)
    return document


def document_mark_sending(*, document_id: int) -> None:
    """« Envoi en cours »: a send was queued (or queued again) and is not settled yet."""
    _set_send_state(document_id, Document.SendState.SENDING)


def document_mark_send_to_verify(*, document_id: int) -> None:
    """« Envoi à vérifier »: the send's answer was lost after it left; a person must check it."""
    _set_send_state(document_id, Document.SendState.TO_VERIFY)


def _set_send_state(document_id: int, state: str) -> None:
    _by_id().filter(pk=document_id).update(send_state=state)


@transaction.atomic
def document_mark_read(*, document_id: int, **details) -> Document:
    """« Lu par le destinataire », once: later calls change nothing."""
    document = _by_id().select_for_update().get(pk=document_id)
    if document.status != Document.Status.READ:
        document.status = Document.Status.READ
        document.save(update_fields=["status"])
        event_record(document=document, kind=DocumentEvent.Kind.READ, by=None, **details)
    return document


def document_record_send_failure(
    *, document_id: int, by: User | None, reason: Failure, no_ebox: bool = False
) -> DocumentEvent:
    """« Envoi échoué » (or « Bénéficiaire sans eBox ») in the document's history and as its shown status;
    the document's own status (registered, sent, read) is left as it was."""
    document = _by_id().get(pk=document_id)
    _set_send_state(document_id, Document.SendState.NO_EBOX if no_ebox else Document.SendState.FAILED)
    kind = DocumentEvent.Kind.SEND_FAILED
    return event_record(document=document, kind=kind, by=by, **_event_reason(reason))


def _event_reason(reason: Failure) -> dict:
    # The code is what the history shows, in the reader's language; the text stays for the log's reader.
    return {"failure": reason.as_dict(), "reason": str(reason)[:500]}


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
