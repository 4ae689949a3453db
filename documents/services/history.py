"""The document's history: one event per thing that happened to it."""

from primaweb.models import User

from ..failures import Failure
from ..models import Document, DocumentEvent


def event_record(*, document: Document, kind: str, by: User | None, **details) -> DocumentEvent:
    return DocumentEvent.objects.create(document=document, kind=kind, by=by, details=details)


def event_reason(reason: Failure) -> dict:
    # The code is what the history shows, in the reader's language; the text stays for the log's reader.
    return {"failure": reason.as_dict(), "reason": str(reason)[:500]}
