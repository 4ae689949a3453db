from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType
from primaweb.forms import TypedTextMixin

from .models import Language, LetterTemplate


class TemplateForm(TypedTextMixin, forms.Form):
    """A « Modèle de courrier »: its name, language, document type and DOCX."""

    name = forms.CharField(label=_("Nom du modèle"), max_length=120)
    language = forms.ChoiceField(label=_("Langue"), choices=Language.choices)
    document_type = forms.ModelChoiceField(
        label=_("Type de document"), queryset=DocumentType.objects.none(), empty_label="—"
    )
    file = forms.FileField(
        label=_("Fichier DOCX"),
        required=False,
        help_text=_(
            "Un DOCX fait dans Word ou LibreOffice, 1,5 Mo au plus, avec des champs tels que "
            "{{ beneficiaire.nom }}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )
    is_active = forms.BooleanField(label=_("Actif"), required=False, initial=True)

    def __init__(self, *args, document_types, file_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = document_types
        self.fields["file"].required = file_required
        self.fields["file"].error_messages["required"] = _("Choisissez le fichier DOCX du modèle.")


class ComposeForm(TypedTextMixin, forms.Form):
    """« Rédiger un courrier »: the template, the free text, and the confirmation to leave fields empty."""

    template = forms.ModelChoiceField(
        label=_("Modèle de courrier"), queryset=LetterTemplate.objects.none(), empty_label="—"
    )
    free_text = forms.CharField(
        label=_("Texte libre"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Remplace le champ {{ texte_libre }} du modèle."),
    )
    allow_empty = forms.BooleanField(label=_("Produire le courrier avec ces champs vides"), required=False)

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class MailingForm(TypedTextMixin, forms.Form):
    """« Envoi groupé de courriers »: which dossiers (the list's criteria), which letter."""

    name = forms.CharField(label=_("Nom du bénéficiaire (contient)"), max_length=100, required=False)
    created_from = forms.DateField(
        label=_("Dossier créé à partir du"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    created_to = forms.DateField(
        label=_("Dossier créé jusqu'au"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    document_type = forms.ModelChoiceField(
        label=_("Type de document"), queryset=DocumentType.objects.none(), empty_label="—"
    )
    free_text = forms.CharField(
        label=_("Texte libre"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Remplace le champ {{ texte_libre }} du modèle."),
    )

    def __init__(self, *args, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = document_types

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("name") or "",
            "created_from": data["created_from"].isoformat() if data.get("created_from") else "",
            "created_to": data["created_to"].isoformat() if data.get("created_to") else "",
        }
