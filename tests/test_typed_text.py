"""Typed text: no control character or bidi override reaches a screen or a PDF, in any form of the project."""

import importlib
import inspect
import pkgutil
from io import BytesIO

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.test import Client, RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from cpasonline.forms import RequestForm
from cpasonline.models import OnlineRequest
from dossiers.forms import EffectiveAddressForm
from primaweb.forms import TypedTextMixin
from primaweb.models import Centre, Membership
from tests.cpasonline.conftest import typed_request
from tests.factories import CentreFactory, MembershipFactory, UserFactory
from tests.tenancy import ADMIN_PLATFORM_OBJECTS, ADMIN_TENANT_OBJECTS

PROJECT_APPS = ("primaweb", "dossiers", "documents", "ebox", "centrebox", "cpasonline", "letters")
RLO = "\u202e"


def project_forms() -> list[type]:
    found = set()
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            name = module_info.name
            # The admin builds its forms at run time: they are walked below, through its model admins.
            # The settings and migrations hold no form.
            if ".settings" in name or ".migrations" in name or name.endswith(".admin"):
                continue
            module = importlib.import_module(name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                    found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_form_of_the_project_cleans_its_typed_text():
    everything = project_forms()
    assert RequestForm in everything and EffectiveAddressForm in everything  # the walk does find them
    unprotected = [
        f"{cls.__module__}.{cls.__qualname__}" for cls in everything if not issubclass(cls, TypedTextMixin)
    ]
    assert unprotected == []


@pytest.mark.parametrize("character", [RLO, "\u202d", "\u2066", "\u200f", "\x07", "\x1b"])
def test_a_bidi_override_or_control_character_in_an_address_is_refused(character):
    form = EffectiveAddressForm(
        {
            "effective_street": f"Rue de Fer{character}",
            "effective_house_number": "12",
            "effective_postal_code": "5000",
            "effective_locality": "Namur",
        }
    )
    assert not form.is_valid()
    assert f"U+{ord(character):04X}" in form.errors["effective_street"][0]
    assert "caractère invisible" in form.errors["effective_street"][0]


def test_zero_width_characters_are_dropped_and_a_textarea_keeps_its_line_breaks():
    form = RequestForm(
        typed_request(
            street="Rue\u200b de\u00ad\u2028Fer\ufeff",
            last_name="De\u200dlacroix",
            description="Première ligne\r\nDeuxième ligne\tavec tabulation",
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["street"] == "Rue de Fer"
    assert form.cleaned_data["last_name"] == "Delacroix"
    assert form.cleaned_data["description"] == "Première ligne\r\nDeuxième ligne\tavec tabulation"


def test_a_password_field_is_left_as_typed():
    class WithPassword(TypedTextMixin, forms.Form):
        password = forms.CharField(widget=forms.PasswordInput)

    form = WithPassword({"password": "a\u200bb\u202ec"})
    assert form.is_valid() and form.cleaned_data["password"] == "a\u200bb\u202ec"


@pytest.fixture
def namur(db):
    return CentreFactory(nis_code="92094", language="fr", name_fr="CPAS de Namur")


@pytest.mark.django_db
def test_cpas_online_refuses_a_reversed_address_with_a_message_and_keeps_the_answers(client, namur):
    page = client.post(reverse("cpasonline:form"), typed_request(street=f"{RLO}Rue de Fer"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "caractère invisible" in text and "U+202E" in text
    assert 'value="Louise"' in text
    assert not OnlineRequest.objects.exists()


@pytest.mark.django_db
def test_cpas_online_says_it_in_dutch(client, namur):
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.post(reverse("cpasonline:form"), typed_request(last_name=f"Delacroix{RLO}"))
    assert "onzichtbaar teken" in page.content.decode()
    assert not OnlineRequest.objects.exists()


@pytest.mark.django_db
def test_the_acknowledgement_pdf_shows_the_address_in_reading_order(
    client, namur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cpasonline:form"), typed_request(street="Rue\u200b de Fer", house_number="12\u2060")
        )
    assert response.status_code == 302
    stored = OnlineRequest.objects.get()
    with stored.acknowledgement.open("rb") as file:
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(file.read())).pages)
    assert "Rue de Fer 12" in text
    assert "reF ed" not in text and "\u200b" not in text


# --- the Django admin: every form it builds for the project's model admins ---------------------------

PROJECT_ADMINS = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label in PROJECT_APPS
)


def _admin_forms(model_admin, request, obj):
    """Every form class the admin builds for `obj` (None: the add page) and the list, for `request`."""
    # The list's editable rows: get_changelist_form() through the formset, with the list's fields.
    found = [model_admin.get_form(request, obj), model_admin.get_changelist_formset(request).form]
    found.extend(formset.form for formset, _inline in model_admin.get_formsets_with_inlines(request, obj))
    found.append(model_admin.action_form)
    if hasattr(model_admin, "change_password_form"):
        found.append(model_admin.change_password_form)
    return found


def _text_fields(form):
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
    ]


def _bound(form_class, user, data):
    # The password form is built for the account whose password it sets.
    return form_class(user, data) if issubclass(form_class, AdminPasswordChangeForm) else form_class(data)


def test_the_admin_walk_finds_the_project_model_admins():
    assert {"primaweb.Centre", "primaweb.User", "documents.DocumentType", "centrebox.CentreLabel"} <= set(
        PROJECT_ADMINS
    )


@pytest.mark.django_db
@pytest.mark.parametrize("label", PROJECT_ADMINS)
def test_every_admin_form_of_the_project_refuses_a_bidi_override(label):
    centre = CentreFactory()
    administrator = MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user
    superuser = UserFactory(is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[apps.get_model(label)]
    own = (
        ADMIN_TENANT_OBJECTS[label](centre)
        if label in ADMIN_TENANT_OBJECTS
        else ADMIN_PLATFORM_OBJECTS[label]()
    )
    checked = 0
    for user in (administrator, superuser):
        request = RequestFactory().get("/admin/")
        request.user = user
        for obj in (None, own):
            for form_class in _admin_forms(model_admin, request, obj):
                name = f"{label} {form_class.__name__} for {user}"
                assert issubclass(form_class, TypedTextMixin), name
                form = _bound(form_class, user, None)
                form = _bound(form_class, user, dict.fromkeys(_text_fields(form), f"Rue de Fer{RLO} 12"))
                for field in _text_fields(form):
                    assert any("U+202E" in error for error in form.errors.get(field, [])), (name, field)
                    checked += 1
    if label in {"primaweb.Centre", "primaweb.User", "documents.DocumentType", "centrebox.CentreLabel"}:
        assert checked, "the walk reached no text field"


@pytest.mark.django_db
def test_a_centre_name_with_a_bidi_override_is_refused_in_the_admin_with_a_message():
    namur = CentreFactory(nis_code="92094", language="fr", name_fr="CPAS de Namur")
    administrator = MembershipFactory(centre=namur, role=Membership.Role.ADMINISTRATOR).user
    client = Client()
    client.force_login(administrator)
    data = {
        "name_fr": f"CPAS de {RLO}Namur",
        "name_nl": namur.name_nl,
        "language": namur.language,
        "street": namur.street,
        "postal_code": namur.postal_code,
        "phone": namur.phone,
        "email": namur.email,
    }

    page = client.post(reverse("admin:primaweb_centre_change", args=[namur.pk]), data)

    assert page.status_code == 200
    text = page.content.decode()
    assert "caractère invisible" in text and "U+202E" in text
    assert Centre.objects.get(pk=namur.pk).name_fr == "CPAS de Namur"
