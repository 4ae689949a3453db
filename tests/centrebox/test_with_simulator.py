"""The import against the real simulator's consultation API (simulators/ebox/), in this process."""

import pytest

from centrebox import services
from centrebox.models import CentreMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def consult(settings, ebox_simulator):
    settings.EBOX_CONSULT_URL = "http://ebox.test/simulators/ebox/api/consultation/v2.1"
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
