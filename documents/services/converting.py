"""Converting a document's original to PDF on a worker: the run under a lease, how each failure ends,
and the conversions taken back when nobody holds them.

The row is the conversion queue's truth: the broker only wakes a worker up, and a document whose
wake-up was lost is queued again by the sweep (`selectors.conversions_due`). A failure leaves no file
behind and loses nothing.
"""

import contextlib
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from .. import conversion, failures, validation
from ..failures import Failure
from ..models import Document, DocumentEvent
from ..selectors import documents_by_id
from ..validation import FileRefused
from .conversion_run import Conversion, early_conversion
from .conversion_statements import lease_taken, registered_with_event
from .history import event_reason, event_record
from .storage import STORAGE_ERRORS, StorageFailed, StorageFull, remove_after_commit, store

logger = logging.getLogger(__name__)


def lease(seconds: float | None = None):
    return timezone.now() + timezone.timedelta(
        seconds=settings.CONVERSION_LEASE_SECONDS if seconds is None else seconds
    )


def queue_conversion(document: Document) -> None:
    """Wakes a worker once committed. The row says the document waits (its lease); if the broker cannot
    be reached, the sweep queues it later: the upload itself has succeeded. The message also names the
    stored original, which the worker starts converting while it takes the lease."""
    from ..tasks import convert_document

    document_id, version, original = document.pk, document.version, document.original.name

    def wake():
        try:
            convert_document.delay(document_id, version, original)
        except Exception:  # noqa: BLE001 - any broker failure; the row stays queued
            logger.warning(
                "Could not queue the conversion of document %s; the sweep will queue it",
                document_id,
                exc_info=True,
            )

    transaction.on_commit(wake)


class ConversionPostponed(Exception):
    """The conversion will be tried again (the caller retries later); the document waits, with a note.
    `cause` is what happened, for the logs."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


def document_convert(
    *, document_id: int, version: int, retry_in: float = 0, original: str = ""
) -> Document | None:
    """Converts the document's original to PDF, if it still needs it; safe to run any number of times,
    at once too (a document held by a living worker's lease is left to it).

    `original`, the stored original's name as the upload's message gives it, is read and sent to the
    converter while the lease is taken, so that the conversion does not wait for that round trip. Its
    result is used only if the leased row names that same file; otherwise it is waited for and dropped
    (the row's own file is converted instead, or nothing when the lease was not taken).

    How each failure ends is decided here, once, from `conversion`'s classification: the file's fault
    leaves the document « Conversion échouée » with the reason; the converter's fault (down, restarting)
    never does, it raises `ConversionPostponed`, as do a database or storage error; a time limit or a
    crash of LibreOffice are charged to the file only at the second time
    (settings.CONVERSION_MAX_TIMEOUTS / _MAX_CRASHES); an unknown failure at the
    settings.CONVERSION_MAX_UNKNOWN-th. `retry_in` is when the caller will try again, in seconds: the
    document's lease lasts that long plus CONVERSION_LEASE_SECONDS, so the sweep does not queue it too.
    """
    # Started first: nothing below is needed before the lease is, when the conversion ends.
    running = early_conversion(original)
    # The lease in one statement, its own transaction: the document must still wait for this version's
    # conversion, and nobody may hold a living lease on it. Should it fail with an error, the early
    # conversion ends on its own and is forgotten.
    document = lease_taken(document_id=document_id, version=version, now=timezone.now(), until=lease())
    if document is None:  # converted, failed, deleted, replaced, or another worker converts it now
        if running is not None:
            running.dropped()
        return documents_by_id().filter(pk=document_id).first()
    try:
        if running is not None and not running.is_of(document):
            logger.warning("The conversion message of document %s named another file: dropped", document_id)
            _renewing_lease(document, running)
            running = None
        if running is None:
            with default_storage.open(document.original.name, "rb") as stored:
                running = Conversion(document.original.name, document.original_extension, stored.read())
        pdf = _convert_holdinglease(document, running)
        return _conversion_succeeded(document=document, version=version, pdf=pdf)
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
    except (DatabaseError, StorageFailed, *STORAGE_ERRORS) as exc:
        logger.warning("Conversion of document %s cut by %r; tried again", document_id, exc)
        _postpone(document, None, retry_in)
        raise ConversionPostponed(exc) from exc


def _renewing_lease(document: Document, running: Conversion) -> None:
    """Waits for the conversion while this thread renews the document's lease: a worker that dies stops
    renewing it, and the sweep takes the document back within a lease."""
    while not running.wait(settings.CONVERSION_LEASE_SECONDS / 3):
        documents_by_id().filter(
            pk=document.pk, version=document.version, status=Document.Status.CONVERTING
        ).update(lease_until=lease())


def _convert_holdinglease(document: Document, running: Conversion) -> bytes:
    """The conversion's PDF, its lease renewed until it is done (`_renewing_lease`)."""
    _renewing_lease(document, running)
    return running.result()


def _charge(document: Document, counter: str, limit: int, reason: Failure, cause: Exception, retry_in: float):
    """Counts one more failure of this kind against the file: at `limit`, the file is refused."""
    with transaction.atomic():
        current = (
            documents_by_id().select_for_update().filter(pk=document.pk, version=document.version).first()
        )
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
        documents_by_id().filter(
            pk=document.pk, version=document.version, status__in=Document.IN_CONVERSION
        ).update(
            status=Document.Status.PENDING,
            failure_reason=str(note or ""),
            failure=note.as_dict() if note else {},
            lease_until=lease(retry_in + settings.CONVERSION_LEASE_SECONDS),
        )


def document_conversion_requeue(*, document_id: int, version: int) -> bool:
    """Takes back a document whose lease ran out, for the caller to queue: it waits again, with a new
    lease. False when something else took it meanwhile."""
    now = timezone.now()
    return bool(
        documents_by_id()
        .filter(
            models.Q(lease_until__lt=now) | models.Q(lease_until__isnull=True),
            pk=document_id,
            version=version,
            status__in=Document.IN_CONVERSION,
            deleted_at__isnull=True,
        )
        .update(status=Document.Status.PENDING, lease_until=lease())
    )


def _conversion_succeeded(*, document: Document, version: int, pdf: bytes) -> Document | None:
    """`document` is the row as the lease was taken: its folder is known without reading it again."""
    document_id = document.pk
    # Only a checked PDF is stored and registered: the same rules as an uploaded PDF. A hostile document
    # can make LibreOffice write a PDF that acts on its own (a link to a local file becomes a link the
    # reader opens without a web address). Checked before it is stored, so a refused PDF never reaches the
    # store: checking it in a thread while it is stored gained nothing, the check holding the interpreter
    # the store's flushes wait for.
    try:
        pages = validation.check_pdf(pdf)
    except FileRefused as refusal:
        _remove_earlier_attempt(document, version)
        reason = Failure("pdf_refused", {"reason": failures.from_refusal(refusal)})
        return document_conversion_failed(document_id=document_id, version=version, reason=reason)
    stored = _store_pdf(document, version, pdf)
    event = DocumentEvent(
        document_id=document_id, kind=DocumentEvent.Kind.CONVERTED, by=None, details={"pages": pages}
    )
    # Registered only if still this version's conversion (not deleted, replaced or failed meanwhile).
    written = registered_with_event(
        document_id=document_id,
        version=version,
        pdf=stored,
        pages=pages,
        converted_at=timezone.now(),
        event=event,
    )
    if written is None:
        document = documents_by_id().filter(pk=document_id).first()
        if document is None or stored != document.pdf.name:
            remove_after_commit(stored)
        return document
    for name, value in written.items():
        setattr(document, name, value)
    return document


def _store_pdf(document: Document, version: int, pdf: bytes) -> str:
    """Stores the conversion's PDF; returns its storage name. Named after the version, so a re-run after a
    crash overwrites its own output instead of leaving a second file (LibreOffice does not write the same
    bytes twice). Never the document's current PDF."""
    earlier = _earlier_attempt(document, version)
    if earlier:
        default_storage.delete(earlier)
    return store(document, f"v{version}.pdf", pdf)


def _earlier_attempt(document: Document, version: int) -> str:
    """Where an earlier attempt at this version's conversion may have left its PDF (a worker killed between
    storing and registering it), unless that is the document's current PDF."""
    path = document.storage_path(f"v{version}.pdf")
    return "" if path == document.pdf.name else path


def _remove_earlier_attempt(document: Document, version: int) -> None:
    """Removes what an earlier attempt may have left, when this one's PDF is refused and stores nothing. One
    that cannot be removed is named by no document, so nothing serves it: said in the log, and
    `manage.py storage_audit` lists it."""
    earlier = _earlier_attempt(document, version)
    try:
        if earlier:
            default_storage.delete(earlier)
    except STORAGE_ERRORS:
        logger.exception("Could not remove the PDF an earlier attempt left: %s", earlier)


def document_conversion_failed(*, document_id: int, version: int, reason: Failure) -> Document | None:
    """Leaves the document visibly « Conversion échouée » with the reason (a code, put in words in the
    reader's language); the original is kept."""
    with transaction.atomic():
        document = documents_by_id().select_for_update().filter(pk=document_id).first()
        if document is None or document.version != version or document.status not in Document.IN_CONVERSION:
            return document
        document.status = Document.Status.FAILED
        document.failure_reason = str(reason)[:2000]
        document.failure = reason.as_dict()
        document.lease_until = None
        document.save(update_fields=["status", "failure_reason", "failure", "lease_until"])
        event_record(document=document, kind=DocumentEvent.Kind.FAILED, by=None, **event_reason(reason))
    return document


def document_preview_pdf(*, name: str, data: bytes) -> bytes:
    """The PDF the workers would make of an upload, made now and kept nowhere (a letter's preview).

    The same rules as an upload (`FileRefused`) and the same converter (`conversion.ConversionError`,
    whose `ConverterUnavailable` means: try again later); nothing is written anywhere.
    """
    checked = validation.validate_upload(name=name, data=data)
    if checked.extension == "pdf":
        return data
    return conversion.convert_to_pdf(data=data, extension=checked.extension)
