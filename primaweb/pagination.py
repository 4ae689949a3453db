"""Keyset pagination, shared by every list of the back office.

A page is read by its list's sort key, never by OFFSET: « Suivant » links to `?apres=<cursor>`, the
sort key of the page's last row; « Précédent » to `?avant=<cursor>`, the key of its first. The database
starts the page straight in the list's index, so page 5,000 costs what page 1 costs, and a link stays
valid (bookmarkable) while rows come and go. The count shown is stopped at COUNT_CAP + 1 rows
(« plus de 1 000 »): counting a centre's million rows would cost more than the page itself.

Old `?page=N` links are not honoured (they show the first page): a page number cannot be reached
without reading every row before it. The cursor carries the page's number only to say « Page 3 ».

Every list's ordering must end with a unique column (the primary key) and its key columns must not be
null; `paginate()` adds the primary key when the ordering does not end with it.
"""

import base64
import binascii
import functools
import heapq
import json
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleGreaterThanOrEqual,
    TupleLessThan,
    TupleLessThanOrEqual,
)
from django.utils.translation import gettext as _

COUNT_CAP = 1000
AFTER = "apres"
BEFORE = "avant"
# The parameters the pagination owns: dropped from the query string its links carry on.
OWN_PARAMETERS = (AFTER, BEFORE, "page")


class InvalidCursor(ValueError):
    """A cursor that was not made by this module for this list."""


@dataclass
class Page:
    object_list: list
    number: int
    per_page: int
    count: int  # stopped at COUNT_CAP + 1
    has_next: bool
    has_previous: bool
    next_query: str = ""
    previous_query: str = ""
    criteria: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def num_pages(self) -> int | None:
        """The number of pages, or None when the count was stopped (« plus de 1 000 »)."""
        if self.count_is_capped:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def sort_keys(queryset: QuerySet) -> list[tuple[str, bool]]:
    """The queryset's ordering as (lookup path, descending) pairs, ending with the primary key."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    keys = []
    for item in ordering:
        if not isinstance(item, str) or item == "?":
            raise ValueError(f"keyset pagination needs plain field names in the ordering, not {item!r}")
        descending = item.startswith("-")
        path = item.lstrip("-")
        keys.append(("pk" if path in ("pk", "id") else path, descending))
    if not keys or keys[-1][0] != "pk":
        keys.append(("pk", keys[-1][1] if keys else False))
    return keys


def _field(queryset: QuerySet, path: str):
    model = queryset.model
    if path == "pk":
        return model._meta.pk
    if path in queryset.query.annotations:  # a key the list's selector computes (one column)
        return queryset.query.annotations[path].output_field
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def _value(row, path: str):
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def encode_cursor(queryset: QuerySet, row, *, number: int) -> str:
    """The cursor of `row` in the list `queryset` (its page being `number`)."""
    values = [_plain(_value(row, path)) for path, _descending in sort_keys(queryset)]
    text = json.dumps([number, *values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(queryset: QuerySet, cursor: str) -> tuple[int, list]:
    """(page number, sort key values); InvalidCursor when the cursor does not fit this list."""
    keys = sort_keys(queryset)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        number, *raw = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise InvalidCursor(cursor) from exc
    if not isinstance(number, int) or number < 1 or len(raw) != len(keys):
        raise InvalidCursor(cursor)
    values = []
    for (path, _descending), value in zip(keys, raw, strict=True):
        if value is None or isinstance(value, (list, dict, bool)):
            raise InvalidCursor(cursor)
        try:
            values.append(_field(queryset, path).to_python(value))
        except (ValidationError, FieldDoesNotExist, TypeError, ValueError) as exc:
            raise InvalidCursor(cursor) from exc
    return number, values


def _beyond(keys: list[tuple[str, bool]], values: list, *, forward: bool) -> Q:
    """The rows after (forward) or before the position `values` in the order `keys`.

    Keys all in one direction: a row comparison, (k1, k2, …, pk) > (v1, v2, …, pk), with the keys but
    the primary key at or beyond theirs. Otherwise:
    (k1 beyond v1) OR (k1 = v1 AND k2 beyond v2) OR …, plus k1 at or beyond v1 on its own: that last
    condition is what lets the database start the scan in the index at the position instead of
    reading the list from its top and filtering.
    """
    if len({descending for _path, descending in keys}) == 1:
        # Every key in one direction: one row comparison, (k1, k2, …) > (v1, v2, …), which the
        # database reads as a start position in an index on those columns, ties included.
        # The keys but the last (the primary key) at or beyond theirs too: the columns of one index when
        # the list sorts by another table's columns (a row comparison spanning two tables starts nothing).
        strict, loose = (
            (TupleLessThan, TupleLessThanOrEqual)
            if keys[0][1] == forward
            else (TupleGreaterThan, TupleGreaterThanOrEqual)
        )
        columns = [F(path) for path, _descending in keys]
        condition = Q(strict(Tuple(*columns), list(values)))
        if len(keys) > 2:
            condition &= Q(loose(Tuple(*columns[:-1]), list(values[:-1])))
        return condition
    condition = Q()
    equal = Q()
    for (path, descending), value in zip(keys, values, strict=True):
        lookup = "lt" if descending == forward else "gt"
        condition |= equal & Q(**{f"{path}__{lookup}": value})
        equal &= Q(**{path: value})
    first_path, first_descending = keys[0]
    bound = "lte" if first_descending == forward else "gte"
    return Q(**{f"{first_path}__{bound}": values[0]}) & condition


def _reverse(keys):
    return [f"{'' if descending else '-'}{path}" for path, descending in keys]


def capped_count(queryset: QuerySet) -> int:
    """How many rows `queryset` holds, stopped at COUNT_CAP + 1."""
    return queryset.order_by().select_related(None).values("pk")[: COUNT_CAP + 1].count()


def _merged(parts: list[list], keys, *, forward: bool, limit: int) -> list:
    """The first `limit` rows of the already ordered `parts`, in the list's order."""

    def compare(left, right):
        for path, descending in keys:
            a, b = _value(left, path), _value(right, path)
            if a != b:
                before = (a > b) if descending == forward else (a < b)
                return -1 if before else 1
        return 0

    return list(heapq.merge(*parts, key=functools.cmp_to_key(compare)))[:limit]


def paginate(request, queryset: QuerySet, *, per_page: int, parts: list[QuerySet] | None = None) -> Page:
    """The page of `queryset` that request.GET names (`apres` / `avant`), the first one otherwise.

    Two queries whatever the page: the capped count and the page's rows. A cursor that does not fit
    the list (altered by hand, or from another list) shows the first page with a message saying so.

    `parts`, when given, are disjoint querysets whose union is `queryset`, each of which an index reads
    in the list's order (a scope written with OR, which no index serves, split in its branches): each
    part's page is read on its own and the pages merged, and the count adds theirs (2 queries a part).
    """
    keys = sort_keys(queryset)
    ordered = queryset.order_by(*(f"{'-' if descending else ''}{path}" for path, descending in keys))
    after, before = request.GET.get("apres", ""), request.GET.get("avant", "")
    number, position, forward = 1, None, True
    if after or before:
        try:
            number, position = decode_cursor(ordered, after or before)
        except InvalidCursor:
            messages.error(
                request, _("Ce lien de page n'est pas valide : voici la première page de la liste.")
            )
            number = 1
        else:
            forward = bool(after)
            number = number + 1 if forward else max(1, number - 1)
    ordering = [f"{'-' if descending else ''}{path}" for path, descending in keys]
    rows = []
    for part in parts or [queryset]:
        rows_query = part.order_by(*(ordering if forward else _reverse(keys)))
        if position is not None:
            rows_query = rows_query.filter(_beyond(keys, position, forward=forward))
        rows.append(list(rows_query[: per_page + 1]))
    rows = rows[0] if len(rows) == 1 else _merged(rows, keys, forward=forward, limit=per_page + 1)
    more = len(rows) > per_page
    rows = rows[:per_page]
    if forward:
        has_next, has_previous = more, position is not None
    else:
        rows.reverse()
        has_next, has_previous = True, more
    if not has_previous:
        number = 1
    page = Page(
        object_list=rows,
        number=number,
        per_page=per_page,
        count=min(COUNT_CAP + 1, sum(capped_count(part) for part in parts or [queryset])),
        has_next=has_next,
        has_previous=has_previous,
        criteria={"page": number},
    )
    kept = [
        (key, value) for key, values in request.GET.lists() if key not in OWN_PARAMETERS for value in values
    ]
    if rows and has_next:
        page.next_query = urlencode([*kept, (AFTER, encode_cursor(ordered, rows[-1], number=number))])
    if rows and has_previous:
        page.previous_query = urlencode([*kept, (BEFORE, encode_cursor(ordered, rows[0], number=number))])
    return page
