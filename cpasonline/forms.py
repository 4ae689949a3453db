from django import forms
from django.utils.translation import gettext_lazy as _

from primaweb.communes import commune_choices, get_commune
from primaweb.forms import TypedTextMixin, check_period, clean_niss, filter_day_field

from .models import Answer, Nature

SITUATION_CHOICES = [(Answer.YES, _("Oui")), (Answer.NO, _("Non")), ("", _("Je préfère ne pas répondre"))]
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class SignInForm(TypedTextMixin, forms.Form):
    """The simulated federal sign-in: the citizen gives an NISS of the (simulated) population register."""

    niss = forms.CharField(
        label=_("Numéro de registre national (NISS)"),
        max_length=20,
        help_text=_("Simulation : un NISS du registre de population simulé, 11 chiffres."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_niss(self):
        return clean_niss(self.cleaned_data["niss"])


class RequestForm(TypedTextMixin, forms.Form):
    """The citizen's request. Signed in, identity and address come from the register and are not asked."""

    IDENTITY_FIELDS = (
        "first_name",
        "last_name",
        "birth_date",
        "niss",
        "street",
        "house_number",
        "box",
        "postal_code",
        "commune",
    )

    first_name = forms.CharField(
        label=_("Prénom"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Nom"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("JJ/MM/AAAA"),
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"autocomplete": "bday", "placeholder": "JJ/MM/AAAA"}
        ),
    )
    niss = forms.CharField(
        label=_("Numéro de registre national (NISS)"),
        max_length=20,
        required=False,
        help_text=_("Facultatif : 11 chiffres, au dos de votre carte d'identité."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    street = forms.CharField(
        label=_("Rue"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    house_number = forms.CharField(label=_("Numéro"), max_length=20)
    box = forms.CharField(label=_("Boîte"), max_length=20, required=False)
    postal_code = forms.RegexField(
        label=_("Code postal"),
        regex=r"^[1-9][0-9]{3}$",
        max_length=4,
        error_messages={"invalid": _("Un code postal belge compte 4 chiffres.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = forms.ChoiceField(label=_("Commune"), choices=())
    email = forms.EmailField(
        label=_("Adresse e-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.RegexField(
        label=_("Numéro de téléphone"),
        regex=r"^\+?[0-9][0-9 ./()-]{5,19}$",
        max_length=20,
        required=False,
        error_messages={
            "invalid": _("Indiquez un numéro de téléphone en chiffres, par exemple 0484 56 78 62.")
        },
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    nature = forms.ChoiceField(
        label=_("Nature de la demande"), choices=Nature.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description de votre demande"),
        max_length=4000,
        required=False,
        help_text=_("4 000 caractères au plus."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
    )
    lives_at_residence = forms.ChoiceField(
        label=_("Vivez-vous à votre adresse de résidence ?"),
        choices=SITUATION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    is_student = forms.ChoiceField(
        label=_("Êtes-vous étudiant ?"), choices=SITUATION_CHOICES, required=False, widget=forms.RadioSelect
    )
    in_facility = forms.ChoiceField(
        label=_("Séjournez-vous dans un lieu d'accueil, de placement ou de soins ?"),
        choices=SITUATION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    # A honeypot: hidden from people (and from assistive technology), filled only by robots.
    website = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_in = signed_in
        if signed_in:
            for name in self.IDENTITY_FIELDS:
                del self.fields[name]
        else:
            self.fields["commune"].choices = [("", _("— Choisissez votre commune —")), *commune_choices()]

    def clean_niss(self):
        return clean_niss(self.cleaned_data["niss"], required=False)

    def clean_first_name(self):
        return _letters(self.cleaned_data["first_name"], _("Le prénom doit contenir au moins une lettre."))

    def clean_last_name(self):
        return _letters(self.cleaned_data["last_name"], _("Le nom doit contenir au moins une lettre."))

    def clean_birth_date(self):
        from datetime import date

        value = self.cleaned_data["birth_date"]
        if value is not None and not date(1900, 1, 1) <= value <= date.today():
            raise forms.ValidationError(_("Cette date de naissance n'est pas possible."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("Votre demande n'a pas été enregistrée : un champ qui doit rester vide a été rempli."),
                code="honeypot",
            )
        commune = get_commune(cleaned["commune"]) if cleaned.get("commune") else None
        postal_code = cleaned.get("postal_code")
        if commune is not None and postal_code and postal_code not in commune.postal_codes:
            self.add_error(
                "postal_code",
                _("Le code postal %(code)s n'appartient pas à la commune de %(commune)s (%(codes)s).")
                % {"code": postal_code, "commune": commune.name_fr, "codes": ", ".join(commune.postal_codes)},
            )
        return cleaned


def _letters(value: str, message) -> str:
    value = value.strip()
    if not any(ch.isalpha() for ch in value):
        raise forms.ValidationError(message)
    return value


class FilterForm(TypedTextMixin, forms.Form):
    """« Demandes » (lues / non lues, période de soumission) or « Référence »."""

    BY_REQUESTS, BY_REFERENCE = "demandes", "reference"
    READ, UNREAD = "lues", "non_lues"

    by = forms.ChoiceField(
        label=_("Rechercher par"),
        choices=[(BY_REQUESTS, _("Demandes")), (BY_REFERENCE, _("Référence"))],
        required=False,
        initial=BY_REQUESTS,
        widget=forms.RadioSelect,
    )
    state = forms.ChoiceField(
        label=_("Demandes"), choices=[(UNREAD, _("non lues")), (READ, _("lues"))], required=False
    )
    start = filter_day_field(_("soumises à partir du"))
    end = filter_day_field(_("jusqu'au"))
    reference = forms.CharField(label=_("Référence"), max_length=12, required=False)

    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned)
        if cleaned.get("by") == self.BY_REFERENCE and not cleaned.get("reference", "").strip():
            self.add_error("reference", _("Indiquez la référence de la demande."))
        return cleaned

    def criteria(self) -> dict:
        data = self.cleaned_data
        if data.get("by") == self.BY_REFERENCE:
            return {"reference": data["reference"].strip().upper()}
        return {"read": data.get("state") == self.READ, "start": data.get("start"), "end": data.get("end")}
