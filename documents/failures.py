"""Why a conversion or a send failed, stored as a code and its parameters, put in words when shown.

A reason written as text stays in the language of whoever was active when it failed (a Celery worker:
French); stored as `{"code", "params"}` it reads in the language of whoever looks at it. Each app
registers the codes it writes (`register`); a parameter may itself be a stored reason (a file refusal
inside « PDF refusé »). Rows written before the codes existed keep their text (`describe`'s `fallback`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_messages: dict[str, Promise] = {}


def register(messages: Mapping[str, Promise]) -> None:
    _messages.update(messages)


@dataclass(frozen=True)
class Failure:
    code: str
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in _messages and not self.code.startswith(FILE_PREFIX):
            raise ValueError(f"Unknown failure code {self.code!r}")

    def as_dict(self) -> dict:
        return {"code": self.code, "params": self.params}

    def __str__(self) -> str:
        """In the active language: for the logs and the text columns kept beside the code."""
        return describe(self.as_dict())


FILE_PREFIX = "file:"


def from_refusal(refusal) -> dict:
    """A `validation.FileRefused` as a stored reason (its text kept in case its code ever goes)."""
    return {"code": FILE_PREFIX + refusal.code, "params": refusal.params, "text": str(refusal)}


def describe(stored: Mapping | None, fallback: str = "") -> str:
    """The reason in the active language; `fallback` (the old text) when nothing was stored."""
    if not stored or not stored.get("code"):
        return fallback
    code = stored["code"]
    params = {
        key: describe(value) if isinstance(value, Mapping) else value
        for key, value in (stored.get("params") or {}).items()
    }
    if code.startswith(FILE_PREFIX):
        from .validation import MESSAGES

        message = MESSAGES.get(code.removeprefix(FILE_PREFIX))
    else:
        message = _messages.get(code)
    if message is None:
        return stored.get("text") or fallback or code
    try:
        return str(message) % params if params else str(message)
    except (KeyError, TypeError, ValueError):
        return stored.get("text") or fallback or str(message)


register(
    {
        "unreadable": _("LibreOffice n'a pas pu ouvrir ce fichier : il est illisible ou abîmé."),
        "too_slow": _("Ce fichier est trop long à convertir : il a dépassé deux fois la limite de temps."),
        "crashes_converter": _(
            "Ce fichier fait s'arrêter LibreOffice à chaque essai : "
            "il est abîmé ou d'une forme non prise en charge."
        ),
        "unknown": _("La conversion a échoué plusieurs fois sans raison connue. Utilisez « Réessayer »."),
        "pdf_refused": _("Le PDF obtenu en convertissant ce fichier est refusé : %(reason)s"),
        "waiting_converter": _("En attente du convertisseur : la conversion reprendra d'elle-même."),
        "storage_full": _("Espace de stockage insuffisant : la conversion reprendra d'elle-même."),
        "format_not_convertible": _("Le format « %(extension)s » ne peut pas être converti en PDF."),
        "empty_file": _("Le fichier est vide."),
        "no_pdf": _("La conversion n'a pas produit de PDF."),
    }
)
