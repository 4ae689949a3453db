"""The fields a letter template may hold, and their values for one dossier.

A field's value comes from the dossier and the register data kept with it (the beneficiary's legal data
as the BCSS gave it), the centre, the worker, the day, and the free text the worker adds. No database
access beyond the objects passed in.
"""

from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

FREE_TEXT = "texte_libre"

FIELDS = {
    "beneficiaire.nom": _("nom du bénéficiaire"),
    "beneficiaire.prenom": _("prénom(s) du bénéficiaire"),
    "beneficiaire.niss": _("NISS du bénéficiaire"),
    "beneficiaire.date_naissance": _("date de naissance du bénéficiaire"),
    "dossier.numero": _("numéro de dossier"),
    "centre.nom": _("nom du C.P.A.S."),
    "centre.adresse": _("adresse du C.P.A.S."),
    "centre.telephone": _("téléphone du C.P.A.S."),
    "centre.email": _("adresse e-mail du C.P.A.S."),
    "agent.nom": _("nom de l'agent qui rédige le courrier"),
    "date": _("date du jour"),
    "adresse_legale": _("adresse légale du bénéficiaire (registre national)"),
    "adresse_residence": _("adresse de résidence effective du bénéficiaire"),
    FREE_TEXT: _("texte libre ajouté par l'agent"),
}


@dataclass(frozen=True)
class Filled:
    """The values of a template's fields for one dossier; `empty` names the fields that yield nothing."""

    values: dict[str, str]
    empty: list[str]


def unknown_fields(names: list[str]) -> list[str]:
    return [name for name in names if name not in FIELDS]


def values_for(*, names: list[str], dossier, centre, author, language: str, free_text: str = "") -> Filled:
    """The value of each of `names` for the dossier, written in `language` (dates, the centre's name)."""
    person = dossier.beneficiary
    with translation.override(language):
        every = {
            "beneficiaire.nom": person.last_name,
            "beneficiaire.prenom": person.first_names,
            "beneficiaire.niss": person.niss_display,
            "beneficiaire.date_naissance": ""
            if person.birth_date_display == "/"
            else person.birth_date_display,
            "dossier.numero": dossier.number,
            "centre.nom": centre.name_nl if language == "nl" and centre.name_nl else centre.name_fr,
            "centre.adresse": " ".join(
                p for p in (centre.street, centre.postal_code, centre.commune_name) if p
            ),
            "centre.telephone": centre.phone,
            "centre.email": centre.email,
            "agent.nom": (author.get_full_name() or author.get_username()) if author else "",
            "date": formats.date_format(timezone.localdate(), "j F Y"),
            "adresse_legale": "\n".join(person.legal_address_lines),
            "adresse_residence": "\n".join(person.effective_address_lines),
            FREE_TEXT: free_text.strip(),
        }
    values = {name: every[name] for name in names if name in every}
    # The free text is the worker's to give or not; every other field must yield something.
    empty = [name for name, value in values.items() if not value.strip() and name != FREE_TEXT]
    return Filled(values=values, empty=empty)
