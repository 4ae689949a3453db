from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.be import bis, nn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from .models import AuditEvent, Centre, Membership
from .validators import TypedTextValidator, strip_invisible


class TypedTextMixin:
    """Every text field of the form refuses control characters and bidi overrides, with a message, and
    drops the invisible zero-width characters; a textarea keeps its line breaks, a password stays as typed.

    Every form of the project inherits it (`tests/test_typed_text.py` walks them), so that no name,
    address or note typed anywhere can reorder or hide text on a screen or in a PDF.
    """

    def full_clean(self):
        # Here rather than in __init__: fields a subclass adds after construction are protected too.
        for field in self.fields.values():
            protect_text_field(field)
        super().full_clean()


def protect_text_field(field: forms.Field) -> None:
    """Makes a CharField (and its kinds: regex, e-mail, slug...) clean typed text; other fields unchanged."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return
    if getattr(field, "typed_text_protected", False):
        return
    multiline = isinstance(field.widget, forms.Textarea)
    to_python = field.to_python

    def clean_then_convert(value):
        return to_python(strip_invisible(value, multiline=multiline) if isinstance(value, str) else value)

    field.to_python = clean_then_convert
    field.validators.append(TypedTextValidator(multiline=multiline))
    field.typed_text_protected = True


def filter_day_field(label) -> forms.DateField:
    """An optional day of a list's search period, typed JJ/MM/AAAA, with the message a wrong one gets."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%d/%m/%Y"],
        help_text="(JJ/MM/AAAA)",
        error_messages={"invalid": _("Indiquez une date JJ/MM/AAAA.")},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"size": 10, "placeholder": "JJ/MM/AAAA"}),
    )


def check_period(form: forms.Form, cleaned: dict, *, start: str = "start", end: str = "end") -> None:
    """A search period whose end precedes its start is refused on the end field."""
    first, last = cleaned.get(start), cleaned.get(end)
    if first and last and first > last:
        form.add_error(end, _("La fin de la période précède son début."))


class AuditFilterForm(TypedTextMixin, forms.Form):
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


class ExistingPersonForm(TypedTextMixin, forms.Form):
    """« Ajouter une personne existante »: both the exact NISS and the exact e-mail, never a search."""

    niss = forms.CharField(
        label=_("NISS"),
        max_length=20,
        help_text=_("Les onze chiffres du NISS de la personne (points et tirets permis)."),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        help_text=_(
            "L'adresse e-mail exacte du compte de la personne : l'invitation y est envoyée, et l'accès "
            "n'est donné que lorsque la personne l'accepte, connectée à son compte."
        ),
    )
    centre = forms.ModelChoiceField(label=_("C.P.A.S."), queryset=Centre.objects.none(), empty_label=None)
    role = forms.ChoiceField(label=_("Profil"), choices=Membership.Role.choices)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres

    def clean_niss(self):
        return clean_niss(self.cleaned_data["niss"])


def clean_niss(value: str, *, required: bool = True) -> str:
    """An NISS (national or BIS number) in its 11 digits, or a ValidationError saying what is wrong.

    Spaces, dots and dashes are allowed around the digits. Not `required`, an empty value gives "".
    Every form that takes a NISS cleans it here, so that all say the same thing of the same mistake.
    """
    compact = nn.compact(value or "")
    if not compact and not required:
        return ""
    if not compact:
        raise forms.ValidationError(_("Indiquez le NISS."), code="required")
    if not compact.isdigit():
        raise forms.ValidationError(_("Le NISS ne contient que des chiffres."), code="digits")
    if len(compact) != 11:
        raise forms.ValidationError(
            _("Le NISS compte 11 chiffres (%(count)s donnés)."), code="length", params={"count": len(compact)}
        )
    module = bis if 20 <= int(compact[2:4]) <= 52 else nn
    try:
        module.validate(compact)
    except InvalidChecksum as exc:
        raise forms.ValidationError(
            _("Le chiffre de contrôle du NISS est incorrect."), code="checksum"
        ) from exc
    except (InvalidComponent, InvalidFormat, InvalidLength) as exc:
        raise forms.ValidationError(
            _("Ce NISS ne correspond à aucune date de naissance possible."), code="date"
        ) from exc
    return compact
