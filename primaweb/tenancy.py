"""Tenancy: every piece of centre-owned data is reached through the centre, and this is enforced.

The rule
--------
A model is *centre-owned* when its rows belong to one centre: it inherits `CentreOwned` (a `centre`
column), or it hangs off a centre-owned parent without a column of its own (a document's history,
`DocumentEvent`) and then declares `centre_lookup` (the path to the centre, ``"document__centre"``).
Every centre-owned model's default manager is a `CentreOwnedQuerySet`; a test walks the models and fails
for a model with a foreign key to `Centre` or to a centre-owned model that has none.

While tenancy is *enforced* — for the whole of every request (`CurrentCentreMiddleware`) and of every
Celery task (`primaweb.celery`) — a centre-owned queryset refuses to reach the database (fetch, iterate,
`get`, `first`, `count`, `exists`, `aggregate`, `update`, `delete`, or serve as a subquery in a filter)
unless it says whose rows it wants:

- `.for_centre(centre)` (or `.for_centres(centres)` for a centre administrator's several centres): the
  normal way in; `get_for_centre_or_404` answers another centre's id with 404, never 403 and never data;
- `.across_centres(reason="...")`: a read that spans centres on purpose — beat tasks, commands, the
  sign-in's look-up of a user's memberships, a task re-reading the row whose id a scoped service queued.
  The reason is mandatory and is the review trail;
- a related manager of an already fetched centre-owned object (``dossier.documents.all()``,
  ``message.labels.all()``, prefetches of those): the parent was reached through its centre, and a child
  belongs to its parent's centre. Related managers of objects that are not centre-owned (``user.memberships``)
  get no such pass: a user spans centres.

A forgotten `for_centre` is therefore an `UnscopedQuery` error in the first test that opens the screen,
not a leak. Outside enforcement (the shell, data migrations, tests setting up data) querysets behave as
plain Django ones. Not checked: `Subquery(...)`/`Exists(...)` built from a queryset (Django copies its
`query` without asking the queryset) and raw SQL; give them a scoped queryset all the same.
"""

import contextvars
from contextlib import contextmanager

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

_enforced = contextvars.ContextVar("primaweb_tenancy_enforced", default=False)

SCOPED = "for_centre"


class UnscopedQuery(RuntimeError):
    """A centre-owned queryset reached the database without saying whose rows it wants."""


def tenancy_is_enforced() -> bool:
    return _enforced.get()


@contextmanager
def tenancy_enforced(enforced: bool = True):
    """Enforces (or, with False, suspends) the rule for the duration of the block."""
    token = _enforced.set(enforced)
    try:
        yield
    finally:
        _enforced.reset(token)


@contextmanager
def across_centres(*, reason: str):
    """A block whose centre-owned reads span centres on purpose (Django's own uniqueness checks)."""
    if not reason or not reason.strip():
        raise ValueError("Say why a read spans centres.")
    with tenancy_enforced(False):
        yield


def is_centre_owned(model) -> bool:
    return issubclass(model._default_manager._queryset_class, CentreOwnedQuerySet)


class CentreOwnedQuerySet(models.QuerySet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # None (unscoped), SCOPED, or the reason given to `across_centres`.
        self._tenancy = None

    def _clone(self):
        clone = super()._clone()
        clone._tenancy = self._tenancy
        return clone

    def _marked(self, tenancy):
        clone = self._chain()
        clone._tenancy = tenancy
        return clone

    def for_centre(self, centre):
        if centre is None:
            raise ValueError("A centre-owned query needs a centre.")
        lookup = getattr(self.model, "centre_lookup", "centre")
        return self.filter(**{lookup: centre})._marked(SCOPED)

    def for_centres(self, centres):
        """The rows of any of `centres` (a queryset or list of centres): a centre administrator's view."""
        lookup = getattr(self.model, "centre_lookup", "centre")
        return self.filter(**{f"{lookup}__in": centres})._marked(SCOPED)

    def across_centres(self, *, reason: str):
        """Every centre's rows, on purpose: `reason` says why (it is the review trail)."""
        if not reason or not reason.strip():
            raise ValueError("Say why a read spans centres.")
        return self._marked(reason)

    # --- the check -------------------------------------------------------------------------------------

    def _through_scoped_parent(self) -> bool:
        parent = self._hints.get("instance")
        return isinstance(parent, models.Model) and is_centre_owned(type(parent))

    def _check_scoped(self):
        if (
            self._tenancy is None
            and _enforced.get()
            and not self.query.is_empty()
            and not self._through_scoped_parent()
        ):
            raise UnscopedQuery(
                f"{self.model._meta.label} queried without a centre: use .for_centre(centre), or "
                f".across_centres(reason=...) for a read that spans centres on purpose."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scoped()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check_scoped()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._check_scoped()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scoped()
        return super().exists()

    def contains(self, obj):
        if self._result_cache is None:
            self._check_scoped()
        return super().contains(obj)

    def aggregate(self, *args, **kwargs):
        self._check_scoped()
        return super().aggregate(*args, **kwargs)

    def in_bulk(self, *args, **kwargs):
        self._check_scoped()
        return super().in_bulk(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scoped()
        return super().update(**kwargs)

    def _update(self, values):
        self._check_scoped()
        return super()._update(values)

    def delete(self):
        self._check_scoped()
        return super().delete()

    def _raw_delete(self, using):
        self._check_scoped()
        return super()._raw_delete(using)

    def explain(self, *args, **kwargs):
        self._check_scoped()
        return super().explain(*args, **kwargs)

    def resolve_expression(self, *args, **kwargs):
        # Used as a subquery (`pk__in=queryset`): an unscoped one would select other centres' rows.
        self._check_scoped()
        return super().resolve_expression(*args, **kwargs)

    # Combining keeps a scope only when the result cannot hold more than the scoped rows.
    def __and__(self, other):
        combined = super().__and__(other)
        if isinstance(combined, CentreOwnedQuerySet):
            scopes = [qs._tenancy for qs in (self, other) if getattr(qs, "_tenancy", None) is not None]
            combined._tenancy = scopes[0] if scopes else None
        return combined

    def __or__(self, other):
        combined = super().__or__(other)
        if isinstance(combined, CentreOwnedQuerySet) and combined is not self and combined is not other:
            both = self._tenancy is not None and getattr(other, "_tenancy", None) is not None
            combined._tenancy = self._tenancy if both else None
        return combined

    def __xor__(self, other):
        combined = super().__xor__(other)
        if isinstance(combined, CentreOwnedQuerySet):
            both = self._tenancy is not None and getattr(other, "_tenancy", None) is not None
            combined._tenancy = self._tenancy if both else None
        return combined

    def _combinator_query(self, combinator, *other_qs, all=False):
        combined = super()._combinator_query(combinator, *other_qs, all=all)
        scopes = [getattr(qs, "_tenancy", None) for qs in (self, *other_qs)]
        if combinator == "intersection":
            combined._tenancy = next((scope for scope in scopes if scope is not None), None)
        else:
            combined._tenancy = self._tenancy if None not in scopes else None
        return combined


def mark_across_centres(queryset, *, reason: str):
    """`queryset.across_centres(reason=...)`, for code that handles centre-owned and other querysets alike."""
    if isinstance(queryset, CentreOwnedQuerySet):
        return queryset.across_centres(reason=reason)
    return queryset


class CentreOwned(models.Model):
    centre = models.ForeignKey(
        "primaweb.Centre", on_delete=models.PROTECT, related_name="+", verbose_name=_("C.P.A.S.")
    )

    objects = CentreOwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    # Django's uniqueness checks look for a clash in the whole table, whichever centre holds it; they
    # answer only "taken or not", which the database's own constraint would answer too.
    def validate_unique(self, *args, **kwargs):
        with across_centres(reason="uniqueness check of a form"):
            return super().validate_unique(*args, **kwargs)

    def validate_constraints(self, *args, **kwargs):
        with across_centres(reason="constraint check of a form"):
            return super().validate_constraints(*args, **kwargs)


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
                from .selectors import membership_for_user

                membership = membership_for_user(user=request.user, centre_id=centre_id)
                if membership is None:
                    del request.session[self.SESSION_KEY]
                else:
                    request.membership = membership
                    request.centre = membership.centre
            return self.get_response(request)
