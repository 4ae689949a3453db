"""How the screens and the PDFs show a date and a NISS: one function each, for every app."""

from stdnum.be import nn


def date_display(value: str) -> str:
    """A register date, yyyy-mm-dd (00 allowed for an unknown day or month), as JJ/MM/AAAA, or « / »."""
    if not value or len(value) != 10:
        return "/"
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def niss_display(niss: str) -> str:
    """A NISS as the register writes it (YY.MM.DD-SSS.CC); anything else as it is."""
    return nn.format(niss) if len(niss) == 11 and niss.isdigit() else niss
