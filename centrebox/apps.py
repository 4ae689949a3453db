from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentreBoxConfig(AppConfig):
    name = "centrebox"
    verbose_name = _("e-Box du C.P.A.S.")

    def ready(self) -> None:
        from documents.extensions import Section as DocumentSection
        from documents.extensions import register_section
        from dossiers.sections import Section as DossierSection
        from dossiers.sections import register
        from primaweb.menu import register as register_entry

        from .menu import InboxEntry

        register_entry(InboxEntry("documents", _("e-Box du C.P.A.S."), "centrebox:inbox", order=80))
        register_section(
            DocumentSection(_("Réponse du bénéficiaire"), "centrebox:document_replies", order=20)
        )
        register(DossierSection(_("Réponses du bénéficiaire"), "centrebox:dossier_replies", order=60))
