from django import forms
from django.utils.translation import gettext_lazy as _

from primaweb.forms import TypedTextMixin

from .catalogue import type_choices
from .models import CentreLabel

PAGE_SIZES = (10, 25, 50, 100)


class InboxFilterForm(TypedTextMixin, forms.Form):
    """« Rechercher » by sender and message type, a label, and the list view's settings."""

    sender = forms.CharField(label=_("Expéditeur (N° BCE ou NISS)"), required=False, max_length=60)
    message_type = forms.ChoiceField(label=_("Type de message"), required=False)
    label = forms.ModelChoiceField(
        label=_("Libellé"), queryset=CentreLabel.objects.none(), required=False, empty_label=_("Tous")
    )
    page_size = forms.TypedChoiceField(
        label=_("Messages par page"),
        choices=[(size, size) for size in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=25,
    )
    hide_read = forms.BooleanField(label=_("Masquer les messages lus"), required=False)

    def __init__(self, *args, types: list[str], labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message_type"].choices = [("", _("Tous")), *type_choices(types)]
        self.fields["label"].queryset = labels


class LabelForm(TypedTextMixin, forms.Form):
    name = forms.CharField(label=_("Libellé"), max_length=60)


class GrantForm(TypedTextMixin, forms.Form):
    """The centre administrator's grant: the e-Box, and within it the message types, by name."""

    may_open_ebox = forms.BooleanField(label=_("Peut ouvrir l'e-Box du C.P.A.S."), required=False)
    message_types = forms.MultipleChoiceField(
        label=_("Types de message"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Le membre ne voit, ne compte et ne recherche que les messages de ces types."),
    )

    def __init__(self, *args, types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message_types"].choices = type_choices(types)
