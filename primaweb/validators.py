from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat
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


def validate_nis_code(value: str) -> None:
    if get_commune(value) is None:
        raise ValidationError(
            _("« %(value)s » n'est pas le code INS d'une commune belge."),
            code="invalid_nis",
            params={"value": value},
        )
