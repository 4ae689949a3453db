from django.contrib import admin

from primaweb.admin import CentreAdministratorMixin

from .models import MutationFeed


@admin.register(MutationFeed)
class MutationFeedAdmin(CentreAdministratorMixin, admin.ModelAdmin):
    """« Type de mutations »: the centre administrator chooses the types the centre receives; where the
    polling stands is shown, not edited (the cursor moves only with a stored batch)."""

    list_display = (
        "centre",
        "receive_move",
        "receive_death",
        "receive_marriage",
        "receive_divorce",
        "receive_birth",
        "receive_nationality",
        "succeeded_at",
    )
    fields = (
        "centre",
        "receive_move",
        "receive_death",
        "receive_marriage",
        "receive_divorce",
        "receive_birth",
        "receive_nationality",
        "cursor",
        "polled_at",
        "succeeded_at",
        "error",
        "refusal",
        "refused_at",
    )
    readonly_fields = ("cursor", "polled_at", "succeeded_at", "error", "refusal", "refused_at")

    def has_delete_permission(self, request, obj=None):
        return False  # the cursor goes with it: deleting would deliver everything again
