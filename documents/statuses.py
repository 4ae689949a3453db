"""The status a worker sees for a document, derived in one place.

A document's own `status` says where its file is (waiting for conversion, registered, sent, read); the
eBox app adds, through `documents.services`, how its latest send stands (`send_state`), and the citizen's
reply and archiving add their dates. `RULES` orders these facts once: the first rule a document matches
is what the list, the document's page, the dossier's section, the status filter and the home page's
counts all show. The same table gives the Python answer for a loaded document and the SQL filter.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ShownStatus(models.TextChoices):
    PENDING = "pending", _("En attente de conversion")
    CONVERTING = "converting", _("Conversion en cours")
    CONVERSION_FAILED = "failed", _("Conversion échouée")
    REGISTERED = "registered", _("Document enregistré")
    SENDING = "sending", _("Envoi en cours")
    SEND_FAILED = "send_failed", _("Envoi échoué")
    NO_EBOX = "no_ebox", _("Bénéficiaire sans eBox")
    TO_VERIFY = "to_verify", _("Envoi à vérifier")
    SENT = "sent", _("Envoyé vers eBox avec succès")
    READ = "read", _("Lu par le destinataire")
    REPLY_RECEIVED = "reply_received", _("Réponse reçue")
    ARCHIVED = "archived", _("Archivé")
    DELETED = "deleted", _("Supprimé")


# First match wins. Lookups are exact values or `__isnull`, so that Python can read them too.
RULES: tuple[tuple[ShownStatus, dict], ...] = (
    (ShownStatus.DELETED, {"deleted_at__isnull": False}),
    (ShownStatus.ARCHIVED, {"archived_at__isnull": False}),
    (ShownStatus.PENDING, {"status": "pending"}),
    (ShownStatus.CONVERTING, {"status": "converting"}),
    (ShownStatus.CONVERSION_FAILED, {"status": "failed"}),
    # The latest send is what the worker must act on, before what an earlier send achieved.
    (ShownStatus.SENDING, {"send_state": "sending"}),
    (ShownStatus.TO_VERIFY, {"send_state": "to_verify"}),
    (ShownStatus.SEND_FAILED, {"send_state": "failed"}),
    (ShownStatus.NO_EBOX, {"send_state": "no_ebox"}),
    (ShownStatus.REPLY_RECEIVED, {"reply_received_at__isnull": False}),
    (ShownStatus.READ, {"status": "read"}),
    (ShownStatus.SENT, {"status": "sent"}),
    (ShownStatus.REGISTERED, {"status": "registered"}),
)

# What a worker can filter « Gérer les documents » on (deleted documents are not listed).
FILTERABLE = tuple(status for status, _lookup in RULES if status != ShownStatus.DELETED)
# What the home page asks the worker to look at.
NEEDS_ATTENTION = (
    ShownStatus.CONVERSION_FAILED,
    ShownStatus.SEND_FAILED,
    ShownStatus.NO_EBOX,
    ShownStatus.TO_VERIFY,
)


def _matches(document, lookup: dict) -> bool:
    for key, expected in lookup.items():
        if key.endswith("__isnull"):
            if (getattr(document, key.removesuffix("__isnull")) is None) != expected:
                return False
        elif getattr(document, key) != expected:
            return False
    return True


def shown_status(document) -> ShownStatus:
    for status, lookup in RULES:
        if _matches(document, lookup):
            return status
    return ShownStatus(document.status)


def shown_status_q(status: str) -> Q:
    """The documents whose shown status is `status`: its rule, and none of the rules before it."""
    condition = Q()
    for candidate, lookup in RULES:
        if candidate == status:
            return condition & Q(**lookup)
        condition &= ~Q(**lookup)
    raise ValueError(f"Unknown document status {status!r}")
