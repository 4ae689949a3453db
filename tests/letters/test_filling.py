"""Fields found and filled wherever Word and LibreOffice put them."""

from pathlib import Path

from docx import Document

from letters import filling
from tests.letters.docx import split_runs, template, text_of

FIXTURES = Path(__file__).parent / "fixtures"


def test_fields_in_body_table_header_and_footer_are_found_and_filled():
    data = template(
        "Madame, Monsieur {{ beneficiaire.nom }},",
        header="{{ centre.nom }}",
        footer="Dossier {{dossier.numero}}",
        table=[["Date", "{{ date }}"]],
    )

    assert filling.fields_in(data) == ["beneficiaire.nom", "date", "centre.nom", "dossier.numero"]
    filled = filling.fill(
        data,
        {
            "beneficiaire.nom": "Dupont",
            "centre.nom": "CPAS de Namur",
            "dossier.numero": "42",
            "date": "1 mars",
        },
    )

    text = text_of(filled)
    assert "Madame, Monsieur Dupont," in text
    assert "CPAS de Namur" in text and "Dossier 42" in text and "1 mars" in text
    assert "{{" not in text


def test_a_field_split_over_runs_as_word_saves_it_is_filled_keeping_the_first_runs_formatting():
    data = split_runs(
        ("Nom : ", False), ("{{ benef", True), ("iciaire.n", False), ("om }}", False), (" fin", False)
    )

    assert filling.fields_in(data) == ["beneficiaire.nom"]
    filled = filling.fill(data, {"beneficiaire.nom": "Dupont"})

    runs = Document(__import__("io").BytesIO(filled)).paragraphs[0].runs
    assert [run.text for run in runs] == ["Nom : ", "Dupont", "", "", " fin"]
    assert runs[1].bold is True  # the field's first run
    assert runs[0].bold is False and runs[4].bold is False  # the runs around it keep theirs


def test_two_fields_in_one_run_and_a_multi_line_value():
    data = template("{{ beneficiaire.prenom }} {{ beneficiaire.nom }}", "{{ adresse_legale }}")

    filled = filling.fill(
        data,
        {"beneficiaire.prenom": "Jean", "beneficiaire.nom": "Dupont", "adresse_legale": "Rue 1\n5000 Namur"},
    )

    text = text_of(filled)
    assert "Jean Dupont" in text
    assert "Rue 1\n5000 Namur" in text  # a line break in the same paragraph


def test_a_template_saved_by_libreoffice_is_read_and_filled():
    data = (FIXTURES / "libreoffice.docx").read_bytes()

    names = filling.fields_in(data)
    assert {"beneficiaire.nom", "dossier.numero", "centre.nom", "adresse_legale"} <= set(names)
    filled = filling.fill(data, dict.fromkeys(names, "VALEUR"))

    text = text_of(filled)
    assert "{{" not in text
    assert text.count("VALEUR") >= len(names)


def test_bytes_that_are_not_a_docx_are_unreadable():
    import pytest

    with pytest.raises(filling.TemplateUnreadable):
        filling.fields_in(b"PK\x03\x04 not really a zip")
