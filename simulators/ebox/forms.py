"""Forms of the citizen's My eBox pages."""

from django import forms
from stdnum.be import bis, nn

from .models import Language, Reply


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
