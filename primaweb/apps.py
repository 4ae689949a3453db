from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PrimawebConfig(AppConfig):
    name = "primaweb"
    verbose_name = _("Primaweb")
    default = True

    def ready(self) -> None:
        from . import menu, signals  # noqa: F401  (registers signal receivers and the core menu)
        from .folders import folders_make

        folders_make()


class PrimawebAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "primaweb.admin_site.PrimawebAdminSite"
