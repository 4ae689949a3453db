"""Tenancy: every piece of centre-owned data is reached through the centre.

A centre-owned model inherits `CentreOwned`; its default manager only offers `for_centre(centre)` as the
way in, and `get_for_centre_or_404` answers another centre's id with 404, never 403 and never data.
"""

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _


class CentreOwnedQuerySet(models.QuerySet):
    def for_centre(self, centre):
        if centre is None:
            raise ValueError("A centre-owned query needs a centre.")
        return self.filter(centre=centre)


class CentreOwned(models.Model):
    centre = models.ForeignKey(
        "primaweb.Centre", on_delete=models.PROTECT, related_name="+", verbose_name=_("C.P.A.S.")
    )

    objects = CentreOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


def get_for_centre_or_404(queryset, centre, **lookup):
    """The object of `queryset` matching `lookup` inside `centre`; 404 for anything else."""
    if centre is None:
        raise Http404
    return get_object_or_404(queryset.for_centre(centre), **lookup)


class CurrentCentreMiddleware:
    """Sets `request.centre` and `request.membership` from the centre the user chose after login.

    The choice is re-checked against the user's memberships on every request, so a membership withdrawn
    by an administrator takes effect at once.
    """

    SESSION_KEY = "primaweb_centre_id"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.centre = None
        request.membership = None
        centre_id = request.session.get(self.SESSION_KEY)
        if centre_id is not None and request.user.is_authenticated:
            from .selectors import membership_for_user

            membership = membership_for_user(user=request.user, centre_id=centre_id)
            if membership is None:
                del request.session[self.SESSION_KEY]
            else:
                request.membership = membership
                request.centre = membership.centre
        return self.get_response(request)
