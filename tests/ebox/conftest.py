import pytest


@pytest.fixture
def ebox(monkeypatch, settings):
    """The eBox client's HTTP routed to the stand-in eBox; returns it (its messages, calls and script)."""
    import requests
    from django.core.cache import cache

    from ebox import client
    from tests.ebox.fake import FakeEbox

    settings.EBOX_API_URL = "http://ebox.test/simulators/ebox/api/publication/v2.1"
    settings.EBOX_TOKEN_URL = "http://ebox.test/simulators/ebox/oauth2/token"
    settings.EBOX_CLIENT_ID = "primaweb"
    settings.EBOX_CLIENT_SECRET = "primaweb-simulator-secret"
    settings.EBOX_MAX_ATTEMPTS = 4
    fake = FakeEbox()

    def session():
        http = requests.Session()
        http.mount("http://ebox.test/", fake)
        return http

    monkeypatch.setattr(client, "build_session", session)
    cache.delete(f"ebox:token:{settings.EBOX_CLIENT_ID}")
    yield fake
    cache.delete(f"ebox:token:{settings.EBOX_CLIENT_ID}")


@pytest.fixture
def ebox_simulator(monkeypatch, settings):
    """The eBox client's HTTP routed to the real simulator (simulators/ebox/) in this process."""
    import requests
    from django.core.cache import cache

    from ebox import client
    from tests.http import DjangoAppAdapter

    settings.EBOX_API_URL = "http://ebox.test/simulators/ebox/api/publication/v2.1"
    settings.EBOX_TOKEN_URL = "http://ebox.test/simulators/ebox/oauth2/token"
    settings.EBOX_CLIENT_ID = "primaweb"
    settings.EBOX_CLIENT_SECRET = "primaweb-simulator-secret"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ebox.test"]
    settings.EBOX_SIMULATOR_FAULTS = {}
    adapter = DjangoAppAdapter()

    def session():
        http = requests.Session()
        http.mount("http://ebox.test/", adapter)
        return http

    monkeypatch.setattr(client, "build_session", session)
    cache.delete(f"ebox:token:{settings.EBOX_CLIENT_ID}")
    yield adapter
    cache.delete(f"ebox:token:{settings.EBOX_CLIENT_ID}")


@pytest.fixture
def activate():
    """Activates a citizen's eBox in the simulator, as the citizen would on My eBox."""
    from simulators.ebox import services as simulator

    def run(niss: str):
        citizen = simulator.citizen_sign_in(niss=niss)
        return simulator.citizen_activate(
            citizen=citizen, email="citoyen@example.org", language="fr", notifications=False
        )

    return run
