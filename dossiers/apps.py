from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from primaweb.menu import Entry, register

        register(Entry("dossiers", _("Dossiers du C.P.A.S."), "dossiers:list", order=10))
        register(Entry("dossiers", _("Nouveau dossier"), "dossiers:identify", order=20))
        register(Entry("dossiers", _("Rechercher un dossier"), "dossiers:search", order=30))
