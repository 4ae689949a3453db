"""`manage.py health`: red when the storage is full or a conversion is stuck, green otherwise."""

import io
from collections import namedtuple

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from documents import services
from documents.models import Document
from tests import samples
from tests.factories import DocumentTypeFactory, DossierFactory, MembershipFactory

Usage = namedtuple("Usage", "total used free")


def run_health() -> str:
    out = io.StringIO()
    call_command("health", stdout=out)
    return out.getvalue()


@pytest.fixture
def converter_up(monkeypatch):
    monkeypatch.setattr("documents.management.commands.health.converter_answers", lambda **kwargs: True)


@pytest.mark.django_db
def test_healthy_pipeline_is_green(converter_up, settings):
    settings.STORAGE_MIN_FREE_BYTES = 0
    assert "RED" not in run_health()


@pytest.mark.django_db
def test_full_storage_turns_the_check_red(converter_up, settings, monkeypatch):
    monkeypatch.setattr("shutil.disk_usage", lambda path: Usage(10**9, 10**9 - 1000, 1000))
    out = io.StringIO()
    with pytest.raises(CommandError) as red:
        call_command("health", stdout=out)
    assert red.value.returncode == 1
    assert "RED   storage" in out.getvalue()


@pytest.mark.django_db
def test_conversion_stuck_past_its_lease_turns_the_check_red(converter_up, settings, centre):
    settings.STORAGE_MIN_FREE_BYTES = 0
    document = services.document_upload(
        centre=centre,
        dossier=DossierFactory(centre=centre),
        name="a.rtf",
        data=samples.rtf_bytes(),
        document_type=DocumentTypeFactory(centre=centre),
        by=MembershipFactory(centre=centre).user,
    )
    Document.objects.across_centres(reason="test").filter(pk=document.pk).update(
        status=Document.Status.CONVERTING, lease_until=timezone.now() - timezone.timedelta(hours=1)
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("health", stdout=out)
    assert "RED   conversions: 1" in out.getvalue()
