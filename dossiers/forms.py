from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

# clean_niss is primaweb's; other apps took it from here and still may.
from primaweb.forms import TypedTextMixin, clean_niss

from . import bcss


class NissForm(TypedTextMixin, forms.Form):
    niss = forms.CharField(
        label=_("Numéro"), max_length=20, help_text=_("11 chiffres, avec ou sans points ni tirets")
    )

    def clean_niss(self):
        return clean_niss(self.cleaned_data["niss"])


GENDER_CHOICES = [("", "—"), ("1", _("Masculin")), ("2", _("Féminin"))]


class PhoneticForm(TypedTextMixin, forms.Form):
    last_name = forms.CharField(label=_("Nom"), max_length=48)
    first_name = forms.CharField(label=_("Prénom(s)"), max_length=48, required=False)
    birth_day = forms.CharField(
        label=_("Jour"),
        max_length=2,
        required=False,
        widget=forms.TextInput(attrs={"size": 2, "inputmode": "numeric"}),
    )
    birth_month = forms.CharField(
        label=_("Mois"),
        max_length=2,
        required=False,
        widget=forms.TextInput(attrs={"size": 2, "inputmode": "numeric"}),
    )
    birth_year = forms.CharField(
        label=_("Année"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"size": 4, "inputmode": "numeric"}),
    )
    tolerance = forms.IntegerField(
        label=_("Tolérance"),
        required=False,
        min_value=0,
        max_value=10,
        error_messages={
            "min_value": _("La tolérance va de 0 à 10."),
            "max_value": _("La tolérance va de 0 à 10."),
        },
    )
    gender = forms.ChoiceField(label=_("Sexe"), choices=GENDER_CHOICES, required=False)

    def clean_last_name(self):
        value = self.cleaned_data["last_name"].strip()
        if not any(ch.isalpha() for ch in value):
            raise forms.ValidationError(_("Le nom doit contenir au moins une lettre."))
        return value

    def clean(self):
        cleaned = super().clean()
        day, month, year = (cleaned.get(k, "").strip() for k in ("birth_day", "birth_month", "birth_year"))
        if not (day and month and year):
            if "birth_year" not in self.errors:
                self.add_error(
                    "birth_year",
                    _("La date de naissance est obligatoire (00 pour un jour ou un mois inconnu)."),
                )
            return cleaned
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
            self.add_error("birth_year", _("La date de naissance s'écrit en chiffres : JJ/MM/AAAA."))
            return cleaned
        d, m, y = int(day), int(month), int(year)
        today = date.today()
        if m > 12 or d > 31 or (m == 0 and d != 0) or y < 1880:
            self.add_error("birth_year", _("Cette date de naissance n'existe pas."))
            return cleaned
        if d and m:
            try:
                birth = date(y, m, d)
            except ValueError:
                self.add_error("birth_year", _("Cette date de naissance n'existe pas."))
                return cleaned
        else:
            birth = date(y, m or 1, 1)
        if birth > today:
            self.add_error("birth_year", _("La date de naissance est dans le futur."))
            return cleaned
        if (d == 0 or m == 0) and cleaned.get("tolerance") is None and "tolerance" not in self.errors:
            self.add_error("tolerance", _("Une date de naissance incomplète demande une tolérance (0 à 10)."))
        cleaned["birth_date"] = f"{y:04d}-{m:02d}-{d:02d}"
        return cleaned

    @staticmethod
    def initial_from_query(query) -> dict[str, str]:
        """Initial values from GET parameters (nom, prenom, jour, mois, annee), for a pre-filled search."""
        names = {"nom": "last_name", "prenom": "first_name", "jour": "birth_day", "mois": "birth_month"}
        names["annee"] = "birth_year"
        return {field: query[param][:48] for param, field in names.items() if query.get(param)}

    def criteria(self) -> bcss.PhoneticCriteria:
        data = self.cleaned_data
        return bcss.PhoneticCriteria(
            last_name=data["last_name"],
            first_name=data.get("first_name", ""),
            birth_date=data["birth_date"],
            gender=data.get("gender", ""),
            tolerance=data.get("tolerance"),
        )


class EffectiveAddressForm(TypedTextMixin, forms.Form):
    effective_street = forms.CharField(label=_("Rue"), max_length=200)
    effective_house_number = forms.CharField(label=_("Numéro"), max_length=20)
    effective_box = forms.CharField(label=_("Boîte"), max_length=20, required=False)
    effective_postal_code = forms.RegexField(
        label=_("Code postal"),
        regex=r"^[0-9A-Za-z -]{4,10}$",
        max_length=10,
        error_messages={"invalid": _("Ce code postal n'est pas valide.")},
    )
    effective_locality = forms.CharField(label=_("Localité"), max_length=200)
    effective_country = forms.CharField(
        label=_("Pays"), max_length=100, required=False, initial=_("Belgique")
    )

    @classmethod
    def initial_from_legal(cls, person: bcss.IdentifiedPerson) -> dict[str, str]:
        address = person.address
        return {
            "effective_street": address.street or address.plain_text,
            "effective_house_number": address.house_number,
            "effective_box": address.box,
            "effective_postal_code": address.postal_code,
            "effective_locality": address.municipality,
            "effective_country": str(_("Belgique"))
            if address.country_code in ("150", "")
            else address.country_code,
        }


class DossierSearchForm(TypedTextMixin, forms.Form):
    niss = forms.CharField(label=_("NISS"), max_length=20, required=False)
    name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    number = forms.CharField(label=_("Numéro de dossier"), max_length=11, required=False)

    def clean_niss(self):
        value = self.cleaned_data["niss"]
        return clean_niss(value) if value.strip() else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(k) for k in ("niss", "name", "number")):
            raise forms.ValidationError(_("Indiquez un NISS, un nom ou un numéro de dossier."))
        return cleaned


class CloseDossierForm(TypedTextMixin, forms.Form):
    """« Clôturer le dossier »: the reason is required; it stays in the dossier and its history."""

    reason = forms.CharField(
        label=_("Motif de la clôture"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif de la clôture.")},
    )
