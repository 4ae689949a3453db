import pytest

from tests.http import route_ebox


@pytest.fixture
def centre_ebox(monkeypatch, settings):
    """The eBox client's HTTP routed to the stand-in consultation API; returns it."""
    from tests.centrebox.fake import FakeCentreEbox

    fake = FakeCentreEbox()
    route_ebox(monkeypatch, settings, fake)
    settings.CENTREBOX_IMPORT_RETRIES = 2
    return fake


# The real eBox simulator, routed in-process, for the tests that import from it.
from tests.ebox.conftest import ebox_simulator  # noqa: E402,F401
