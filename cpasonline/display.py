"""Presentation helpers shared by the screens and the PDFs."""

from django.utils import translation

from primaweb.communes import get_commune


def date_display(value: str) -> str:
    """yyyy-mm-dd (00 allowed) as JJ/MM/AAAA, or « / »."""
    if not value or len(value) != 10:
        return "/"
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


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
