from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CpasOnlineConfig(AppConfig):
    name = "cpasonline"
    verbose_name = _("CPAS Online")

    def ready(self) -> None:
        from dossiers.sections import Section
        from dossiers.sections import register as register_section
        from primaweb.demo import register_seeder
        from primaweb.menu import Entry, register

        from .demo import seed_online_requests
        from .selectors import unread_count

        register_seeder(seed_online_requests)
        register(
            Entry(
                "online",
                _("Consulter les demandes CPAS Online"),
                "cpasonline:list",
                order=20,
                count=lambda centre: unread_count(centre=centre),
            )
        )
        register_section(Section(_("Demandes CPAS Online"), "cpasonline:dossier_section", order=20))

        from primaweb.menu import Attention, register_attention

        register_attention(Attention(_unread_requests, order=20))


def _unread_requests(membership):
    from django.urls import reverse

    from .selectors import unread_count

    # The list opens on the unread requests by default.
    return [
        (
            _("Demandes non lues (CPAS Online)"),
            unread_count(centre=membership.centre),
            reverse("cpasonline:list"),
        )
    ]
