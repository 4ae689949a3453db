"""Forms of the citizen's My eBox pages."""

from django import forms
from stdnum.be import bis, nn

from . import message_types, services
from .models import Language, Reply

# Institutions a tester may pick as the sender of a dropped message (all valid BCE numbers).
SPPIS_BCE = "0367302178"
KNOWN_SENDERS = [
    (SPPIS_BCE, "SPP Intégration sociale"),
    ("0206737484", "ONEM"),
    ("0206731645", "ONSS"),
]


class SignInForm(forms.Form):
    niss = forms.CharField(label="NISS *", max_length=15, help_text="11 chiffres, points et tirets permis")

    def clean_niss(self) -> str:
        niss = "".join(ch for ch in self.cleaned_data["niss"] if ch.isdigit())
        if not (nn.is_valid(niss) or bis.is_valid(niss)):
            raise forms.ValidationError("Ce NISS n'est pas valide.")
        return niss


class ActivationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail *")
    language = forms.ChoiceField(label="Langue de communication *", choices=Language.choices)
    notifications = forms.BooleanField(
        label="Recevoir une notification par e-mail pour chaque nouveau document", required=False
    )


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label="Votre réponse *", choices=Reply.Answer.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Commentaire", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == Reply.Answer.COMMENT and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Écrivez votre commentaire.")
        return cleaned


def _bce_field(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=20, help_text="10 chiffres, points permis", **kwargs)


class EnterpriseDropForm(forms.Form):
    """The tester's page that drops an institution's message into a centre's enterprise e-Box."""

    recipient_bce = _bce_field("Numéro BCE du CPAS destinataire *")
    sender_organization_id = _bce_field("Numéro BCE de l'institution expéditrice *", initial=SPPIS_BCE)
    message_type_id = forms.ChoiceField(
        label="Type de message *",
        choices=[(t.id, f"{t.name} ({t.id})") for t in message_types.DROPPABLE_TYPES],
    )
    subject = forms.CharField(label="Objet *", max_length=400)
    language = forms.ChoiceField(label="Langue *", choices=Language.choices)
    body = forms.CharField(label="Texte du message", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def _bce(self, name: str) -> str:
        number = services.bce_clean(self.cleaned_data[name])
        if number is None:
            raise forms.ValidationError("Ce numéro BCE n'est pas valide.")
        return number

    def clean_recipient_bce(self) -> str:
        return self._bce("recipient_bce")

    def clean_sender_organization_id(self) -> str:
        return self._bce("sender_organization_id")
