from functools import cache
from importlib import metadata

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
        "primaweb_version": release(),
    }


def release() -> str:
    """The release a page's footer names: PRIMAWEB_VERSION, else the installed package's version."""
    return settings.PRIMAWEB_VERSION or _package_version()


@cache
def _package_version() -> str:
    try:
        return metadata.version("primaweb")
    except metadata.PackageNotFoundError:
        return ""
