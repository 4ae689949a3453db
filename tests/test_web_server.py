"""The web server as the image runs it: gunicorn's settings, and the database connection a request leaves."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from gunicorn.config import Config

ROOT = Path(settings.BASE_DIR)


def gunicorn_config() -> Config:
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_the_image_runs_gunicorn_with_the_projects_settings():
    command = (ROOT / "Dockerfile").read_text().split("\nCMD ", 1)[1]
    assert '"--config", "/app/gunicorn.conf.py"' in command


def test_gunicorn_opens_no_control_socket():
    assert gunicorn_config().control_socket_disable is True


def test_gunicorn_serves_with_threads_and_recycles_its_workers():
    config = gunicorn_config()
    assert config.worker_class_str == "gthread"
    assert config.threads > 1
    assert config.max_requests > 0
    assert config.timeout == 60


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_request_leaves_its_database_connection_open_for_the_next(worker_client, home_url):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's backend ids")
    pids = []
    for _ in range(3):
        assert worker_client.get(home_url).status_code == 200
        pids.append(backend_pid())
    assert len(set(pids)) == 1
