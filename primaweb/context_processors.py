from django.conf import settings

from .selectors import memberships_of_user


def primaweb(request):
    """The header's « Connecté en tant que … » line needs the centre and whether another can be chosen."""
    user = getattr(request, "user", None)
    can_switch = False
    if user is not None and user.is_authenticated and getattr(request, "centre", None) is not None:
        can_switch = memberships_of_user(user=user).count() > 1
    return {
        "current_centre": getattr(request, "centre", None),
        "current_membership": getattr(request, "membership", None),
        "can_switch_centre": can_switch,
        "primaweb_languages": settings.LANGUAGES,
    }
