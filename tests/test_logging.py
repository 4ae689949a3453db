"""Every process logs one line per record, in one format, with UTC times."""

import io
import logging
import logging.config
import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import CentreFactory, MembershipFactory


@pytest.fixture
def log_output():
    """The project's LOGGING applied as a process applies it, its console written to a buffer."""
    logging.config.dictConfig(settings.LOGGING)
    handler = logging.getLogger().handlers[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.django_db
def test_a_refused_page_prints_its_traceback_once_with_a_utc_time(client, log_output, settings):
    settings.DEBUG = True  # the development server's setting, where Django's own handler also prints
    centre = CentreFactory()
    sign_in(client, MembershipFactory(centre=centre, role="social_worker").user, centre)

    response = client.get(reverse("primaweb:audit_log"))

    assert response.status_code == 403
    output = log_output.getvalue()
    assert output.count("Traceback (most recent call last)") == 1, output
    forbidden = [line for line in output.splitlines() if "Forbidden" in line]
    assert len(forbidden) == 1, output
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 WARNING django\.request: ", forbidden[0])


def test_the_development_server_and_the_workers_log_through_the_same_handler():
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == []
    assert settings.LOGGING["loggers"]["django.server"]["propagate"] is True
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False
