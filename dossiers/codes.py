"""Codes the BCSS uses in IdentifyPerson replies, with the labels the screens show."""

from django.utils.translation import gettext_lazy as _

GENDERS = {"1": _("Masculin"), "2": _("Féminin"), "0": _("Inconnu")}

CIVIL_STATES = {
    "10": _("Célibataire"),
    "20": _("Marié(e)"),
    "30": _("Veuf/veuve"),
    "40": _("Divorcé(e)"),
    "50": _("Séparé(e) de corps"),
    "60": _("Cohabitation légale"),
}

REGISTERS = {
    "1": _("Registre de population"),
    "2": _("Registre des étrangers"),
    "3": _("Registre d'attente"),
}

# NIS country codes (Statbel) of the nationalities met most often; others show their code.
COUNTRIES = {
    "150": _("Belgique"),
    "103": _("Allemagne"),
    "111": _("France"),
    "128": _("Italie"),
    "129": _("Pays-Bas"),
    "122": _("Pologne"),
    "124": _("Roumanie"),
    "262": _("Turquie"),
    "306": _("République démocratique du Congo"),
    "351": _("Algérie"),
    "354": _("Maroc"),
    "357": _("Tunisie"),
}


def label(table: dict, code: str) -> str:
    if not code:
        return "/"
    return str(table.get(code, code))
