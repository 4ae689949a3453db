"""View guards: a chosen centre for every centre page, the administrator profile where the manual asks."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .flows import CENTRE_CHANGED, FlowInAnotherCentre


def centre_required(view):
    """The user is signed in and has chosen one of their centres; `request.centre` is then set.

    A flow started in another centre (see `primaweb.flows`) is refused here: message, back to its start.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.centre is None:
            return redirect("primaweb:choose_centre")
        try:
            return view(request, *args, **kwargs)
        except FlowInAnotherCentre as refused:
            messages.error(request, CENTRE_CHANGED)
            return redirect(refused.restart)

    return wrapper


def ensure_administrator(request) -> None:
    """Views that take an object id call this after fetching the object, so a foreign id is a 404 first."""
    if not request.membership.is_administrator:
        raise PermissionDenied(_("Cette page est réservée aux administrateurs du C.P.A.S."))


def administrator_required(view):
    @centre_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        ensure_administrator(request)
        return view(request, *args, **kwargs)

    return wrapper
