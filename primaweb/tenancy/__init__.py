"""Tenancy: every piece of centre-owned data is reached through the centre, and this is enforced.

The rule
--------
A model is *centre-owned* when its rows belong to one centre: it inherits `CentreOwned` (a `centre`
column), or it hangs off a centre-owned parent without a column of its own (a document's history,
`DocumentEvent`) and then declares `centre_lookup` (the path to the centre, ``"document__centre"``).
Every centre-owned model's default manager is a `CentreOwnedQuerySet`; a test walks the models and fails
for a model with a foreign key to `Centre` or to a centre-owned model that has none
(`tests/test_tenancy_enforced.py`).

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
compilers (`sql._check_compiled`): a query that is not marked and whose FROM clause (or the table it
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

from .scope import (
    QUERY_MARK,
    SCOPED,
    THROUGH_PARENT,
    CentreOwned,
    CentreOwnedQuerySet,
    CentreOwnedRow,
    UnscopedQuery,
    across_centres,
    is_centre_owned,
    mark_across_centres,
    query_mark,
    tenancy_enforced,
    tenancy_is_enforced,
)
from .sql import install
from .web import CurrentCentreMiddleware, get_for_centre_or_404

install()

__all__ = [
    "QUERY_MARK",
    "SCOPED",
    "THROUGH_PARENT",
    "CentreOwned",
    "CentreOwnedQuerySet",
    "CentreOwnedRow",
    "CurrentCentreMiddleware",
    "UnscopedQuery",
    "across_centres",
    "get_for_centre_or_404",
    "is_centre_owned",
    "mark_across_centres",
    "query_mark",
    "tenancy_enforced",
    "tenancy_is_enforced",
]
