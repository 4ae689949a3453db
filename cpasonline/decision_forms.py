"""The two dates of a request's decision, as the worker types them (JJ/MM/AAAA)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primaweb.forms import TypedTextMixin

from .models import OnlineRequest


def _date_field(label):
    return forms.DateField(
        label=label,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="(JJ/MM/AAAA)",
        error_messages={
            "invalid": _("Indiquez une date JJ/MM/AAAA."),
            "required": _("Indiquez la date."),
        },
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"size": 10, "placeholder": "JJ/MM/AAAA"}),
    )


class DecisionForm(TypedTextMixin, forms.Form):
    decided_on = _date_field(_("Décision prise le"))

    def __init__(self, *args, online_request: OnlineRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.online_request = online_request

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Une décision ne peut pas être prise dans le futur."))
        if day < timezone.localtime(self.online_request.submitted_at).date():
            raise forms.ValidationError(_("La décision ne peut pas précéder la soumission de la demande."))
        return day  # its order with the notification: checked when recorded, on the locked row


class NotificationForm(TypedTextMixin, forms.Form):
    notified_on = _date_field(_("Décision notifiée le"))

    def __init__(self, *args, online_request: OnlineRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.online_request = online_request

    def clean_notified_on(self):
        day = self.cleaned_data["notified_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Une notification ne peut pas être datée du futur."))
        return day  # its order with the decision: checked when recorded, on the locked row
