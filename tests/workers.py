"""For tests that run a Celery worker in a thread of their own process."""

from django.db import connection


def end_worker_sessions() -> None:
    """Ends the database sessions a stopped worker thread left open: a worker keeps its connection between
    tasks (CONN_MAX_AGE), and the thread that owned it is gone, so the test database could not be dropped.
    Only idle sessions: a live server's request in flight is left alone."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )
