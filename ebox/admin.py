from django.contrib import admin

from primaweb.admin import CentreAdministratorMixin

from .models import EboxCredentials, Publication


@admin.register(Publication)
class PublicationAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    """Read only: publications change through « Envoyer vers eBox » and « Réessayer », never by hand."""

    list_display = (
        "document",
        "recipient_niss",
        "language",
        "state",
        "attempts",
        "requested_at",
        "sent_at",
        "centre",
    )
    list_filter = ("state", "language")
    search_fields = ("recipient_niss", "message_id", "subject")
    readonly_fields = [field.name for field in Publication._meta.fields]
    list_select_related = ("document__dossier", "centre")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EboxCredentials)
class EboxCredentialsAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    """The centre's eBox onboarding: its senderApplicationId and, if it has one, its own OAuth client."""

    list_display = ("centre", "sender_application_id", "client_id")
    fields = ("centre", "sender_application_id", "client_id", "private_key_file", "certificate_file")
