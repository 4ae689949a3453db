from django import forms
from django.utils.translation import gettext_lazy as _

from primaweb.forms import TypedTextMixin, check_period, clean_niss, filter_day_field

from .models import MutationKind


class FilterForm(TypedTextMixin, forms.Form):
    """« Consulter les mutations »: state, period of the event, type, NISS, dossier."""

    UNPROCESSED, PROCESSED, ALL = "non_traitees", "traitees", "toutes"

    state = forms.ChoiceField(
        label=_("Mutations"),
        choices=[(UNPROCESSED, _("non traitées")), (PROCESSED, _("traitées")), (ALL, _("toutes"))],
        required=False,
    )
    start = filter_day_field(_("survenues à partir du"))
    end = filter_day_field(_("jusqu'au"))
    kind = forms.ChoiceField(
        label=_("Type de mutation"), choices=[("", _("tous")), *MutationKind.choices], required=False
    )
    niss = forms.CharField(label=_("NISS"), max_length=20, required=False)
    numero = forms.CharField(label=_("Numéro de dossier"), max_length=11, required=False)

    def clean_niss(self):
        value = self.cleaned_data["niss"]
        return clean_niss(value) if value.strip() else ""

    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned)
        return cleaned

    def criteria(self) -> dict:
        data = self.cleaned_data
        state = data.get("state") or self.UNPROCESSED
        return {
            "processed": {self.UNPROCESSED: False, self.PROCESSED: True}.get(state),
            "start": data.get("start"),
            "end": data.get("end"),
            "kind": data.get("kind", ""),
            "niss": data.get("niss", ""),
            "dossier_number": data.get("numero", ""),
        }


class TypesForm(TypedTextMixin, forms.Form):
    """« Type de mutations »: sélection des types de mutations à recevoir."""

    kinds = forms.MultipleChoiceField(
        label=_("Types de mutations à recevoir"),
        choices=MutationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DeathForm(TypedTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif de clôture"),
        max_length=300,
        initial=_("Décès du bénéficiaire (registre national)"),
    )
