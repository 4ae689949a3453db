"""The rows the list benches and the load generator make (bench/listdata.py) fit the current schema: a
new column without a database default breaks them otherwise, and only a bench run would tell."""

import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import DocumentTypeFactory, MembershipFactory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import listdata  # noqa: E402

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="listdata is PostgreSQL's SQL")


@pytest.mark.django_db
def test_every_list_of_the_benches_gets_its_rows():
    member = MembershipFactory()
    listdata.fill(
        centre=member.centre,
        user=member.user,
        document_type=DocumentTypeFactory(centre=member.centre),
        rows=20,
    )
    with connection.cursor() as cursor:
        for table in listdata.TABLES:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE centre_id = %s", [member.centre.pk])  # noqa: S608
            assert cursor.fetchone()[0] >= 20, table
