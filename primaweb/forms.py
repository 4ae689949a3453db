from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Membership


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Toutes"))] + list(AuditEvent.Action.choices)
    )
    user = forms.CharField(label=_("Utilisateur"), required=False, max_length=150)
    target = forms.CharField(label=_("Objet"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("Du"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"], help_text=_("JJ/MM/AAAA")
    )
    date_to = forms.DateField(
        label=_("Au"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"], help_text=_("JJ/MM/AAAA")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("La date de fin précède la date de début."))
        return cleaned


class ExistingPersonForm(forms.Form):
    """« Ajouter une personne existante »: an exact NISS or e-mail, never a search."""

    identifier = forms.CharField(
        label=_("NISS ou adresse e-mail"),
        max_length=254,
        help_text=_("Le NISS (11 chiffres) ou l'adresse e-mail exacte de la personne."),
    )
    centre = forms.ModelChoiceField(label=_("C.P.A.S."), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("Profil"), choices=Membership.Role.choices)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
