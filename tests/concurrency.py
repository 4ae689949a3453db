"""A colleague's request at the same moment: its change made and not yet committed while a test's request
runs, committed once that request waits for the rows it locked."""

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, transaction

# Row locks to wait on: SQLite has none (make test falls back to it only when no PostgreSQL can be had).
needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two transactions waiting on a row lock: PostgreSQL only"
)

# Whether some other backend waits for a lock this one holds.
_SOMEONE_WAITS = (
    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid)))"
)


@contextlib.contextmanager
def committed_meanwhile(change: Callable[[], object], *, timeout: float = 10) -> Iterator[None]:
    """Runs `change()` in a transaction on a connection of its own (another thread) and keeps it open: the
    block starts while the change is uncommitted, and the change commits as soon as another connection
    (the block's request) waits for a lock it holds. Fails the test if `change()` raised, or if nothing
    in the block ever waited for it (then the block did not race the change at all). PostgreSQL only."""
    made, done, failures, waited = threading.Event(), threading.Event(), [], []

    def colleague() -> None:
        try:
            with transaction.atomic():
                change()
                made.set()
                deadline = time.monotonic() + timeout
                while not done.is_set() and time.monotonic() < deadline:
                    with connection.cursor() as cursor:
                        cursor.execute(_SOMEONE_WAITS)
                        if cursor.fetchone()[0]:
                            waited.append(True)
                            break
                    time.sleep(0.01)
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            failures.append(exc)
            made.set()
        finally:
            connection.close()

    thread = threading.Thread(target=colleague, name="colleague")
    thread.start()
    try:
        assert made.wait(timeout), "the colleague's change was not made in time"
        assert not failures, failures
        yield
    finally:
        done.set()
        thread.join(timeout)
    assert not failures, failures
    assert waited, "the request never waited for the colleague's uncommitted change"
