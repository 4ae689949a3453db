from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.forms import clean_niss
from primaweb.forms import TypedTextMixin

from .models import DocumentType
from .statuses import FILTERABLE


class UploadForm(TypedTextMixin, forms.Form):
    document_type = forms.ModelChoiceField(
        label=_("Type de document"),
        queryset=DocumentType.objects.none(),
        empty_label="—",
        help_text=_("Le libellé du type est ce que le bénéficiaire verra dans son eBox."),
    )
    file = forms.FileField(
        label=_("Fichier"),
        error_messages={"empty": _("Le fichier est vide."), "required": _("Choisissez un fichier.")},
        help_text=_("DOC, DOCX, RTF, ODT ou PDF ; 1,5 Mo au plus ; nom de 80 caractères au plus"),
        widget=forms.ClearableFileInput(attrs={"accept": ".doc,.docx,.rtf,.odt,.pdf"}),
    )
    allow_duplicate = forms.BooleanField(
        label=_("Charger quand même"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = document_types


class ReplaceForm(TypedTextMixin, forms.Form):
    file = forms.FileField(
        label=_("Nouveau fichier"),
        error_messages={"empty": _("Le fichier est vide."), "required": _("Choisissez un fichier.")},
        help_text=_("DOC, DOCX, RTF, ODT ou PDF ; 1,5 Mo au plus ; nom de 80 caractères au plus"),
        widget=forms.ClearableFileInput(attrs={"accept": ".doc,.docx,.rtf,.odt,.pdf"}),
    )


class PersonLookupForm(TypedTextMixin, forms.Form):
    """« Ajouter un document » from the home page: the beneficiary by NISS or by name."""

    niss = forms.CharField(label=_("NISS"), max_length=20, required=False)
    name = forms.CharField(label=_("Nom"), max_length=100, required=False)

    def clean_niss(self):
        value = self.cleaned_data["niss"]
        return clean_niss(value) if value.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("niss") or cleaned.get("name", "").strip()):
            raise forms.ValidationError(_("Indiquez le NISS ou le nom du bénéficiaire."))
        return cleaned


class ManageFilterForm(TypedTextMixin, forms.Form):
    niss = forms.CharField(label=_("NISS"), max_length=20, required=False)
    document_type = forms.ModelChoiceField(
        label=_("Type de document"),
        queryset=DocumentType.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous")), *((status.value, status.label) for status in FILTERABLE)],
    )

    def __init__(self, *args, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = document_types

    def clean_niss(self):
        value = self.cleaned_data["niss"]
        return clean_niss(value) if value.strip() else ""
