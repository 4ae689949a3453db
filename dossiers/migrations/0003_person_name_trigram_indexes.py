"""Trigram indexes for « Rechercher un dossier » by name, on PostgreSQL only.

The search matches any part of the name (`icontains`, which PostgreSQL runs as UPPER(column) LIKE
UPPER('%word%')): a B-tree cannot serve a leading wildcard, a GIN trigram index on UPPER(column) can.
SQLite has neither pg_trgm nor GIN, so there the operations do nothing (the index is not in the models'
state: it exists for the database, not for Django).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# fastupdate off: new persons go straight into the index instead of a pending list that only VACUUM
# merges (until then the planner, rightly, prices the index as slow and scans the table instead).
# Written out: GinIndex(OpClass(Upper(column), name="gin_trgm_ops")) renders the opclass inside the
# expression's parentheses, ((UPPER(col) gin_trgm_ops)), which PostgreSQL refuses.
INDEXES = {
    "person_last_name_trgm": "last_name",
    "person_first_names_trgm": "first_names",
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON dossiers_person "
            f"USING gin (UPPER({column}) gin_trgm_ops) WITH (fastupdate = off)"
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_dossier_listing_index")]

    operations = [
        TrigramExtension(),  # does nothing off PostgreSQL
        migrations.RunPython(add_indexes, remove_indexes),
    ]
