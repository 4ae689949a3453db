"""A Celery worker keeps its database connection from one task to the next, as the web server does from one
request to the next: opening one costs about as much as a short task. A broken one is replaced."""

import logging

import pytest
from django.db import connection

from primaweb.celery import app
from tests.workers import logging_state, worker_in_thread

backend_pids: list[int] = []


@app.task(name="tests.record_backend_pid")
def record_backend_pid() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pids.append(cursor.fetchone()[0])


@pytest.fixture
def celery_worker(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's backend ids")
    backend_pids.clear()
    with worker_in_thread(app, settings):
        yield


def run_task() -> int:
    record_backend_pid.delay().get(timeout=20)
    return backend_pids[-1]


@pytest.mark.django_db(transaction=True)
def test_a_worker_reuses_its_database_connection_between_tasks(celery_worker):
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # the default: kept
    assert run_task() == run_task() == run_task()


@pytest.mark.django_db(transaction=True)
def test_a_worker_replaces_a_connection_the_server_closed(celery_worker):
    first = run_task()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
    second = run_task()
    assert second != first
    assert run_task() == second


@pytest.mark.django_db(transaction=True)
def test_a_worker_thread_leaves_the_logging_as_it_found_it(settings, caplog):
    """Celery's start of a worker sets the root logger to ERROR: left so, every later test would see no
    WARNING in `caplog`."""
    before = logging_state()
    with worker_in_thread(app, settings):
        assert logging_state() != before  # what Celery's start changed
    after = logging_state()  # with the loggers the worker's imports made besides
    assert {name: after[name] for name in before} == before
    logging.getLogger("documents").warning("seen")
    assert "seen" in caplog.text
