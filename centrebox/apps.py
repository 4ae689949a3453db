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
        from primaweb.menu import Entry

        register_entry(
            Entry(
                "access",
                _("Accès à l'e-Box du C.P.A.S."),
                "centrebox:grants",
                administrators_only=True,
                order=30,
            )
        )
        register_section(
            DocumentSection(_("Réponse du bénéficiaire"), "centrebox:document_replies", order=20)
        )
        register(DossierSection(_("Réponses du bénéficiaire"), "centrebox:dossier_replies", order=60))

        from primaweb.menu import Attention, register_attention

        register_attention(Attention(_unread_replies, order=30))


def _unread_replies(membership):
    from django.urls import reverse
    from django.utils.http import urlencode

    from .models import CITIZEN_REPLY
    from .selectors import may_open_inbox, unread_replies_count

    if not may_open_inbox(membership=membership):
        return []
    url = f"{reverse('centrebox:inbox')}?{urlencode({'message_type': CITIZEN_REPLY, 'hide_read': 'on'})}"
    return [(_("Réponses de bénéficiaires non lues"), unread_replies_count(membership=membership), url)]
