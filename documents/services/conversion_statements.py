"""The two statements every conversion runs: taking the lease, and registering the PDF with its history's
event. Each is one statement, its own transaction, and each is the ORM's own UPDATE (its filters, its
tenancy check, its value preparation) with a clause added.

The ORM makes each statement's SQL once per process, not once per conversion: building the
querysets and compiling them cost about as much processor time as the statements themselves (with two
LibreOffice listeners keeping the cores busy, what a conversion adds elsewhere is what a burst of uploads
waits for). A `Slot` stands where a value of the conversion goes; the ORM compiles the statement around
it, its tenancy check included, and each run fills the slots in as the ORM prepares such a value
(`Statement.params`).
"""

from django.db import connection, connections, models, transaction
from django.db.models.expressions import Expression, RawSQL
from django.db.models.lookups import Exact
from django.db.models.sql import UpdateQuery

from primaweb.tenancy import tenancy_enforced

from ..models import Document, DocumentEvent
from ..selectors import documents_by_id


class Slot(Expression):
    """Where a statement made once takes a value at each run: compiles to one parameter, the Slot itself,
    which `Statement.params` replaces with the value, prepared by `field` (its `target`) as the ORM would:
    to be saved in an UPDATE's SET when `saved`, to be compared in a WHERE otherwise (where the ORM puts
    an expression between brackets: `"id" = (%s)`)."""

    def __init__(self, name: str, field: models.Field, *, saved: bool = False):
        super().__init__(output_field=field)
        self.name, self.target, self.saved = name, field, saved

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def prepared(self, value, database):
        if self.saved:
            return self.target.get_db_prep_save(value, database)
        return self.target.get_db_prep_value(value, database, prepared=False)


class Statement:
    """A statement's SQL and parameters as the ORM made them, Slots among the parameters."""

    def __init__(self, sql: str, params: list):
        self.sql, self._params = sql, params

    def params(self, values: dict, database) -> list:
        """The parameters for one run: each Slot's value from `values`, prepared."""
        return [
            param.prepared(values[param.name], database) if isinstance(param, Slot) else param
            for param in self._params
        ]


_made: dict[tuple, Statement] = {}


def _statement(key: tuple, make) -> Statement:
    """The statement `make()` gives (its SQL and parameters), made once per process for `key`: what the SQL
    depends on (the statement, the database, whether the commit waits for the disk). Made with tenancy
    enforced, whoever asks first: the one check of its SQL is made whatever the caller's context."""
    statement = _made.get(key)
    if statement is None:
        with tenancy_enforced(True):
            statement = _made[key] = Statement(*make())
    return statement


def _field(name: str) -> models.Field:
    return Document._meta.get_field(name)


def relaxed_here() -> bool:
    """Whether a conversion's write made here, a statement that is its own transaction, may commit without
    waiting for PostgreSQL to flush it to disk (3-5 ms of fsync a commit, a tenth of a conversion):
    `set_config(..., true)` in its WHERE, so that it costs one round trip. Only for the conversion's own
    writes, which may be lost in a crash of the database server without harm: the document is then taken
    back by the sweep and converted again (to the same file name), and a later durable commit flushes them
    first anyway. The upload's commit, which the social worker is told is saved, stays durable, as does
    any transaction the conversion is nested in (an eager task inside a caller's): then the write is not
    its own transaction, and this is False.

    The setting is read when the transaction commits; it takes effect only when the row matched, that is
    when the statement writes something."""
    return connection.vendor == "postgresql" and not connection.atomic_blocks


def without_waiting_for_disk(queryset: models.QuerySet) -> models.QuerySet:
    """`queryset` whose write commits without waiting for the disk (`relaxed_here`)."""
    relaxed = RawSQL("set_config('synchronous_commit', 'off', true)", [], models.TextField())
    return queryset.filter(Exact(relaxed, "off"))


def _can_return_rows(database) -> bool:
    """Whether `database` has `UPDATE … RETURNING`: PostgreSQL has, SQLite from 3.35 (the same version as
    its `INSERT … RETURNING`, which Django's feature says)."""
    return database.features.can_return_columns_from_insert


def _update_sql(queryset: models.QuerySet, values: dict) -> tuple[str, list]:
    """The SQL and parameters of `queryset.update(**values)`, as the ORM writes it (its filters, tenancy
    checks and value preparation), for a statement that adds a clause to it."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    return query.get_compiler(queryset.db).as_sql()


def _free(*, document_id, version, now) -> models.QuerySet:
    """The document, if it still waits for this version's conversion and nobody holds a living lease on it."""
    free = documents_by_id().filter(
        pk=document_id, version=version, status__in=Document.IN_CONVERSION, deleted_at__isnull=True
    )
    return free.exclude(status=Document.Status.CONVERTING, lease_until__gt=now)


def lease_taken(*, document_id: int, version: int, now, until) -> Document | None:
    """Takes the conversion's lease (until `until`) on the document if it is free at `now` (`_free`), and
    returns its row as the lease left it, in one statement (`UPDATE … RETURNING`): a round trip and a read
    fewer than an update followed by a select, on every conversion. None when it was not free."""
    database = connections[documents_by_id().db]
    relaxed = relaxed_here()
    if not _can_return_rows(database):
        free = _free(document_id=document_id, version=version, now=now)
        free = without_waiting_for_disk(free) if relaxed else free
        values = {"status": Document.Status.CONVERTING, "lease_until": until}
        return documents_by_id().filter(pk=document_id).first() if free.update(**values) else None

    def make():
        free = _free(
            document_id=Slot("document", Document._meta.pk),
            version=Slot("version", _field("version")),
            now=Slot("now", _field("lease_until")),
        )
        until = Slot("until", _field("lease_until"), saved=True)
        values = {"status": Document.Status.CONVERTING, "lease_until": until}
        sql, params = _update_sql(without_waiting_for_disk(free) if relaxed else free, values)
        columns = ", ".join(database.ops.quote_name(field.column) for field in Document._meta.concrete_fields)
        return f"{sql} RETURNING {columns}", params

    statement = _statement(("lease", database.alias, relaxed), make)
    params = statement.params(
        {"document": document_id, "version": version, "now": now, "until": until}, database
    )
    return next(iter(documents_by_id().raw(statement.sql, params)), None)


def _current(*, document_id, version) -> models.QuerySet:
    """The document, if still in this version's conversion (not deleted, replaced or failed meanwhile)."""
    return documents_by_id().filter(
        pk=document_id, version=version, status__in=Document.IN_CONVERSION, deleted_at__isnull=True
    )


def registration(*, pdf, pages, converted_at) -> dict:
    """What registering a conversion's PDF writes on its document."""
    return {
        "pdf": pdf,
        "pages": pages,
        "status": Document.Status.REGISTERED,
        "converted_at": converted_at,
        "failure_reason": "",
        "failure": {},
        "lease_until": None,
    }


def registered_with_event(
    *, document_id: int, version: int, pdf: str, pages: int, converted_at, event: DocumentEvent
) -> dict | None:
    """Registers the conversion's PDF on the document (`registration`) if it is still in this version's
    conversion (`_current`) and writes its history's `event`: both, and returns what it wrote on the
    document; or neither, and returns None, when it is no longer in this conversion. On PostgreSQL in one
    statement, its own transaction (the UPDATE in a WITH, the event inserted for the row it returned): a
    transaction would take three round trips more (BEGIN, the event's INSERT, COMMIT) on every conversion.
    The event's values are prepared by its fields as a save would."""
    values = registration(pdf=pdf, pages=pages, converted_at=converted_at)
    database = connections[documents_by_id().db]
    if database.vendor != "postgresql":  # SQLite: no UPDATE inside a WITH
        current = _current(document_id=document_id, version=version)
        with transaction.atomic(using=current.db):
            if not current.update(**values):
                return None
            event.save()
            return values
    relaxed = relaxed_here()
    fields = [field for field in DocumentEvent._meta.concrete_fields if not field.primary_key]

    def make():
        slots = {name: Slot(name, _field(name), saved=True) for name in ("pdf", "pages", "converted_at")}
        current = _current(
            document_id=Slot("document", Document._meta.pk), version=Slot("version", _field("version"))
        )
        current = without_waiting_for_disk(current) if relaxed else current
        update_sql, params = _update_sql(current, registration(**slots))
        quote = database.ops.quote_name
        casts = ", ".join(f"CAST(%s AS {field.db_type(database)})" for field in fields)
        columns = ", ".join(quote(field.column) for field in fields)
        # Names from the models' metadata; every value is a parameter.
        returning = f"{update_sql} RETURNING {quote(Document._meta.pk.column)}"
        table = quote(DocumentEvent._meta.db_table)
        sql = (
            f"WITH registered AS ({returning}) INSERT INTO {table} ({columns}) SELECT {casts} FROM registered"  # noqa: S608
        )
        return sql, params

    statement = _statement(("registration", database.alias, relaxed), make)
    params = [
        *statement.params({**values, "document": document_id, "version": version}, database),
        *(field.get_db_prep_save(field.pre_save(event, add=True), database) for field in fields),
    ]
    with database.cursor() as cursor:
        cursor.execute(statement.sql, params)
        return values if cursor.rowcount == 1 else None
