from django import forms
from django.utils.translation import gettext_lazy as _

from primaweb.forms import TypedTextMixin

from .models import Publication


class PublicationFilterForm(TypedTextMixin, forms.Form):
    """« Rechercher » the centre's sends by state (« Envoi à vérifier » first among the useful ones)."""

    state = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous")), *Publication.State.choices]
    )


class VerificationForm(TypedTextMixin, forms.Form):
    """The person's answer about a send whose arrival is unknown."""

    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("sent", _("Marquer comme envoyé")), ("resend", _("Renvoyer"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez « Marquer comme envoyé » ou « Renvoyer »."),
            "invalid_choice": _("Choisissez « Marquer comme envoyé » ou « Renvoyer »."),
        },
    )
    confirmed = forms.BooleanField(
        label=_("J'ai vérifié auprès du bénéficiaire"),
        error_messages={"required": _("Confirmez que vous avez vérifié auprès du bénéficiaire.")},
    )
