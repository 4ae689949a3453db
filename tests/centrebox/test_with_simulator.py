"""The import against the real simulator's consultation API (simulators/ebox/), in this process."""

import pytest

from centrebox import services
from centrebox.models import CentreMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def consult(settings, ebox_simulator, centre):
    """The simulator's consultation API, Primaweb's credentials being those of `centre`."""
    from simulators.ebox.models import OAuthClient

    settings.EBOX_CONSULT_URL = "http://ebox.test/simulators/ebox/api/consultation/v2.1"
    OAuthClient.objects.update_or_create(
        client_id=settings.EBOX_CLIENT_ID,
        defaults={"organization_id": centre.bce_number},
        create_defaults={"client_secret": settings.EBOX_CLIENT_SECRET, "organization_id": centre.bce_number},
    )
    return ebox_simulator


def test_import_from_the_simulator_is_idempotent(centre, consult):
    from simulators.ebox import services as simulator

    simulator.enterprise_message_drop(
        recipient_bce=centre.bce_number,
        sender_organization_id="0123456749",
        message_type_id="SPPIS_INFORMATION",
        subject="Subside",
    )

    assert services.inbox_import(centre=centre)["created"] == 1
    assert services.inbox_import(centre=centre)["created"] == 0
    assert CentreMessage.objects.for_centre(centre).count() == 1


def test_a_reply_opens_through_the_official_body_shape(centre, consult):
    from centrebox.models import CentreMessage as Message
    from simulators.ebox import services as simulator

    simulator.enterprise_message_drop(
        recipient_bce=centre.bce_number,
        sender_organization_id="0123456749",
        message_type_id="SPPIS_INFORMATION",
        subject="Subside",
        language="nl",
        body="Toegekend",
    )
    services.inbox_import(centre=centre)
    message = Message.objects.for_centre(centre).get()

    from tests.factories import MembershipFactory

    services.message_read(message=message, by=MembershipFactory(centre=centre).user)

    message.refresh_from_db()
    assert (message.body, message.language) == ("Toegekend", "nl")
    assert message.read_at is not None


def test_the_import_reads_every_page_by_total_items(centre, consult, monkeypatch):
    from simulators.ebox import services as simulator

    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    for number in range(5):
        simulator.enterprise_message_drop(
            recipient_bce=centre.bce_number,
            sender_organization_id="0123456749",
            message_type_id="SPPIS_INFORMATION",
            subject=f"Subside {number}",
        )

    assert services.inbox_import(centre=centre)["created"] == 5
