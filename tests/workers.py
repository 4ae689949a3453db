"""For tests that run a Celery worker in a thread of their own process."""

import contextlib
import logging

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


def _loggers() -> list[logging.Logger]:
    manager = logging.root.manager
    return [logging.root, *(item for item in manager.loggerDict.values() if isinstance(item, logging.Logger))]


def logging_state() -> dict:
    """Each logger's level, handlers, propagation and whether it is disabled."""
    return {
        logger.name: (logger.level, list(logger.handlers), logger.propagate, logger.disabled)
        for logger in _loggers()
    }


def _restore_logging(state: dict) -> None:
    """Each logger of `state` as it was (one made since is left as its library made it)."""
    for logger in _loggers():
        if logger.name in state:
            level, handlers, logger.propagate, logger.disabled = state[logger.name]
            logger.handlers[:] = handlers
            logger.setLevel(level)  # which also forgets the levels the loggers below had derived


@contextlib.contextmanager
def worker_in_thread(app, settings):
    """A Celery worker in a thread of this process (Celery's testing worker, solo pool), the tasks no longer
    run eagerly meanwhile. Celery's start of it sets the root logger to ERROR and gives `celery.task` a
    handler of its own: the logging is put back as it was afterwards, or every later test of the run would
    see no WARNING in `caplog`, and one that asserts none was logged could not fail."""
    from celery.contrib.testing.worker import start_worker

    saved = logging_state()
    app.conf.update(task_always_eager=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        _restore_logging(saved)
        app.conf.update(task_always_eager=True)
        end_worker_sessions()
