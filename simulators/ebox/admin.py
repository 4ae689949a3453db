from django.contrib import admin

from .models import (
    AccessToken,
    Citizen,
    EnterpriseBox,
    EnterpriseMessage,
    FaultSettings,
    Message,
    OAuthClient,
    Reply,
)


@admin.register(FaultSettings)
class FaultSettingsAdmin(admin.ModelAdmin):
    """The one row; Django's EBOX_SIMULATOR_FAULTS setting, when set, wins over what is typed here."""

    list_display = [
        "__str__",
        "latency_ms",
        "drop_share",
        "error_500_share",
        "error_503_share",
        "throttle_share",
    ]

    def has_add_permission(self, request):
        return not FaultSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ["niss", "activated", "email", "language", "notifications", "activated_at"]
    list_filter = ["activated", "language"]
    search_fields = ["niss", "email"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "recipient_niss",
        "sender_organization_id",
        "delivered",
        "published_at",
        "read_at",
    ]
    list_filter = ["delivered", "message_type_id"]
    search_fields = ["message_id", "recipient_niss", "subject", "idempotency_key"]
    readonly_fields = ["message_id", "client", "idempotency_key", "published_at"]


@admin.register(OAuthClient)
class OAuthClientAdmin(admin.ModelAdmin):
    list_display = ["client_id", "name", "organization_id"]


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["client", "scope", "expires_at"]


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["message", "answer", "replied_at"]


@admin.register(EnterpriseBox)
class EnterpriseBoxAdmin(admin.ModelAdmin):
    list_display = ["bce", "created_at"]
    search_fields = ["bce"]


@admin.register(EnterpriseMessage)
class EnterpriseMessageAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "box",
        "message_type_id",
        "sender_organization_id",
        "sender_citizen_id",
        "received_at",
        "read_at",
    ]
    list_filter = ["message_type_id", "language"]
    search_fields = ["message_id", "original_message_id", "box__bce", "subject", "sender_citizen_id"]
    readonly_fields = ["message_id", "original_message_id", "received_at"]
