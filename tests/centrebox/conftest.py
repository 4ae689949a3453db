import pytest

from tests.http import route_ebox


@pytest.fixture
def centre_ebox(monkeypatch, settings, centre):
    """The eBox client's HTTP routed to the stand-in consultation API; the platform's certificate is
    `centre`'s (EBOX_PLATFORM_BCE), so its credentials open `centre`'s e-Box. Returns the stand-in."""
    from tests.ebox.fake import FakeEbox

    fake = FakeEbox()
    fake.organisations[fake.client_id] = centre.bce_number
    route_ebox(monkeypatch, settings, fake)
    settings.EBOX_PLATFORM_BCE = centre.bce_number
    settings.CENTREBOX_IMPORT_RETRIES = 2
    return fake


# The real eBox simulator, routed in-process, for the tests that import from it.
from tests.ebox.conftest import ebox_simulator  # noqa: E402,F401
