from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from dossiers.sections import Section
        from dossiers.sections import register as register_section
        from primaweb.demo import register_seeder
        from primaweb.menu import Entry, register

        from .demo import seed_document_types

        register_seeder(seed_document_types)
        register(Entry("documents", _("Ajouter un document"), "documents:upload_start", order=10))
        register(Entry("documents", _("Gérer les documents"), "documents:manage", order=20))
        register_section(Section(_("Documents"), "documents:dossier_section", order=10))

        from primaweb.menu import Attention, register_attention

        register_attention(Attention(_documents_needing_attention, order=10))


def _documents_needing_attention(membership):
    from django.urls import reverse
    from django.utils.http import urlencode

    from .selectors import documents_needing_attention

    manage = reverse("documents:manage")
    return [
        (status.label, count, f"{manage}?{urlencode({'status': status.value})}")
        for status, count in documents_needing_attention(centre=membership.centre)
    ]
