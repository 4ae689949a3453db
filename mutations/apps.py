from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutationsConfig(AppConfig):
    name = "mutations"
    verbose_name = _("Mutations du registre national")

    def ready(self) -> None:
        from documents import failures
        from documents.extensions import register_send_hold
        from dossiers.sections import Section
        from dossiers.sections import register as register_section
        from primaweb.menu import Attention, Entry, register, register_attention

        from .selectors import unprocessed_count

        failures.register(
            {
                "recipient_deceased": _(
                    "Le registre national signale le décès du destinataire : envoi retenu, à vérifier."
                )
            }
        )
        register(
            Entry(
                "online",
                _("Consulter les mutations"),
                "mutations:list",
                order=10,
                count=lambda centre: unprocessed_count(centre=centre),
            )
        )
        register(
            Entry("online", _("Type de mutations"), "mutations:types", administrators_only=True, order=30)
        )
        register_section(Section(_("Mutations du registre national"), "mutations:dossier_section", order=5))
        register_attention(Attention(_unprocessed, order=15))
        register_send_hold(_deceased_recipient)


def _unprocessed(membership):
    from django.urls import reverse

    from .selectors import unprocessed_count

    return [
        (_("Mutations à traiter"), unprocessed_count(centre=membership.centre), reverse("mutations:list"))
    ]


def _deceased_recipient(document):
    from .selectors import recipient_deceased
    from .services import deceased_reason

    niss = document.dossier.beneficiary.niss
    return deceased_reason() if recipient_deceased(centre_id=document.centre_id, niss=niss) else None
