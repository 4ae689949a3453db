"""The check where Django turns any query into SQL: the compilers refuse an unmarked query that reaches a
centre-owned table, and a deletion cascades from rows reached through their centre (the rule: `__init__`)."""

import functools

from django.apps import apps
from django.db import models
from django.db.models.deletion import Collector
from django.db.models.sql.compiler import SQLCompiler, SQLDeleteCompiler, SQLUpdateCompiler
from django.db.models.sql.query import Query

from .scope import UnscopedQuery, _enforced, is_centre_owned, query_mark, tenancy_enforced


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


def install():
    """Makes every SQL compiler check the mark, and lets a deletion cascade from rows reached through
    their centre. Idempotent; run when `primaweb.tenancy` is imported (the models import it)."""
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
