"""Tenancy in a request: the current centre, enforcement for the whole request, and 404 across centres."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .scope import tenancy_enforced


def get_for_centre_or_404(queryset, centre, **lookup):
    """The object of `queryset` matching `lookup` inside `centre`; 404 for anything else."""
    if centre is None:
        raise Http404
    return get_object_or_404(queryset.for_centre(centre), **lookup)


class CurrentCentreMiddleware:
    """Sets `request.centre` and `request.membership` from the centre the user chose after login, and
    enforces tenancy for the rest of the request (views, templates, the middleware after this one).

    The choice is re-checked against the user's memberships on every request, so a membership withdrawn
    by an administrator takes effect at once.
    """

    SESSION_KEY = "primaweb_centre_id"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with tenancy_enforced():
            request.centre = None
            request.membership = None
            centre_id = request.session.get(self.SESSION_KEY)
            if centre_id is not None and request.user.is_authenticated:
                from ..selectors import membership_for_user

                membership = membership_for_user(user=request.user, centre_id=centre_id)
                if membership is None:
                    del request.session[self.SESSION_KEY]
                else:
                    request.membership = membership
                    request.centre = membership.centre
            return self.get_response(request)
