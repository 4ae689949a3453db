"""The import against the real simulator's consultation API (simulators/ebox/), in this process."""

import pytest
from django.test import Client
from django.urls import reverse

from centrebox import services
from centrebox.models import CentreMessage
from tests.conftest import sign_in
from tests.ebox_onboarding import own_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def consult(settings, ebox_simulator, centre, tmp_path):
    """The simulator's consultation API, `centre` holding its own OAuth client (whose tokens open its
    e-Box)."""
    settings.EBOX_CONSULT_URL = "http://ebox.test/simulators/ebox/api/consultation/v2.1"
    own_client(centre, tmp_path)
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


def test_a_reply_opens_through_the_official_body_shape(centre, consult, administrator):
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

    sign_in(Client(), administrator, centre).post(reverse("centrebox:message_read", args=[message.pk]))

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


def test_a_platform_that_is_only_the_centres_mandatary_reads_no_box(centre, ebox_simulator, settings):
    from ebox.senders import BoxUnavailable
    from simulators.ebox import services as simulator

    simulator.enterprise_message_drop(
        recipient_bce=centre.bce_number,
        sender_organization_id="0123456749",
        message_type_id="SPPIS_INFORMATION",
        subject="Subside",
    )
    # The platform publishes for the centre as its declared mandatary; its certificate is another's.
    assert centre.bce_number != settings.EBOX_PLATFORM_BCE

    with pytest.raises(BoxUnavailable, match="propre client eBox"):
        services.inbox_import(centre=centre)

    assert not CentreMessage.objects.exists()
    assert not [call for call in ebox_simulator.calls if "/consultation/" in call.url]


def test_the_platforms_client_opens_the_box_of_the_centre_its_certificate_is(
    centre, ebox_simulator, settings
):
    from simulators.ebox import services as simulator
    from simulators.ebox.models import OAuthClient

    simulator.enterprise_message_drop(
        recipient_bce=centre.bce_number,
        sender_organization_id="0123456749",
        message_type_id="SPPIS_INFORMATION",
        subject="Subside",
    )
    OAuthClient.objects.filter(client_id=settings.EBOX_CLIENT_ID).update(organization_bce=centre.bce_number)
    settings.EBOX_PLATFORM_BCE = centre.bce_number

    assert services.inbox_import(centre=centre)["created"] == 1


def test_in_the_demo_the_centre_with_its_own_client_imports_its_box_and_the_others_do_not(
    ebox_simulator, settings, tmp_path
):
    import io

    from django.core.management import call_command

    from ebox.senders import BoxUnavailable
    from primaweb.models import Centre
    from simulators.ebox import services as simulator

    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    call_command("simulate_ebox_onboarding", stdout=io.StringIO())
    own, mandated = Centre.objects.get(bce_number="0212345668"), Centre.objects.get(bce_number="0207654333")
    for centre in (own, mandated):
        simulator.enterprise_message_drop(
            recipient_bce=centre.bce_number,
            sender_organization_id="0367302178",
            message_type_id="SPPIS_DECISION",
            subject="Décision",
        )

    assert services.inbox_import(centre=own)["created"] == 1
    with pytest.raises(BoxUnavailable):
        services.inbox_import(centre=mandated)
    assert list(CentreMessage.objects.values_list("centre__bce_number", flat=True)) == [own.bce_number]
