from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PrimawebAdminSite(admin.AdminSite):
    """The Django admin, open to superusers and to the administrators of a centre.

    A centre administrator needs no staff flag: their administrator profile in a centre is what opens
    the admin, and each ModelAdmin then limits them to their own centres.
    """

    site_header = _("Primaweb — administration du C.P.A.S.")
    site_title = _("Primaweb")
    index_title = _("Administration")

    def has_permission(self, request):
        user = request.user
        if not user.is_active or not user.is_authenticated:
            return False
        if user.is_superuser or user.is_staff:
            return True
        from .selectors import administered_centres

        return administered_centres(user=user).exists()
