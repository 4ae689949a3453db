"""Bad input is refused before any call to the BCSS, with the reason at the field."""

import pytest
from freezegun import freeze_time

from dossiers.forms import DossierSearchForm, NissForm, PhoneticForm


def phonetic(**overrides):
    data = {
        "last_name": "Dupont",
        "first_name": "",
        "birth_day": "15",
        "birth_month": "03",
        "birth_year": "1985",
        "tolerance": "",
        "gender": "",
    } | overrides
    return PhoneticForm(data)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("85073003428", "Le chiffre de contrôle du NISS est incorrect."),
        ("8507300342", "Le NISS compte 11 chiffres (10 donnés)."),
        ("850730034271", "Le NISS compte 11 chiffres (12 donnés)."),
        ("85O73003427", "Le NISS ne contient que des chiffres."),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_bad_niss_is_refused_with_its_reason(value, message):
    form = NissForm({"niss": value})
    assert not form.is_valid()
    assert message in form.errors["niss"]


@pytest.mark.parametrize("value", ["85073003427", "85.07.30-034.27", " 850730 034 27 ", "00400100155"])
def test_valid_national_and_bis_numbers_are_accepted_in_any_common_notation(value):
    form = NissForm({"niss": value})
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["niss"]) == 11


def test_complete_birth_date_needs_no_tolerance():
    form = phonetic()
    assert form.is_valid(), form.errors
    criteria = form.criteria()
    assert (criteria.birth_date, criteria.tolerance) == ("1985-03-15", None)


@pytest.mark.parametrize(("day", "month"), [("00", "10"), ("00", "00")])
def test_incomplete_birth_date_without_tolerance_is_refused_at_the_tolerance(day, month):
    form = phonetic(birth_day=day, birth_month=month, birth_year="2000")
    assert not form.is_valid()
    assert "Une date de naissance incomplète demande une tolérance (0 à 10)." in form.errors["tolerance"]


def test_incomplete_birth_date_with_tolerance_zero_is_accepted():
    form = phonetic(birth_day="00", birth_month="10", birth_year="2000", tolerance="0")
    assert form.is_valid(), form.errors
    assert form.criteria().birth_date == "2000-10-00"


@pytest.mark.parametrize("tolerance", ["11", "-1"])
def test_tolerance_outside_zero_to_ten_is_refused(tolerance):
    form = phonetic(tolerance=tolerance)
    assert not form.is_valid()
    assert "La tolérance va de 0 à 10." in form.errors["tolerance"]


@freeze_time("2026-11-24")
def test_birth_date_in_the_future_is_refused():
    form = phonetic(birth_day="25", birth_month="11", birth_year="2026")
    assert not form.is_valid()
    assert "La date de naissance est dans le futur." in form.errors["birth_year"]


@pytest.mark.parametrize(
    ("day", "month", "year"), [("31", "02", "1990"), ("10", "00", "1990"), ("01", "13", "1990")]
)
def test_impossible_birth_date_is_refused(day, month, year):
    form = phonetic(birth_day=day, birth_month=month, birth_year=year)
    assert not form.is_valid()
    assert "Cette date de naissance n'existe pas." in form.errors["birth_year"]


def test_missing_last_name_is_refused_at_the_field():
    form = phonetic(last_name="")
    assert not form.is_valid()
    assert "last_name" in form.errors


def test_missing_birth_date_is_refused():
    form = phonetic(birth_day="", birth_month="", birth_year="")
    assert not form.is_valid()
    assert "La date de naissance est obligatoire" in form.errors["birth_year"][0]


def test_dossier_search_needs_a_criterion():
    form = DossierSearchForm({"niss": "", "name": "", "number": ""})
    assert not form.is_valid()
    assert "Indiquez un NISS, un nom ou un numéro de dossier." in form.non_field_errors()
