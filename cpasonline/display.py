"""Presentation helpers shared by CPAS Online's screens and PDFs (dates and NISS: `primaweb.display`)."""

from django.utils import translation

from primaweb.communes import get_commune


def address_line(obj, language: str | None = None) -> str:
    """Street, number, box, postal code and commune of anything that has them (a request, an identity)."""
    commune = get_commune(obj.commune_nis) if obj.commune_nis else None
    locality = commune.name(language) if commune is not None else ""
    line = " ".join(part for part in (obj.street, obj.house_number) if part)
    if obj.box:
        # The box number's abbreviation of each language (« bte », « bus », « Bfk. »).
        with translation.override(language or translation.get_language()):
            box = translation.pgettext("mailbox number in an address", "bte")
        line = f"{line} {box} {obj.box}"
    town = " ".join(part for part in (obj.postal_code, locality) if part)
    return ", ".join(part for part in (line, town) if part) or "/"
