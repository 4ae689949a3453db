"""The audit trail is append-only in the database itself, not only in Python.

On PostgreSQL a row-level trigger refuses every UPDATE and DELETE of `primaweb_auditevent`, whatever path
the statement took (`_base_manager`, `Model.save()`, `_raw_delete`, raw SQL, a psql session of the
application's role). SQLite has no such trigger here: there the model's guards are the only wall.

What the trigger leaves to the database owner, on purpose:
- TRUNCATE. Django's `flush` (run between the transactional tests and the browser walks, and by
  `manage.py flush`) empties tables with TRUNCATE; refusing it would break them. A role that may TRUNCATE
  the table owns it and could drop the trigger anyway.
- Dropping or disabling the trigger (`ALTER TABLE ... DISABLE TRIGGER`, `session_replication_role`): only
  the table's owner or a superuser can. A deployment that wants the trail safe from its own application
  runs the application under a role that does not own the tables.
"""

import django.db.models.manager
from django.db import migrations

FUNCTION = "primaweb_auditevent_append_only"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on primaweb_auditevent is refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER {FUNCTION}
    BEFORE UPDATE OR DELETE ON primaweb_auditevent
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS {FUNCTION} ON primaweb_auditevent;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on another database (SQLite, the embedded default)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("primaweb", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "base_manager_name": "append_only",
                "ordering": ["-at", "-id"],
                "verbose_name": "événement du journal",
                "verbose_name_plural": "journal des accès",
            },
        ),
        migrations.AlterModelManagers(
            name="auditevent",
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("append_only", django.db.models.manager.Manager()),
            ],
        ),
        PostgreSQLOnly(sql=INSTALL, reverse_sql=REMOVE),
    ]
