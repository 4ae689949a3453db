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
plain Django ones.

Where it is checked
-------------------
The mark is carried by the SQL query itself (`Query.primaweb_tenancy`, kept by every clone), and it is
checked where Django turns *any* query into SQL — the main query, every subquery (`Subquery`, `Exists`,
`pk__in=queryset`, the parts of a `union`) and the queries Django builds behind the scenes — by the SQL
compilers (`_check_compiled`): a query that is not marked and whose FROM clause (or the table it
updates or deletes from) holds a centre-owned table is refused, whatever the model it was started from
and whatever manager built it:
`Dossier._base_manager...`, `Centre.objects.filter(Exists(Dossier.objects...))`,
`User.objects.filter(memberships__centre=...)`, `User.objects.values("memberships__centre__name_fr")`.
A query of a model that is not centre-owned but joins centre-owned tables on purpose is marked with
`mark_across_centres(queryset, reason=...)` (or runs in an `across_centres(reason=...)` block).

Django's own ways in, and why they pass:

- the base manager of a centre-owned model is its `objects` (`CentreOwnedRow.Meta.base_manager_name`):
  it refuses like the default manager. Django's related descriptors (`document.dossier`,
  `dossier.beneficiary`) and `refresh_from_db` hand it the instance they start from as the `instance` hint;
  when that instance is itself centre-owned, it was reached through its centre and the row it points to
  belongs to the same centre, so the query is marked as reached through it. A hint from an object that
  is not centre-owned (a user spans centres) gives no such pass;
- `Model.save()` of a centre-owned instance updates that instance's own row by its primary key
  (`CentreOwnedRow._do_update` gives the instance as the hint);
- a deletion that starts from rows reached through their centre (a scoped queryset, or centre-owned
  instances the code holds) collects and deletes their cascade with enforcement suspended: what cascades
  hangs off those rows. A deletion that starts elsewhere (a user) and cascades into centre-owned tables
  is refused outside an `across_centres(reason=...)` block (the admin opens one for a superuser);
- the foreign-key existence check of `full_clean` (`ForeignKey.validate`) and the uniqueness checks
  answer only "exists or not", for values a scoped form field has already accepted.

The inner query Django builds for a multi-valued `exclude()` is tied to the outer rows: it is checked
as part of the outer query. Not checked: raw SQL (`raw()`, `connection.cursor()`).
"""

import contextvars
import functools
from contextlib import contextmanager

from django.apps import apps
from django.db import models
from django.db.models.deletion import Collector
from django.db.models.sql.compiler import SQLCompiler, SQLDeleteCompiler, SQLUpdateCompiler
from django.db.models.sql.query import Query
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


# --- the check where SQL is made --------------------------------------------------------------------------


@functools.cache
def _centre_owned_tables() -> frozenset:
    """The tables of centre-owned models, and the many-to-many tables that link one to a model that is
    not centre-owned (those links are then the only thing between the two). A link table between two
    centre-owned models holds ids only, and its related managers (`message.labels.remove(label)`) query
    it from an object reached through its centre: not counted."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if is_centre_owned(model):
            tables.add(model._meta.db_table)
        elif model._meta.auto_created:
            linked = {
                is_centre_owned(field.related_model)
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is not None
            }
            if linked == {True, False}:
                tables.add(model._meta.db_table)
    return frozenset(tables)


def _check_compiled(query, tables):
    """Refuses a query that is not marked and whose SQL reads or writes a centre-owned table."""
    if query_mark(query) is not None or query.is_empty():
        return
    reached = set(tables) & _centre_owned_tables()
    if reached:
        names = ", ".join(sorted(reached))
        raise UnscopedQuery(
            f"{query.model._meta.label if query.model else 'A query'} reaches centre-owned data ({names}) "
            f"without a centre: scope it with .for_centre(centre), or mark it with "
            f".across_centres(reason=...) / mark_across_centres(queryset, reason=...)."
        )


def _from_clause_checked(get_from_clause):
    """A SELECT — main query, subquery, part of a union — names its tables in its FROM clause: the base
    table and every join still referenced (the compiler resets the counts once the SQL is made)."""

    @functools.wraps(get_from_clause)
    def get_from_clause_checked(compiler):
        from_clause = get_from_clause(compiler)
        query = compiler.query
        if _enforced.get() and not getattr(query, PART_OF_OUTER, False):
            used = {
                join.table_name for alias, join in query.alias_map.items() if query.alias_refcount.get(alias)
            }
            _check_compiled(query, used | _tables_of_parts(query))
        return from_clause

    get_from_clause_checked.primaweb_tenancy = True
    return get_from_clause_checked


def _write_checked(as_sql):
    """An UPDATE or DELETE writes its model's table (its joins become a subquery, checked as a SELECT)."""

    @functools.wraps(as_sql)
    def as_sql_checked(compiler, *args, **kwargs):
        sql = as_sql(compiler, *args, **kwargs)
        if _enforced.get():
            _check_compiled(compiler.query, {compiler.query.get_meta().db_table})
        return sql

    as_sql_checked.primaweb_tenancy = True
    return as_sql_checked


# A multi-valued `exclude()` becomes `NOT EXISTS (inner query)`, an inner query Django builds afresh from
# the outer query's own condition and ties to the outer rows: it is checked as a part of the outer query
# (its tables count as the outer's, the outer's mark covers them), whenever the outer is marked.
PART_OF_OUTER = "primaweb_part_of_outer"


def _split_exclude_checked(split_exclude):
    @functools.wraps(split_exclude)
    def split_exclude_flagged(query, *args, **kwargs):
        condition, needed_inner = split_exclude(query, *args, **kwargs)
        for inner in _subqueries_of(condition):
            setattr(inner, PART_OF_OUTER, True)
        return condition, needed_inner

    split_exclude_flagged.primaweb_tenancy = True
    return split_exclude_flagged


def _subqueries_of(expression):
    """The queries directly inside `expression` (not those nested in them)."""
    for source in expression.get_source_expressions():
        if isinstance(source, Query):
            yield source
        elif source is not None and hasattr(source, "get_source_expressions"):
            yield from _subqueries_of(source)


def _tables_of_parts(query):
    """The tables of the inner queries Django built for `query`'s multi-valued excludes."""
    tables = set()
    for inner in _subqueries_of(query.where):
        if getattr(inner, PART_OF_OUTER, False):
            tables |= {
                join.table_name for alias, join in inner.alias_map.items() if inner.alias_refcount.get(alias)
            }
            tables |= _tables_of_parts(inner)
    return tables


def _collect_checked(collect):
    @functools.wraps(collect)
    def collect_from_reached_rows(collector, objs, *args, **kwargs):
        if _enforced.get() and _reached_through_their_centre(objs):
            collector.primaweb_reached_rows = True
            with tenancy_enforced(False):
                return collect(collector, objs, *args, **kwargs)
        return collect(collector, objs, *args, **kwargs)

    collect_from_reached_rows.primaweb_tenancy = True
    return collect_from_reached_rows


def _delete_checked(delete):
    @functools.wraps(delete)
    def delete_reached_rows(collector, *args, **kwargs):
        if _enforced.get() and getattr(collector, "primaweb_reached_rows", False):
            with tenancy_enforced(False):
                return delete(collector, *args, **kwargs)
        return delete(collector, *args, **kwargs)

    delete_reached_rows.primaweb_tenancy = True
    return delete_reached_rows


def _reached_through_their_centre(objs) -> bool:
    """A deletion starts from a scoped queryset, or from centre-owned instances the code holds."""
    if isinstance(objs, models.QuerySet):
        return is_centre_owned(objs.model) and query_mark(objs.query) is not None
    if isinstance(objs, (list, tuple, set)) and objs:
        return all(isinstance(obj, models.Model) and is_centre_owned(type(obj)) for obj in objs)
    return False


def _install():
    """Makes every SQL compiler check the mark, and lets a deletion cascade from rows reached through
    their centre. Idempotent; run when this module is imported (the models import it)."""
    if not getattr(SQLCompiler.get_from_clause, "primaweb_tenancy", False):
        SQLCompiler.get_from_clause = _from_clause_checked(SQLCompiler.get_from_clause)
    for compiler in (SQLDeleteCompiler, SQLUpdateCompiler):
        if not getattr(compiler.__dict__["as_sql"], "primaweb_tenancy", False):
            compiler.as_sql = _write_checked(compiler.__dict__["as_sql"])
    if not getattr(Query.split_exclude, "primaweb_tenancy", False):
        Query.split_exclude = _split_exclude_checked(Query.split_exclude)
    if not getattr(Collector.collect, "primaweb_tenancy", False):
        Collector.collect = _collect_checked(Collector.collect)
    if not getattr(Collector.delete, "primaweb_tenancy", False):
        Collector.delete = _delete_checked(Collector.delete)


_install()


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
