"""The centre administrator grants each member the e-Box and, within it, chosen message types."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from primaweb.admin import CentreAdministratorMixin, TypedTextAdminMixin
from primaweb.models import Membership
from primaweb.selectors import administered_centres

from .catalogue import type_choices
from .models import CentreLabel, InboxGrant, MessageTypeName, SenderName
from .selectors import grantable_types


class InboxGrantForm(forms.ModelForm):
    message_types = forms.MultipleChoiceField(
        label=_("Types de message"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Le membre ne voit, ne compte et ne recherche que les messages de ces types."),
    )

    class Meta:
        model = InboxGrant
        fields = ["membership", "may_open_ebox", "message_types"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        centre = self.instance.centre if self.instance.centre_id else None
        types = grantable_types(centre=centre)
        types = sorted({*types, *(self.instance.message_types or [])})
        self.fields["message_types"].choices = type_choices(types)


@admin.register(InboxGrant)
class InboxGrantAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    form = InboxGrantForm
    list_display = ["membership", "may_open_ebox", "types_display"]
    list_filter = ["may_open_ebox"]

    @admin.display(description=_("Types de message"))
    def types_display(self, obj):
        return ", ".join(obj.message_types or [])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "membership" and not request.user.is_superuser:
            kwargs["queryset"] = Membership.objects.for_centres(administered_centres(user=request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The grant belongs to the member's centre, never to one the form could name.
        obj.centre = obj.membership.centre
        super().save_model(request, obj, form, change)


@admin.register(CentreLabel)
class CentreLabelAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    list_display = ["name", "centre"]


# The platform's catalogues: every centre reads them, only the platform's administrators edit them
# (the admin's own rules keep centre administrators out of models without a centre).
@admin.register(MessageTypeName)
class MessageTypeNameAdmin(TypedTextAdminMixin, admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_nl", "label_de"]
    search_fields = ["code", "label_fr", "label_nl", "label_de"]


@admin.register(SenderName)
class SenderNameAdmin(TypedTextAdminMixin, admin.ModelAdmin):
    list_display = ["identifier", "name_fr", "name_nl", "name_de"]
    search_fields = ["identifier", "name_fr", "name_nl", "name_de"]
