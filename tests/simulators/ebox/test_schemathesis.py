"""schemathesis against the eBox simulator with the project's OpenAPI documents (REST 2.1 and the
federation 1.3): whatever a caller sends, no answer is a 500, and every answer keeps to the document
(status, content type, schema).

Bounded (25 examples per operation), through the WSGI application in this process, so that it runs in
`make test` in well under a minute.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from simulators.ebox import contract
from simulators.ebox.models import OAuthClient

from .conftest import BASE, SENDER_BCE, token_form


def in_test_transaction(application):
    """The WSGI app without the per-request connection closing (as Django's test client does), so that
    its requests see and roll back with the test's transaction."""

    def app(environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            return application(environ, start_response)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return app


ROOT = BASE + "api/publication/v2.1"
schema = schemathesis.openapi.from_dict(contract.REST.served(ROOT))
schema.app = in_test_transaction(get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def api_caller(token, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.EBOX_SIMULATOR_FAULTS = {}
    OAuthClient.objects.filter(client_id="primaweb").update(organization_bce=SENDER_BCE)
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_request_gets_a_500_or_an_answer_outside_the_document(case, api_caller):
    case.call_and_validate(headers=api_caller, checks=CHECKS)


FEDERATION_ROOT = BASE + "api/federation/v1"
federation_schema = schemathesis.openapi.from_dict(contract.FEDERATION.served(FEDERATION_ROOT))
federation_schema.app = schema.app


@pytest.fixture
def federation_caller(client, publisher, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.EBOX_SIMULATOR_FAULTS = {}
    scope = "scope:documentmanagement:ebox:enterprise:federation-rest:preference"
    response = client.post(BASE + "oauth2/token", token_form(scope=scope))
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@federation_schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_federation_request_gets_a_500_or_an_answer_outside_its_document(case, federation_caller):
    case.call_and_validate(headers=federation_caller, checks=CHECKS)
