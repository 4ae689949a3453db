from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EboxConfig(AppConfig):
    name = "ebox"
    verbose_name = _("eBox")

    def ready(self) -> None:
        from documents.extensions import Action, Section, register_action, register_hold, register_section
        from primaweb.demo import register_seeder

        from . import failures  # noqa: F401  (registers the send failures' codes)
        from .demo import seed_ebox_senders
        from .models import Publication

        register_seeder(seed_ebox_senders)

        register_hold(
            lambda document: (
                Publication.objects.for_centre(document.centre_id)
                .filter(document=document, state__in=Publication.UNSETTLED_STATES)
                .exists()
            )
        )

        label = _("Envoyer vers eBox")
        register_action(Action(label, "ebox:send", statuses=("registered",), order=10))
        # A sent document goes again only deliberately: a new message in the citizen's eBox.
        register_action(
            Action(
                label,
                "ebox:send",
                statuses=("sent", "read"),
                confirm=_(
                    "Ce document a déjà été envoyé. L'envoyer une nouvelle fois dans l'eBox du bénéficiaire ?"
                ),
                order=10,
            )
        )
        register_section(Section(_("Envois vers l'eBox"), "ebox:document_publications", order=10))

        from primaweb.menu import Entry
        from primaweb.menu import register as register_entry

        from .selectors import to_verify_count, to_verify_words

        # The count beside it: sends waiting for a person to say whether they arrived.
        register_entry(
            Entry(
                "documents",
                _("Envois vers l'eBox"),
                "ebox:publications",
                order=30,
                count=lambda centre: to_verify_count(centre=centre),
                count_words=to_verify_words,
            )
        )
