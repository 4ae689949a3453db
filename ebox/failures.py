"""Why a send to the eBox failed, as codes put in words in the reader's language (documents.failures)."""

from django.utils.translation import gettext_lazy as _

from documents.failures import Failure, register

register(
    {
        "no_ebox": _("Le bénéficiaire n'a pas activé son eBox"),
        "ebox_rejected": _("L'eBox a refusé le message : %(code)s %(message)s"),
        "deleted_before_send": _("Le document a été supprimé avant son envoi."),
        "pdf_refused_for_send": _("Ce document ne peut pas être envoyé vers l'eBox : %(reason)s"),
        "sender_not_configured": _(
            "L'accès eBox de ce C.P.A.S. n'est pas configuré (identifiant d'application) : "
            "l'administrateur doit le compléter."
        ),
        "sender_without_mandate": _(
            "Ce C.P.A.S. n'a pas de client eBox propre et la plateforme n'est pas son "
            "mandataire : l'administrateur doit compléter son accès eBox."
        ),
        "sender_key_unreadable": _("La clé ou le certificat eBox est illisible : %(error)s"),
        "ebox_silent": _("L'eBox ne répond pas après %(attempts)s tentatives : %(error)s"),
        "ebox_retry_at": _("L'eBox ne répond pas (%(error)s) : nouvel essai automatique vers %(time)s."),
        "queue_unreachable": _(
            "La file d'attente ne répond pas : l'envoi partira automatiquement dès qu'elle sera rétablie."
        ),
        "lost_answer": _(
            "L'eBox n'a pas confirmé la réception : le message est peut-être arrivé. Vérifiez-le avant de "
            "renvoyer."
        ),
        "lost_answer_after": _(
            "L'eBox n'a pas confirmé la réception : le message est peut-être arrivé. Vérifiez-le avant de "
            "renvoyer. (%(error)s)"
        ),
    }
)

__all__ = ["Failure"]
