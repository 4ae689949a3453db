"""Another centre's object ids answer 404 on every URL that takes an id: never 403, never data."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import sign_in
from tests.factories import CentreFactory, MembershipFactory
from tests.tenancy import SWEEP_EXCLUDED_NAMESPACES, TENANT_OBJECTS


def _patterns_with_ids(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            if entry.namespace in SWEEP_EXCLUDED_NAMESPACES:
                continue
            yield from _patterns_with_ids(entry, inner)
        elif isinstance(entry, URLPattern) and entry.pattern.converters and entry.name:
            yield f"{namespace}:{entry.name}".strip(":")


URL_NAMES = sorted(set(_patterns_with_ids()))


def test_the_sweep_finds_the_urls_that_take_ids():
    assert "primaweb:audit_event" in URL_NAMES


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_every_url_taking_an_id_has_a_factory_for_the_sweep(url_name):
    assert url_name in TENANT_OBJECTS, f"Add {url_name!r} to tests/tenancy.py so the tenancy sweep covers it."


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", URL_NAMES)
@pytest.mark.parametrize("role", ["social_worker", "administrator"])
def test_another_centres_object_answers_404(client, url_name, role):
    own, foreign = CentreFactory(), CentreFactory(brussels=True)
    sign_in(client, MembershipFactory(centre=own, role=role).user, own)
    url = reverse(url_name, kwargs=TENANT_OBJECTS[url_name](foreign))

    statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}

    # 405 only means the view takes the other method; whatever it takes answers 404.
    assert set(statuses.values()) <= {404, 405}, statuses
    assert 404 in statuses.values(), statuses
    assert foreign.name_fr.encode() not in client.get(url).content


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", URL_NAMES)
def test_own_centres_object_is_reachable(client, url_name):
    """The same URLs do answer for one's own centre, so the 404s above prove the scoping."""
    own = CentreFactory()
    sign_in(client, MembershipFactory(centre=own, role="administrator").user, own)
    url = reverse(url_name, kwargs=TENANT_OBJECTS[url_name](own))
    statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    assert statuses["get"] in {200, 302} or statuses["post"] in {200, 302}, statuses
