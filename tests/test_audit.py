import pytest
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import ProtectedError

from primaweb.models import AuditEvent
from tests.factories import CentreFactory, audit_event_in


@pytest.mark.django_db
def test_audit_event_cannot_be_changed(centre):
    event = audit_event_in(centre)
    event.action = "delete"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


@pytest.mark.django_db
def test_audit_event_cannot_be_deleted_one_by_one_or_in_bulk(centre):
    event = audit_event_in(centre)
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    assert AuditEvent.objects.filter(pk=event.pk, action="view").exists()


@pytest.mark.django_db
def test_audit_event_records_who_what_where_and_from_which_address(rf, centre, worker):
    from primaweb.services import audit_record

    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    event = audit_record(
        action=AuditEvent.Action.VIEW, by=worker, centre=centre, target=centre, request=request
    )
    assert (event.user, event.username, event.centre) == (worker, worker.username, centre)
    assert event.object_type == "primaweb.Centre" and event.object_id == str(centre.pk)
    assert event.ip_address == "192.0.2.7"


@pytest.mark.django_db
def test_centre_selection_is_recorded(client, worker, centre):
    from django.urls import reverse

    client.force_login(worker)
    client.post(reverse("primaweb:select_centre", args=[centre.pk]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.CENTRE_SELECTED)
    assert event.centre == centre and event.user == worker


# The trail is append-only whatever path a write takes. The Python guards hold on every database; on
# PostgreSQL a trigger (primaweb migration 0002) refuses what goes around them.

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only; SQLite relies on the model's guards",
)


def _refused_by_the_database(write):
    """Runs `write` in a savepoint and says whether the database refused it (the test goes on after)."""
    try:
        with transaction.atomic():
            write()
    except DatabaseError as error:
        assert "append-only" in str(error)
        return True
    return False


@pytest.mark.django_db
def test_audit_event_cannot_be_changed_or_deleted_through_the_base_manager(centre):
    event = audit_event_in(centre)
    with pytest.raises(PermissionError):
        AuditEvent._base_manager.filter(pk=event.pk).update(action="delete")
    with pytest.raises(PermissionError):
        AuditEvent._base_manager.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(using="default")
    with pytest.raises(PermissionError):
        AuditEvent._base_manager.filter(pk=event.pk)._raw_delete(using="default")
    assert AuditEvent.objects.filter(pk=event.pk, action="view").exists()


@pytest.mark.django_db
def test_audit_event_cannot_be_changed_through_the_superclass_save(centre):
    event = audit_event_in(centre)
    event.action = "delete"
    # Each write in a savepoint of its own: a save that raises marks its transaction for rollback.
    with pytest.raises(PermissionError), transaction.atomic():
        models.Model.save(event)
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


@ON_POSTGRESQL
@pytest.mark.django_db
def test_database_refuses_to_change_an_event_whatever_the_python_path(centre):
    event = audit_event_in(centre)
    plain = models.QuerySet(model=AuditEvent).filter(pk=event.pk)

    assert _refused_by_the_database(lambda: plain.update(action="delete"))
    assert _refused_by_the_database(lambda: plain._raw_delete(using="default"))
    assert _refused_by_the_database(lambda: plain.delete())

    assert AuditEvent.objects.filter(pk=event.pk, action="view").exists()


@ON_POSTGRESQL
@pytest.mark.django_db
def test_database_refuses_raw_sql_update_and_delete_of_the_trail(centre):
    event = audit_event_in(centre)

    def raw(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])

    assert _refused_by_the_database(lambda: raw("UPDATE primaweb_auditevent SET action = 'x' WHERE id = %s"))
    assert _refused_by_the_database(lambda: raw("DELETE FROM primaweb_auditevent WHERE id = %s"))
    assert AuditEvent.objects.filter(pk=event.pk, action="view").exists()


@ON_POSTGRESQL
@pytest.mark.django_db
def test_deleting_a_user_or_a_centre_in_sql_cannot_take_their_events_along(centre):
    event = audit_event_in(centre)

    def raw_delete(table, pk):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608

    # The foreign keys have no ON DELETE CASCADE/SET NULL: the database refuses to orphan the events.
    for table, pk in (("primaweb_user", event.user_id), ("primaweb_centre", centre.pk)):
        with pytest.raises(IntegrityError), transaction.atomic():
            raw_delete(table, pk)
    assert AuditEvent.objects.filter(pk=event.pk, user=event.user, centre=centre).exists()


@pytest.mark.django_db
def test_deleting_a_user_or_a_centre_with_events_is_refused(centre):
    event = audit_event_in(centre)
    with pytest.raises(ProtectedError):
        event.user.delete()
    with pytest.raises(ProtectedError):
        centre.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_can_still_be_flushed_with_events_in_it():
    """Transactional tests and the browser walks empty the tables with TRUNCATE: the trigger lets it."""
    from django.core.management import call_command

    audit_event_in(CentreFactory())
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
