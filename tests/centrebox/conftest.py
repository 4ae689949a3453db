import pytest

from tests.http import route_ebox


@pytest.fixture
def centre_ebox(monkeypatch, settings, centre):
    """The eBox client's HTTP routed to the stand-in consultation API, the credentials opening
    `centre`'s e-Box; returns it."""
    from tests.centrebox.fake import FakeCentreEbox

    fake = FakeCentreEbox()
    fake.organisations[fake.client_id] = centre.bce_number
    route_ebox(monkeypatch, settings, fake)
    settings.CENTREBOX_IMPORT_RETRIES = 2
    return fake


# The real eBox simulator, routed in-process, for the tests that import from it.
from tests.ebox.conftest import ebox_simulator  # noqa: E402,F401
