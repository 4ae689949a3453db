"""The scope of a centre-owned query: the enforcement switch, the mark carried by the SQL query, the
queryset that refuses to reach the database unmarked, and the abstract models (the rule: `__init__`)."""

import contextvars
from contextlib import contextmanager

from django.db import models
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


# --- the mark, carried by the SQL query ----------------------------------------------------------------

# On `django.db.models.sql.Query`: None (unscoped), SCOPED, THROUGH_PARENT or an `across_centres` reason.
QUERY_MARK = "primaweb_tenancy"
THROUGH_PARENT = "reached through a centre-owned object"


def query_mark(query):
    return getattr(query, QUERY_MARK, None)


def mark_across_centres(queryset, *, reason: str):
    """`queryset`, any model's, marked as spanning centres on purpose (`reason` is the review trail).

    For a query of a model that is not centre-owned but joins centre-owned tables (users through their
    memberships), and for code that handles centre-owned and other querysets alike.
    """
    if not reason or not reason.strip():
        raise ValueError("Say why a read spans centres.")
    marked = queryset.all()
    setattr(marked.query, QUERY_MARK, reason)
    return marked


class CentreOwnedQuerySet(models.QuerySet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._mark_if_through_scoped_parent()

    # The mark lives on the query, so that it follows the query into a subquery (`Exists(queryset)`,
    # `Subquery(queryset)` copy `queryset.query`) and into the clones Django makes of it.
    @property
    def _tenancy(self):
        return query_mark(self._query)

    @_tenancy.setter
    def _tenancy(self, tenancy):
        setattr(self._query, QUERY_MARK, tenancy)

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

    # --- reached through a centre-owned object ---------------------------------------------------------

    def _add_hints(self, **hints):
        super()._add_hints(**hints)
        self._mark_if_through_scoped_parent()

    def _mark_if_through_scoped_parent(self):
        """Related managers (`dossier.documents`), related descriptors (`document.dossier`, through the
        base manager) and `refresh_from_db` give the object they start from as the `instance` hint."""
        parent = self._hints.get("instance")
        if self._tenancy is None and isinstance(parent, models.Model) and is_centre_owned(type(parent)):
            self._tenancy = THROUGH_PARENT

    # --- the check -------------------------------------------------------------------------------------

    def _check_scoped(self):
        if self._tenancy is None and _enforced.get() and not self.query.is_empty():
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

    # Combining keeps a scope only when the result cannot hold more than the scoped rows. Django may
    # answer with one of the operands itself (an empty one): its mark is then left as it is.
    def __and__(self, other):
        combined = super().__and__(other)
        if isinstance(combined, CentreOwnedQuerySet) and combined is not self and combined is not other:
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
        if isinstance(combined, CentreOwnedQuerySet) and combined is not self and combined is not other:
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


class CentreOwnedRow(models.Model):
    """What every centre-owned model needs, whether it has a `centre` column (`CentreOwned`) or reaches
    its centre through a parent (`centre_lookup`): its base manager refuses unscoped reads, and Django's
    own paths from an instance the code holds keep working."""

    objects = CentreOwnedQuerySet.as_manager()

    class Meta:
        abstract = True
        # Inherited through the MRO by subclasses that declare their own Meta (Options.base_manager).
        base_manager_name = "objects"

    # Django's uniqueness checks look for a clash in the whole table, whichever centre holds it; they
    # answer only "taken or not", which the database's own constraint would answer too.
    def validate_unique(self, *args, **kwargs):
        with across_centres(reason="uniqueness check of a form"):
            return super().validate_unique(*args, **kwargs)

    def validate_constraints(self, *args, **kwargs):
        with across_centres(reason="constraint check of a form"):
            return super().validate_constraints(*args, **kwargs)

    # `ForeignKey.validate` asks the base manager whether the id exists; a model form runs it only for
    # the values its (scoped) choice fields accepted, and the answer is "exists or not".
    def clean_fields(self, *args, **kwargs):
        with across_centres(reason="foreign-key existence check of a form"):
            return super().clean_fields(*args, **kwargs)

    # `save()` of a row the code holds updates that row, by its primary key, through the base manager.
    def _do_update(self, base_qs, *args, **kwargs):
        if isinstance(base_qs, CentreOwnedQuerySet):
            base_qs = base_qs.all()
            base_qs._add_hints(instance=self)
        return super()._do_update(base_qs, *args, **kwargs)


class CentreOwned(CentreOwnedRow):
    centre = models.ForeignKey(
        "primaweb.Centre", on_delete=models.PROTECT, related_name="+", verbose_name=_("C.P.A.S.")
    )

    class Meta(CentreOwnedRow.Meta):
        abstract = True
