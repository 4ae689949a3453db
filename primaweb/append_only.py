"""A queryset for tables that only grow (the audit trail): rows are inserted, never changed or deleted."""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses every write but the insert, including the private paths Django itself takes.

    `Model.save()` on an existing row goes through `_update`, bulk deletes through `_raw_delete`. On
    PostgreSQL a trigger refuses UPDATE and DELETE as well (migration 0002), whatever the Python path;
    these guards are what SQLite has.
    """

    def update(self, **kwargs):
        raise PermissionError("The audit trail cannot be changed.")

    def _update(self, values):
        raise PermissionError("The audit trail cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("The audit trail cannot be changed.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise PermissionError("The audit trail cannot be changed.")

    def delete(self):
        raise PermissionError("The audit trail cannot be deleted.")

    def _raw_delete(self, using):
        raise PermissionError("The audit trail cannot be deleted.")
