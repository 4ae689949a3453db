import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from stdnum.be import bis, nn, vat
from stdnum.exceptions import ValidationError as StdnumError

from .communes import get_commune


def validate_bce_number(value: str) -> None:
    """A BCE/KBO enterprise number: ten digits starting with 0 or 1, with its check digits."""
    try:
        vat.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro BCE valide."), code="invalid_bce", params={"value": value}
        ) from exc
    if vat.compact(value) != value:
        raise ValidationError(
            _("Le numéro BCE s'écrit en dix chiffres, sans espaces ni points."), code="bce_format"
        )


def validate_niss(value: str) -> None:
    """A national register or BIS number, written as its eleven digits (python-stdnum checks it)."""
    if not (len(value) == 11 and value.isdigit()):
        raise ValidationError(
            _("Le NISS s'écrit en onze chiffres, sans espaces ni points."), code="niss_format"
        )
    if not (nn.is_valid(value) or bis.is_valid(value)):
        raise ValidationError(
            _("« %(value)s » n'est pas un NISS valide (chiffres de contrôle ou date)."),
            code="invalid_niss",
            params={"value": value},
        )


def validate_nis_code(value: str) -> None:
    if get_commune(value) is None:
        raise ValidationError(
            _("« %(value)s » n'est pas le code INS d'une commune belge."),
            code="invalid_nis",
            params={"value": value},
        )


# Characters that change how text is shown without being seen: the bidirectional embeddings, overrides
# and isolates (U+202E turns « Rue de Fer 12 » into « 21 reF ed euR » in a PDF), and the Arabic mark.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Line breaks that a textarea keeps; a one-line field has none (a browser never sends one there).
LINE_CONTROLS = frozenset("\n\r\t")


def strip_invisible(value: str, *, multiline: bool = False) -> str:
    """`value` without the invisible characters that carry nothing in a name, an address or a note.

    Drops the format characters other than the bidi controls (zero-width space and joiners, word joiner,
    soft hyphen, byte-order mark...), which a copy from a web page or a word processor brings along
    unseen; turns the Unicode line and paragraph separators into a newline in a textarea, and a tab into
    a space on one line. The bidi controls and the other control characters are left for
    `TypedTextValidator` to refuse, with a message.
    """
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS:
            kept.append(char)
        elif category == "Cf":
            continue
        elif category in ("Zl", "Zp"):
            kept.append("\n" if multiline else " ")
        elif char == "\t" and not multiline:
            kept.append(" ")
        else:
            kept.append(char)
    return "".join(kept)


@deconstructible
class TypedTextValidator:
    """Refuses control characters and bidi controls in typed text; a textarea keeps its line breaks."""

    message = _(
        "Ce champ contient un caractère invisible qui peut changer l'ordre ou l'affichage du texte "
        "(%(codepoint)s) : retapez-le sans le copier-coller."
    )
    code = "invisible_character"

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        for char in str(value):
            if char in BIDI_CONTROLS or (
                unicodedata.category(char) in ("Cc", "Zl", "Zp")
                and not (self.multiline and char in LINE_CONTROLS)
            ):
                raise ValidationError(
                    self.message, code=self.code, params={"codepoint": f"U+{ord(char):04X}"}
                )

    def __eq__(self, other) -> bool:
        return isinstance(other, TypedTextValidator) and other.multiline == self.multiline
