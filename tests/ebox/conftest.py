import pytest

from tests.http import DjangoAppAdapter, route_ebox


@pytest.fixture
def ebox(monkeypatch, settings):
    """The eBox client's HTTP routed to the stand-in eBox; returns it (its messages, calls and script)."""
    from tests.ebox.fake import FakeEbox

    fake = FakeEbox()
    route_ebox(monkeypatch, settings, fake)
    settings.EBOX_MAX_ATTEMPTS = 4
    return fake


@pytest.fixture
def ebox_simulator(monkeypatch, settings):
    """The eBox client's HTTP routed to the real simulator (simulators/ebox/) in this process."""
    adapter = DjangoAppAdapter()
    route_ebox(monkeypatch, settings, adapter)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ebox.test"]
    settings.EBOX_SIMULATOR_FAULTS = {}
    return adapter


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
