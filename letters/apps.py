from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Courriers")

    def ready(self) -> None:
        from dossiers.sections import Section, register
        from primaweb.demo import register_seeder
        from primaweb.menu import Entry
        from primaweb.menu import register as register_entry

        from .demo import seed_letter_templates

        register_entry(Entry("documents", _("Envoi groupé de courriers"), "letters:mailing_new", order=30))
        register_entry(
            Entry(
                "documents", _("Modèles de courrier"), "letters:templates", administrators_only=True, order=90
            )
        )
        register(Section(_("Courriers"), "letters:dossier_section", order=40))
        register_seeder(seed_letter_templates)
