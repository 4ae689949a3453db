"""The lease and the registration, made once per process: each run says what the ORM would say for its own
values, and the ORM is not asked again."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from psycopg.types.json import Jsonb

from documents import services
from documents.models import Document, DocumentEvent
from documents.selectors import documents_by_id
from documents.services import conversion_statements as statements
from primaweb.tenancy import UnscopedQuery, tenancy_enforced
from tests import samples

from .test_conversion_commits import _uploaded

# The lease is made once wherever the database returns rows from an UPDATE (PostgreSQL, SQLite from 3.35);
# the registration, one statement with its event, on PostgreSQL only.
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL")


def _pending(centre, worker, monkeypatch) -> Document:
    monkeypatch.setattr("documents.tasks.convert_document.delay", lambda *args: None)
    return _uploaded(centre, worker)


def _comparable(params) -> list:
    """Parameters as they compare: psycopg's JSON wrapper compares by identity."""
    return [param.obj if isinstance(param, Jsonb) else param for param in params]


def _made_for(kind: str, values: dict) -> tuple[str, list]:
    """The statement made once for `kind`, filled with `values`; the brackets the ORM puts around an
    expression in a WHERE (a slot) taken off, as it writes a plain value."""
    (statement,) = [made for key, made in statements._made.items() if key[0] == kind]
    return statement.sql.replace("(%s)", "%s"), _comparable(statement.params(values, connection))


@pytest.mark.parametrize(
    "own_transaction",
    [
        pytest.param(True, marks=pytest.mark.django_db(transaction=True)),
        pytest.param(False, marks=pytest.mark.django_db),
    ],
    ids=["its-own-transaction", "in-a-callers"],
)
def test_each_lease_is_the_orms_for_its_values(centre, worker, monkeypatch, own_transaction):
    relaxed = own_transaction and connection.vendor == "postgresql"
    assert statements.relaxed_here() is relaxed
    now = timezone.now()
    for document, at in (
        (_pending(centre, worker, monkeypatch), now),
        (_pending(centre, worker, monkeypatch), now + timedelta(seconds=7)),
    ):
        until = at + timedelta(minutes=1)
        leased = statements.lease_taken(
            document_id=document.pk, version=document.version, now=at, until=until
        )
        assert (leased.pk, leased.status, leased.lease_until) == (document.pk, "converting", until)

        free = statements._free(document_id=document.pk, version=document.version, now=at)
        free = statements.without_waiting_for_disk(free) if relaxed else free
        sql, params = statements._update_sql(
            free, {"status": Document.Status.CONVERTING, "lease_until": until}
        )
        made_sql, made_params = _made_for(
            "lease", {"document": document.pk, "version": document.version, "now": at, "until": until}
        )
        assert made_sql.startswith(f"{sql} RETURNING ") and made_params == _comparable(params)
        assert ("set_config" in made_sql) is relaxed


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_each_registration_is_the_orms_for_its_values(centre, worker, monkeypatch):
    for pages in (2, 3):
        document = _pending(centre, worker, monkeypatch)
        statements.lease_taken(
            document_id=document.pk, version=document.version, now=timezone.now(), until=timezone.now()
        )
        converted_at, pdf = timezone.now(), document.storage_path(f"v{document.version}.pdf")
        event = DocumentEvent(document_id=document.pk, kind="converted", by=None, details={"pages": pages})
        written = statements.registered_with_event(
            document_id=document.pk,
            version=document.version,
            pdf=pdf,
            pages=pages,
            converted_at=converted_at,
            event=event,
        )
        assert written == statements.registration(pdf=pdf, pages=pages, converted_at=converted_at)
        saved = documents_by_id().get(pk=document.pk)
        assert (saved.status, saved.pages, saved.pdf.name, saved.converted_at) == (
            "registered",
            pages,
            pdf,
            converted_at,
        )
        assert saved.events.get(kind="converted").details == {"pages": pages}

        current = statements._current(document_id=document.pk, version=document.version)
        sql, params = statements._update_sql(statements.without_waiting_for_disk(current), written)
        values = {**written, "document": document.pk, "version": document.version}
        made_sql, made_params = _made_for("registration", values)
        assert made_sql.startswith(f"WITH registered AS ({sql} RETURNING ") and made_params == _comparable(
            params
        )


@pytest.mark.django_db(transaction=True)
def test_the_orm_makes_each_statement_once(centre, worker, monkeypatch, converter):
    documents = [_pending(centre, worker, monkeypatch) for _ in range(3)]
    made = []
    update_sql = statements._update_sql
    monkeypatch.setattr(statements, "_update_sql", lambda *args: made.append(args) or update_sql(*args))
    # Nor is a queryset built on each run: building one costs about what the statement does.
    built = []
    for name in ("_free", "_current"):
        build = getattr(statements, name)
        monkeypatch.setattr(
            statements, name, lambda build=build, name=name, **kw: built.append(name) or build(**kw)
        )
    for document in documents:
        converted = services.document_convert(document_id=document.pk, version=document.version)
        assert converted.status == "registered"
    # The lease, and the registration where it is one statement.
    assert len(made) == (2 if connection.vendor == "postgresql" else 1)
    if connection.vendor == "postgresql":
        assert sorted(built) == ["_current", "_free"]
    else:  # the registration is the ORM's update, in a transaction with its event
        assert sorted(built) == ["_current"] * 3 + ["_free"]


@pytest.mark.django_db(transaction=True)
def test_a_statement_is_checked_for_its_centre_whoever_makes_it_first(monkeypatch):
    # Made through the ORM, with tenancy enforced whatever the caller's context: one that forgot its
    # centre is refused when it is made, even by a caller that does not enforce it (a command, a shell),
    # and so never runs afterwards either.
    monkeypatch.setattr(statements, "documents_by_id", lambda: Document._base_manager.all())
    now = timezone.now()
    for enforced in (False, True):
        with tenancy_enforced(enforced), pytest.raises(UnscopedQuery):
            statements.lease_taken(document_id=1, version=1, now=now, until=now)


@pytest.mark.django_db(transaction=True)
def test_a_replaced_document_is_converted_after_a_first_version_was(converter, centre, worker, monkeypatch):
    # The version is a value of each run, not of the first one.
    first = _pending(centre, worker, monkeypatch)
    assert services.document_convert(document_id=first.pk, version=1).status == "registered"
    second = _pending(centre, worker, monkeypatch)
    services.document_convert(document_id=second.pk, version=1)
    second = services.document_replace(
        document=Document.objects.for_centre(centre).get(pk=second.pk),
        name="autre.docx",
        data=samples.docx_bytes("Une autre décision"),
        by=worker,
    )
    assert second.version == 2
    converted = services.document_convert(document_id=second.pk, version=2)
    assert converted.status == "registered" and converted.pdf.name.endswith("/v2.pdf")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_made_relaxed_never_runs_in_a_callers_transaction(converter, centre, worker, monkeypatch):
    # The conversion's own commits do not wait for the disk; a caller's transaction, the upload's say, does.
    first, second = _pending(centre, worker, monkeypatch), _pending(centre, worker, monkeypatch)
    assert services.document_convert(document_id=first.pk, version=1).status == "registered"
    with CaptureQueriesContext(connection) as inside, transaction.atomic():
        assert services.document_convert(document_id=second.pk, version=1).status == "registered"
    assert not [query for query in inside.captured_queries if "synchronous_commit" in query["sql"]]
