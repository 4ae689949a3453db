"""Another centre's object ids answer 404 on every URL that takes an id: never 403, never data.

The same holds for ids in a query string or a form body, and for URLs with two ids where one is the
user's own. Every control request on the user's own objects must really reach the view.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from primaweb.models import AuditEvent
from primaweb.tenancy import is_centre_owned
from tests.conftest import sign_in
from tests.factories import CentreFactory, MembershipFactory
from tests.tenancy import (
    GET_REDIRECTS,
    ID_PARAMETERS,
    MODEL_CHOICE_FIELDS,
    REQUEST_PARAMETERS,
    SWEEP_EXCLUDED_NAMESPACES,
    TENANT_OBJECTS,
)

PROJECT_APPS = ("primaweb", "dossiers", "documents", "cpasonline", "ebox", "centrebox", "letters")


def _patterns_with_ids(resolver=None, namespace="", converters=0):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            if entry.namespace in SWEEP_EXCLUDED_NAMESPACES:
                continue
            yield from _patterns_with_ids(entry, inner, converters + len(entry.pattern.converters))
        elif isinstance(entry, URLPattern) and entry.name:
            count = converters + len(entry.pattern.converters)
            if count:
                yield f"{namespace}:{entry.name}".strip(":"), count


URL_IDS = dict(_patterns_with_ids())
URL_NAMES = sorted(URL_IDS)
TWO_ID_URLS = sorted(name for name, count in URL_IDS.items() if count >= 2)


def _signed_in(client, centre, role="administrator"):
    user = MembershipFactory(centre=centre, role=role).user
    sign_in(client, user, centre)
    return user


def _centre_data():
    """Every centre-owned row but the audit trail (consultations are traced there on purpose)."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and is_centre_owned(model) and model is not AuditEvent:
            rows = model.objects.across_centres(reason="the sweep checks that nothing was written")
            snapshot[model._meta.label] = list(rows.order_by("pk").values())
    return snapshot


def _is_sign_in_page(url: str) -> bool:
    return resolve(url.split("?")[0]).url_name in {"login", "choose_centre"}


def test_the_sweep_finds_the_urls_that_take_ids():
    assert "primaweb:audit_event" in URL_NAMES
    assert {"cpasonline:link_dossier", "centrebox:label_remove"} <= set(TWO_ID_URLS)


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_every_url_taking_an_id_has_a_factory_for_the_sweep(url_name):
    assert url_name in TENANT_OBJECTS, f"Add {url_name!r} to tests/tenancy.py so the tenancy sweep covers it."


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", URL_NAMES)
@pytest.mark.parametrize("role", ["social_worker", "administrator"])
def test_another_centres_object_answers_404(client, url_name, role):
    own, foreign = CentreFactory(), CentreFactory(brussels=True)
    _signed_in(client, own, role)
    url = reverse(url_name, kwargs=TENANT_OBJECTS[url_name](foreign))
    before = _centre_data()

    statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}

    # 405 only means the view takes the other method; whatever it takes answers 404.
    assert set(statuses.values()) <= {404, 405}, statuses
    assert 404 in statuses.values(), statuses
    assert foreign.name_fr.encode() not in client.get(url).content
    assert _centre_data() == before


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", URL_NAMES)
def test_own_centres_object_is_reachable(client, url_name):
    """The same URLs do answer for one's own centre, so the 404s above prove the scoping."""
    own = CentreFactory()
    _signed_in(client, own)
    url = reverse(url_name, kwargs=TENANT_OBJECTS[url_name](own))
    get, post = client.get(url), client.post(url)

    reached = []
    if get.status_code == 200:
        reached.append("get")
    elif get.status_code == 302 and url_name in GET_REDIRECTS:
        assert resolve(get.url.split("?")[0]).view_name == GET_REDIRECTS[url_name], get.url
        reached.append("get")
    if post.status_code == 200 or (post.status_code == 302 and not _is_sign_in_page(post.url)):
        reached.append("post")
    assert reached, {"get": get.status_code, "post": post.status_code}
    for response in (get, post):
        if response.status_code == 302:
            assert not _is_sign_in_page(response.url), response.url


def _mixed_cases():
    for url_name in TWO_ID_URLS:
        for position in range(URL_IDS[url_name]):
            yield pytest.param(url_name, position, id=f"{url_name}-foreign-id-{position + 1}")


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "foreign_position"), list(_mixed_cases()))
def test_one_own_id_does_not_open_another_centres_object(client, url_name, foreign_position):
    """A URL with two ids: the user's own object with another centre's, in either place, is a 404."""
    own, foreign = CentreFactory(), CentreFactory(brussels=True)
    _signed_in(client, own)
    own_kwargs, foreign_kwargs = TENANT_OBJECTS[url_name](own), TENANT_OBJECTS[url_name](foreign)
    swapped = sorted(own_kwargs)[foreign_position]
    url = reverse(url_name, kwargs={**own_kwargs, swapped: foreign_kwargs[swapped]})
    before = _centre_data()

    statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}

    assert set(statuses.values()) <= {404, 405}, statuses
    assert 404 in statuses.values(), statuses
    assert _centre_data() == before
    # The control: all ids the user's own, the same URL answers.
    control = reverse(url_name, kwargs=own_kwargs)
    assert {getattr(client, m)(control).status_code for m in ("get", "post")} - {404, 405}


def _send(client, case, url, value):
    data = {name: (make() if callable(make) else make) for name, make in case.data.items()}
    data[case.param] = value
    return getattr(client, case.method)(url, data)


def _param_error(response, param) -> bool:
    contexts = response.context or []
    return any(
        isinstance(value, forms.BaseForm) and value.is_bound and param in value.errors
        for context in contexts
        for value in context.flatten().values()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("case", ID_PARAMETERS, ids=repr)
def test_another_centres_id_in_a_query_string_or_form_body_is_refused(client, case):
    own, foreign = CentreFactory(), CentreFactory(brussels=True)
    _signed_in(client, own)
    url = reverse(case.url_name, kwargs=case.url(own))
    theirs, mine = case.foreign(foreign), case.foreign(own)

    # The control: the user's own object in the same place is accepted.
    accepted = _send(client, case, url, mine.pk)
    assert accepted.status_code in {200, 302} and not _param_error(accepted, case.param)

    before = _centre_data()
    response = _send(client, case, url, theirs.pk)

    if case.expect == "404":
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and _param_error(response, case.param)
    assert str(theirs).encode() not in response.content
    assert foreign.name_fr.encode() not in response.content
    assert _centre_data() == before


def _request_parameters_read_by_views():
    reads = re.compile(r"request\.(?:GET|POST)(?:\.get\(|\[|\.getlist\()\s*[\"']([\w-]+)[\"']")
    found = {}
    for app in PROJECT_APPS:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "admin.py":
                continue
            for key in reads.findall(path.read_text()):
                found.setdefault(key, path.relative_to(settings.BASE_DIR).as_posix())
    return found


def test_every_request_parameter_a_view_reads_is_known_to_the_sweep():
    unknown = {
        key: where
        for key, where in _request_parameters_read_by_views().items()
        if key not in REQUEST_PARAMETERS
    }
    assert not unknown, (
        "Say in tests/tenancy.py REQUEST_PARAMETERS what these are (an id gets an ID_PARAMETERS case): "
        f"{unknown}"
    )
    swept = {repr(case) for case in ID_PARAMETERS}
    for key, meaning in REQUEST_PARAMETERS.items():
        if meaning.startswith("id:"):
            assert f"{meaning[3:].strip()}?{key}" in swept, key


def _project_forms():
    for app in PROJECT_APPS:
        for module_name in (f"{app}.forms",):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for form in vars(module).values():
                if (
                    inspect.isclass(form)
                    and issubclass(form, forms.BaseForm)
                    and form.__module__ == module_name
                ):
                    yield form


def test_every_form_field_choosing_centre_data_is_swept():
    choosing = {
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelChoiceField) and is_centre_owned(field.queryset.model)
    }
    assert choosing == set(MODEL_CHOICE_FIELDS), (
        "Add a case to tests/tenancy.py ID_PARAMETERS and MODEL_CHOICE_FIELDS."
    )
    swept = {repr(case) for case in ID_PARAMETERS}
    assert set(MODEL_CHOICE_FIELDS.values()) <= swept
