"""The lock of a dossier's uploads, on PostgreSQL: an upload holds it until its transaction ends, and a
worker whose message left before that commit waits for it.

An upload takes it before its duplicate check, so that the check and the insert that follows are one
step: ten identical uploads at once make one document. Held until the upload's transaction ends, it
also says when that transaction is over: the conversion's message leaves as soon as the document's row
is inserted, and a worker that finds no row yet waits for this lock, then looks again
(`converting.document_convert`). The conversion meanwhile has started on the stored original, instead
of after the upload's history, audit and commit.
"""

import logging

from django.db import DatabaseError, connection, connections

logger = logging.getLogger(__name__)

_UPLOAD_LOCK = 0x0D0C  # the advisory locks' namespace of the documents' uploads


def lock_dossier_uploads(dossier_id: int) -> None:
    """Holds the dossier's upload lock until the transaction ends (PostgreSQL; SQLite writes one at a
    time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_UPLOAD_LOCK, dossier_id])


def message_before_commit() -> bool:
    """Whether the upload's conversion message may leave before its transaction commits: on PostgreSQL,
    where a worker can wait for the upload's lock (`dossier_uploads_ended`), with a real broker (an eager
    task would run inside the upload's transaction), and when the upload's transaction is its own, so
    that it ends when the upload returns."""
    from ..tasks import convert_document

    return (
        connection.vendor == "postgresql"
        and not convert_document.app.conf.task_always_eager
        and len(connection.atomic_blocks) == 1
    )


def dossier_uploads_ended(dossier_id: int, *, using: str, timeout: float) -> bool:
    """Waits until no upload to the dossier holds its lock (at most `timeout` seconds), so that a row
    such an upload inserted is committed, or gone with its transaction. False when it could not wait (the
    wait ran out, the database failed, or this connection is in a transaction, which would then keep the
    lock): the caller then leaves the document to its lease and the sweep."""
    database = connections[using]
    if database.vendor != "postgresql":
        return True  # no message leaves before the commit there (`message_before_commit`)
    if database.in_atomic_block:
        return False
    try:
        with database.cursor() as cursor:
            # Its own transaction: the shared lock is released as soon as it is granted.
            cursor.execute(
                "SELECT pg_advisory_xact_lock_shared(%s, %s) "
                "FROM (SELECT set_config('lock_timeout', %s, true)) AS bounded",
                [_UPLOAD_LOCK, dossier_id, f"{max(1, round(timeout * 1000))}ms"],
            )
    except DatabaseError as exc:
        logger.warning("Could not wait for the uploads to dossier %s to commit: %s", dossier_id, exc)
        return False
    return True
