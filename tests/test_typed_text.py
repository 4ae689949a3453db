"""Typed text: no control character or bidi override reaches a screen or a PDF, in any form of the project."""

import importlib
import inspect
import pkgutil
from io import BytesIO

import pytest
from django import forms
from django.urls import reverse
from pypdf import PdfReader

from cpasonline.forms import RequestForm
from cpasonline.models import OnlineRequest
from dossiers.forms import EffectiveAddressForm
from primaweb.forms import TypedTextMixin
from tests.cpasonline.conftest import typed_request
from tests.factories import CentreFactory

PROJECT_APPS = ("primaweb", "dossiers", "documents", "ebox", "centrebox", "cpasonline")
RLO = "\u202e"


def project_forms() -> list[type]:
    found = set()
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            name = module_info.name
            # The admin's forms are the admin's to harden; the settings and migrations hold no form.
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
