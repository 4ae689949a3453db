"""A colleague's request at the same moment: its change made and not yet committed while a test's request
runs, committed while that request waits for the rows it locked."""

import contextlib
import threading
from collections.abc import Callable, Iterator

from django.db import connection, transaction


@contextlib.contextmanager
def committed_meanwhile(change: Callable[[], object], *, after: float = 0.5) -> Iterator[None]:
    """Runs `change()` in a transaction on a connection of its own (another thread) and keeps it open: the
    block starts while the change is uncommitted, and the change commits `after` seconds into the block.
    PostgreSQL only (SQLite has no row locks to wait on). Fails the test if `change()` raised."""
    made, release, failures = threading.Event(), threading.Event(), []

    def colleague() -> None:
        try:
            with transaction.atomic():
                change()
                made.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            failures.append(exc)
            made.set()
        finally:
            connection.close()

    thread = threading.Thread(target=colleague, name="colleague")
    thread.start()
    timer = threading.Timer(after, release.set)
    try:
        made.wait(10)
        assert not failures, failures
        timer.start()
        yield
    finally:
        timer.cancel()
        release.set()
        thread.join(10)
    assert not failures, failures
