import pytest

from primaweb.models import AuditEvent
from tests.factories import audit_event_in


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
