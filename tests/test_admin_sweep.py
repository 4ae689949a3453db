"""The tenancy wall holds in the Django admin: every registered model admin, walked for a centre
administrator of one centre against the rows of another.

Another centre's rows are never listed, never found at their own URLs (404), never offered by an
autocomplete, and never accepted in a foreign-key or many-to-many field of a submitted form; the same
URLs do answer 200 for the administrator's own rows, so the refusals prove the scoping. A model admin
without a factory in tests/tenancy.py fails the sweep.
"""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.forms import ModelMultipleChoiceField
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse

from primaweb.admin import CentreAdministratorMixin
from primaweb.models import Centre, Membership, User
from tests.factories import CentreFactory, MembershipFactory, UserFactory
from tests.tenancy import ADMIN_PLATFORM_OBJECTS, ADMIN_TENANT_OBJECTS

REGISTERED = sorted(model._meta.label for model in admin.site._registry)
TENANT = [
    label
    for label in REGISTERED
    if isinstance(admin.site._registry[apps.get_model(label)], CentreAdministratorMixin)
]
PLATFORM = [label for label in REGISTERED if label not in TENANT]
RELATIONS = sorted(
    (model._meta.label, field.name)
    for model in admin.site._registry
    for field in model._meta.get_fields()
    if field.is_relation and not field.auto_created and field.related_model in admin.site._registry
)


def _url(label, view, obj=None):
    opts = apps.get_model(label)._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[quote(obj.pk)] if obj else [])


def _object_urls(label, obj):
    urls = [_url(label, view, obj) for view in ("change", "history", "delete")]
    if label == "primaweb.User":
        urls.append(reverse("admin:auth_user_password_change", args=[obj.pk]))
    return urls


def _snapshot():
    """Every row of every model the admin shows a centre administrator, to prove nothing was written."""
    labels = {*ADMIN_TENANT_OBJECTS, "primaweb.Membership", "primaweb.User"}
    return {
        label: sorted(
            (model_to_dict(row) for row in apps.get_model(label).objects.all()), key=lambda r: r["id"]
        )
        for label in labels
    }


@pytest.fixture
def walls(db):
    own, foreign = CentreFactory(), CentreFactory(brussels=True)
    administrator = MembershipFactory(centre=own, role=Membership.Role.ADMINISTRATOR).user
    client = Client()
    client.force_login(administrator)
    return SimpleNamespace(own=own, foreign=foreign, administrator=administrator, client=client)


def test_the_sweep_walks_the_centre_models_and_the_platform_ones():
    assert {"primaweb.Membership", "primaweb.User", "documents.DocumentType"} <= set(TENANT)
    assert "auth.Group" in PLATFORM
    assert ("primaweb.Membership", "user") in RELATIONS


@pytest.mark.parametrize("label", REGISTERED)
def test_every_model_admin_has_a_factory_for_the_sweep(label):
    table = ADMIN_TENANT_OBJECTS if label in TENANT else ADMIN_PLATFORM_OBJECTS
    assert label in table, f"Add {label!r} to tests/tenancy.py so the admin sweep covers its model admin."


@pytest.mark.django_db
@pytest.mark.parametrize("label", TENANT)
def test_changelist_lists_only_the_administrators_centres_rows(walls, label):
    own, foreign = ADMIN_TENANT_OBJECTS[label](walls.own), ADMIN_TENANT_OBJECTS[label](walls.foreign)
    for query in ("", f"?centre__id__exact={walls.foreign.pk}", f"?q={walls.foreign.name_fr}"):
        response = walls.client.get(_url(label, "changelist") + query)
        assert response.status_code in {200, 302}, (query, response.status_code)
        content = response.content.decode()
        assert _url(label, "change", foreign) not in content, query
        if "?q=" not in query:  # the search box echoes what was typed
            assert walls.foreign.name_fr not in content, query
    assert _url(label, "change", own) in walls.client.get(_url(label, "changelist")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("label", TENANT)
def test_another_centres_row_is_not_found_at_any_of_its_admin_urls(walls, label):
    foreign = ADMIN_TENANT_OBJECTS[label](walls.foreign)
    before = _snapshot()
    for url in _object_urls(label, foreign):
        for method in ("get", "post"):
            response = getattr(walls.client, method)(url, {"post": "yes"} if method == "post" else None)
            assert response.status_code == 404, (method, url, response.status_code)
            assert walls.foreign.name_fr.encode() not in response.content
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("label", TENANT)
def test_the_administrators_own_row_is_reachable_at_its_admin_urls(walls, label):
    """The control of the 404s above: the same URLs answer 200 for a row of the administrator's centre."""
    own = ADMIN_TENANT_OBJECTS[label](walls.own)
    model_admin = admin.site._registry[apps.get_model(label)]
    request = RequestFactory().get("/")
    request.user = walls.administrator
    assert walls.client.get(_url(label, "changelist")).status_code == 200
    for url in _object_urls(label, own):
        expected = 200
        if url == _url(label, "delete", own) and not model_admin.has_delete_permission(request, own):
            expected = 403  # this admin keeps its rows for good, for everyone but a superuser
        assert walls.client.get(url).status_code == expected, url


@pytest.mark.django_db
@pytest.mark.parametrize("label", PLATFORM)
def test_platform_model_admins_are_closed_to_a_centre_administrator(walls, label):
    row = ADMIN_PLATFORM_OBJECTS[label]()
    for url in (_url(label, "changelist"), _url(label, "add"), *_object_urls(label, row)):
        response = walls.client.get(url)
        assert response.status_code in {403, 404}, (url, response.status_code)
    superuser = Client()
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert superuser.get(_url(label, "change", row)).status_code == 200


def _foreign_ids(model, walls):
    """Ids of `model` that belong to the other centre, or to no centre administrator at all."""
    if model is Centre:
        return [walls.foreign.pk]
    if model is User:
        return [
            MembershipFactory(centre=walls.foreign).user.pk,
            UserFactory(is_superuser=True, is_staff=True).pk,
            UserFactory(is_staff=True).pk,
        ]
    if model._meta.label in ADMIN_TENANT_OBJECTS:
        return [ADMIN_TENANT_OBJECTS[model._meta.label](walls.foreign).pk]
    if model._meta.label in ADMIN_PLATFORM_OBJECTS:
        return [ADMIN_PLATFORM_OBJECTS[model._meta.label]().pk]
    pytest.fail(f"The sweep cannot make a foreign {model._meta.label}: add it to tests/tenancy.py.")


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "field_name"), RELATIONS)
def test_autocomplete_never_offers_another_centres_rows(walls, label, field_name):
    remote = apps.get_model(label)._meta.get_field(field_name).related_model
    remote_label = remote._meta.label
    own = ADMIN_TENANT_OBJECTS[remote_label](walls.own) if remote_label in ADMIN_TENANT_OBJECTS else None
    foreign = {str(pk) for pk in _foreign_ids(remote, walls)}
    app_label, model_name = label.split(".")
    response = walls.client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name.lower(), "field_name": field_name, "term": ""},
    )
    assert response.status_code in {200, 403, 404}, response.status_code
    if response.status_code == 200:
        ids = {row["id"] for row in response.json()["results"]}
        assert not ids & foreign, ids & foreign
        if own is not None:
            assert str(own.pk) in ids  # the control: the administrator's own rows are offered


def _form_data(response):
    """What the admin page's forms would submit untouched, and every model choice field in them."""
    data, choices = {}, []
    forms = [(response.context["adminform"].form, None)]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        # An extra row's own id is not read (the row is new): the ids of the existing rows are.
        forms.extend(
            (form, formset.model._meta.pk.name if form.empty_permitted else None) for form in formset.forms
        )
    for form, ignored in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif value not in (None, False):
                data[key] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
            if getattr(field, "queryset", None) is not None and not field.disabled and name != ignored:
                choices.append((key, field))
    return data, choices


@pytest.mark.django_db
@pytest.mark.parametrize("label", TENANT)
def test_add_and_change_forms_refuse_another_centres_ids_in_every_choice_field(walls, label):
    own = ADMIN_TENANT_OBJECTS[label](walls.own)
    refused = 0
    for url in (_url(label, "add"), _url(label, "change", own)):
        page = walls.client.get(url)
        if page.status_code == 403:
            assert walls.client.post(url, {}).status_code == 403
            continue
        assert page.status_code == 200, url
        data, choices = _form_data(page)
        for key, field in choices:
            for foreign_id in _foreign_ids(field.queryset.model, walls):
                prefilled = walls.client.get(f"{url}?{key}={foreign_id}")
                assert walls.foreign.name_fr.encode() not in prefilled.content, (url, key)
                before = _snapshot()
                value = [str(foreign_id)] if isinstance(field, ModelMultipleChoiceField) else str(foreign_id)
                response = walls.client.post(url, {**data, key: value})
                assert response.status_code == 200, (url, key, foreign_id, response.status_code)
                assert key in _errors(response), (url, key, foreign_id)
                assert _snapshot() == before, (url, key, foreign_id)
                refused += 1
    # A model admin whose forms have no choice field open to a centre administrator refuses nothing.
    assert refused or not _has_open_choice(label, walls)


def _errors(response):
    """The prefixed names of the fields with an error, in the form and its inline forms."""
    names = {
        response.context["adminform"].form.add_prefix(n) for n in response.context["adminform"].form.errors
    }
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            names |= {form.add_prefix(n) for n in form.errors}
    return names


def _has_open_choice(label, walls):
    request = RequestFactory().get("/")
    request.user = walls.administrator
    model_admin = admin.site._registry[apps.get_model(label)]
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        return False
    form = model_admin.get_form(request)()
    return any(getattr(field, "queryset", None) is not None for field in form.fields.values())
