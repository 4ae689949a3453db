"""A worker has more slots than the converter has listeners, however it is started: a conversion's slot
also writes the database and the files and checks the PDF while its listener waits, and with one slot per
listener every listener idled that long on each file of a burst (bench/bench_upload.py)."""

import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings

from primaweb.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _concurrency_options(command: list[str]) -> list[str]:
    return [word for word in command if re.match(r"^(--concurrency|-c|--autoscale)(=|$)", word)]


def test_a_worker_has_twice_as_many_slots_as_the_converter_has_listeners():
    assert settings.CELERY_WORKER_CONCURRENCY == 2 * settings.CONVERTER_LISTENERS
    assert app.conf.worker_concurrency == settings.CELERY_WORKER_CONCURRENCY


def test_neither_make_run_nor_compose_sets_fewer_slots():
    procfile = (ROOT / "Procfile").read_text().splitlines()
    worker = next(line.split(":", 1)[1] for line in procfile if line.startswith("worker:"))
    assert _concurrency_options(shlex.split(worker)) == []
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    worker, converter = compose["services"]["worker"], compose["services"]["converter"]
    command = worker["command"]
    assert _concurrency_options(command if isinstance(command, list) else shlex.split(command)) == []
    # The worker's settings know the converter's listeners: the same variable, the same default.
    listeners = converter["environment"]["PRIMAWEB_CONVERTER_LISTENERS"]
    assert worker["environment"]["PRIMAWEB_CONVERTER_LISTENERS"] == listeners
