"""Writes of the documents app: upload, conversion, replacement, archiving, deletion, and their history.

The rule throughout: files are written inside the transaction that records them and removed if it
does not commit; once it has committed, nothing that fails afterwards removes them (`storage`). The
row is the conversion queue's truth (`converting`). The eBox app moves a document's status only
through `sending`. What a worker does to a document is in `editing`. The names other apps and the
screens use are the ones below.
"""

from .converting import (
    ConversionPostponed,
    document_conversion_failed,
    document_conversion_requeue,
    document_convert,
    document_preview_pdf,
)
from .editing import (
    DocumentLocked,
    DuplicateUpload,
    document_archive,
    document_delete,
    document_pdf_refusal,
    document_record_access,
    document_replace,
    document_retry,
    document_upload,
    read_upload,
)
from .history import event_record
from .sending import (
    document_mark_read,
    document_mark_send_to_verify,
    document_mark_sending,
    document_mark_sent,
    document_record_send_failure,
    document_reply_record,
)
from .storage import StorageFailed, StorageFull

__all__ = [
    "ConversionPostponed",
    "DocumentLocked",
    "DuplicateUpload",
    "StorageFailed",
    "StorageFull",
    "document_archive",
    "document_conversion_failed",
    "document_conversion_requeue",
    "document_convert",
    "document_delete",
    "document_mark_read",
    "document_mark_send_to_verify",
    "document_mark_sending",
    "document_mark_sent",
    "document_pdf_refusal",
    "document_preview_pdf",
    "document_record_access",
    "document_record_send_failure",
    "document_replace",
    "document_reply_record",
    "document_retry",
    "document_upload",
    "event_record",
    "read_upload",
]
