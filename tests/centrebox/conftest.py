import pytest


@pytest.fixture
def centre_ebox(monkeypatch, settings):
    """The eBox client's HTTP routed to the stand-in consultation API; returns it."""
    import requests
    from django.core.cache import cache

    from ebox import client
    from tests.centrebox.fake import FakeCentreEbox

    settings.EBOX_API_URL = "http://ebox.test/simulators/ebox/api/publication/v2.1"
    settings.EBOX_CONSULT_URL = "http://ebox.test/simulators/ebox/api/consultation/v2.1"
    settings.EBOX_TOKEN_URL = "http://ebox.test/simulators/ebox/oauth2/token"
    settings.EBOX_CLIENT_ID = "primaweb"
    settings.EBOX_CLIENT_SECRET = "primaweb-simulator-secret"
    settings.CENTREBOX_IMPORT_RETRIES = 2
    fake = FakeCentreEbox()

    def session():
        http = requests.Session()
        http.mount("http://ebox.test/", fake)
        return http

    monkeypatch.setattr(client, "build_session", session)
    cache.delete(f"ebox:token:{settings.EBOX_CLIENT_ID}")
    yield fake
    cache.delete(f"ebox:token:{settings.EBOX_CLIENT_ID}")


# The real eBox simulator, routed in-process, for the tests that import from it.
from tests.ebox.conftest import ebox_simulator  # noqa: E402,F401
