from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

# The fields of each source its deadlines derive from: a save that touches none of them changes none.
REQUEST_FIELDS = {"received_on", "read_by", "decided_on", "decided_by", "notified_on", "dossier"}
PUBLICATION_FIELDS = {"state", "expiration_date", "read_at", "sent_at"}
MESSAGE_FIELDS = {"expires_at", "read_at", "subject", "document"}


def _concerns(update_fields, fields: set) -> bool:
    return update_fields is None or bool(set(update_fields) & fields)


def _request_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if not raw and _concerns(update_fields, REQUEST_FIELDS):
        from .services import deadlines_refresh_request

        deadlines_refresh_request(online_request=instance)


def _publication_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if not raw and _concerns(update_fields, PUBLICATION_FIELDS):
        from .services import deadlines_refresh_publication

        deadlines_refresh_publication(publication=instance)


def _message_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if not raw and _concerns(update_fields, MESSAGE_FIELDS):
        from .services import deadlines_refresh_centre_message

        deadlines_refresh_centre_message(message=instance)


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Échéancier")

    def ready(self) -> None:
        from primaweb.demo import register_seeder
        from primaweb.menu import Attention, Entry, register, register_attention

        # The sources live in lower apps, which know nothing of the Échéancier: it follows their saves.
        post_save.connect(_request_saved, sender="cpasonline.OnlineRequest", dispatch_uid="deadlines-request")
        post_save.connect(_publication_saved, sender="ebox.Publication", dispatch_uid="deadlines-publication")
        post_save.connect(_message_saved, sender="centrebox.CentreMessage", dispatch_uid="deadlines-message")
        register(Entry("dossiers", _("Échéancier"), "deadlines:list", order=80))
        register_attention(Attention(_overdue, order=5))
        register_seeder(_seed)


def _overdue(membership):
    from django.urls import reverse

    from .selectors import OVERDUE, overdue_count

    url = reverse("deadlines:list")
    return [
        (_("Mes échéances dépassées"), overdue_count(membership=membership, mine=True), f"{url}?qui=moi"),
        (
            _("Échéances dépassées du C.P.A.S."),
            overdue_count(membership=membership),
            f"{url}?qui=centre&periode={OVERDUE}",
        ),
    ]


def _seed(centres) -> None:
    """The demo rows were written before their deadlines could be: derive them (idempotent)."""
    from .services import deadlines_sweep

    for centre in centres:
        deadlines_sweep(centre=centre)
