"""The eBox's beat task and commands read every centre's publications, and say so: they run under the
tenancy rule (primaweb/tenancy/) that refuses any unscoped query."""

import pytest
from django.core.management import call_command

from ebox import services, tasks
from ebox.models import Publication
from primaweb.tenancy import tenancy_enforced
from tests.factories import CentreFactory, document_in, publication_in

pytestmark = pytest.mark.django_db


def _sent_in(centre, ebox, capture):
    document = document_in(centre)
    with capture(execute=True):
        services.publication_request(document=document, language=None, by=document.uploaded_by)
    return Publication.objects.get(document=document)


def test_status_sync_beat_task_follows_every_centres_publications(ebox, django_capture_on_commit_callbacks):
    sent = [_sent_in(CentreFactory(), ebox, django_capture_on_commit_callbacks) for _ in range(2)]
    sent.append(_sent_in(CentreFactory(flemish=True), ebox, django_capture_on_commit_callbacks))
    for message in ebox.messages.values():
        message.read = True

    result = tasks.sync_publication_statuses.apply()

    assert result.successful(), result.result
    assert result.result == {"checked": 3, "read": 3}


def test_ebox_commands_run_under_enforced_tenancy(ebox, capsys, django_capture_on_commit_callbacks):
    publication_in(CentreFactory())
    publication_in(CentreFactory(brussels=True))

    with tenancy_enforced():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("ebox_retry_failed")
        call_command("ebox_sync")

    out = capsys.readouterr().out
    assert "failed: 2, queued: 2" in out
    assert "checked: 2, read: 0" in out
