from django.contrib import admin

from primaweb.admin import CentreAdministratorMixin

from .models import DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    """The centre administrator manages the document types: the label is what the citizen sees."""

    list_display = (
        "label_fr",
        "label_nl",
        "label_de",
        "ebox_message_type",
        "validity_months",
        "reply_authorized",
        "is_active",
        "centre",
    )
    list_filter = ("is_active",)
    search_fields = ("label_fr", "label_nl", "label_de")
    fields = (
        "centre",
        "label_fr",
        "label_nl",
        "label_de",
        "ebox_message_type",
        "validity_months",
        "reply_authorized",
        "is_active",
    )

    def has_delete_permission(self, request, obj=None):
        # Documents keep their type for good: a type in use is made inactive instead.
        if obj is not None and obj.documents.exists():
            return False
        return super().has_delete_permission(request, obj)
