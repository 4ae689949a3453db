import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from primaweb.models import Centre
from primaweb.services import centre_create
from tests.factories import CentreFactory, bce_from


@pytest.mark.django_db
def test_centre_with_valid_bce_and_commune_is_created_in_the_commune_language():
    centre = centre_create(
        name_fr="CPAS de Gand", name_nl="OCMW Gent", bce_number=bce_from(1), nis_code="44021"
    )
    assert centre.language == "nl"
    assert centre.languages == ("nl",)
    assert not centre.is_bilingual


@pytest.mark.django_db
@pytest.mark.parametrize("nis_code", ["21001", "21009", "21019"])
def test_brussels_centre_is_bilingual(nis_code):
    centre = CentreFactory(nis_code=nis_code)
    assert centre.is_bilingual
    assert centre.languages == ("fr", "nl")


@pytest.mark.django_db
def test_german_speaking_centre_works_in_german():
    centre = centre_create(
        name_fr="CPAS d'Eupen", name_nl="OCMW Eupen", bce_number=bce_from(2), nis_code="63023"
    )
    assert centre.languages == ("de",)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bce_number", ["0123456789", "0212345667", "212345668", "0212.345.668", "2212345668"]
)
def test_invalid_bce_number_is_refused_with_a_clear_message(bce_number):
    with pytest.raises(ValidationError) as excinfo:
        centre_create(name_fr="CPAS", name_nl="OCMW", bce_number=bce_number, nis_code="92094")
    assert "bce_number" in excinfo.value.message_dict
    assert not Centre.objects.exists()


@pytest.mark.django_db
def test_unknown_nis_code_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        centre_create(name_fr="CPAS", name_nl="OCMW", bce_number=bce_from(3), nis_code="99999")
    assert "nis_code" in excinfo.value.message_dict


@pytest.mark.django_db
def test_language_foreign_to_the_commune_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        centre_create(name_fr="CPAS", name_nl="OCMW", bce_number=bce_from(4), nis_code="92094", language="nl")
    assert "language" in excinfo.value.message_dict


@pytest.mark.django_db
def test_bce_number_is_unique():
    CentreFactory(bce_number=bce_from(5))
    with pytest.raises(IntegrityError):
        CentreFactory(bce_number=bce_from(5))


@pytest.mark.django_db
def test_bce_number_is_displayed_in_the_official_format():
    assert CentreFactory(bce_number="0212345668").bce_display == "0212.345.668"
