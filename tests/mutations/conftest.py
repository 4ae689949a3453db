import datetime

import pytest
from django.utils import timezone

from tests.http import MUTATIONS_TEST_URL, DjangoAppAdapter, sessions_to


@pytest.fixture
def register_http(monkeypatch, settings):
    """Routes the mutations client's HTTP to the BCSS simulator in this process; returns the adapter."""
    from mutations import register

    settings.BCSS_MUTATIONS_URL = MUTATIONS_TEST_URL
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "bcss.test"]
    adapter = DjangoAppAdapter()
    monkeypatch.setattr(register, "build_session", sessions_to(adapter))
    return adapter


@pytest.fixture
def register_failing(monkeypatch, settings):
    """Makes the register fail at the HTTP level; call it with the adapter to use."""
    from mutations import register

    settings.BCSS_MUTATIONS_URL = MUTATIONS_TEST_URL

    def route(adapter):
        monkeypatch.setattr(register, "build_session", sessions_to(adapter))

    return route


def integrate(centre, niss, *, start=None, end=None):
    """The simulator's directory entry saying `centre` integrated `niss` (from `start`, open or to `end`)."""
    from simulators.bcss.models import Integration

    return Integration.objects.create(
        ssin=niss,
        organisation=centre.bce_number,
        sector=17,
        legal_context="test",
        start_date=start or timezone.localdate() - datetime.timedelta(days=30),
        end_date=end,
    )


def registered(niss, **fields):
    """A person of the simulated register with that NISS, living in Namur."""
    from simulators.bcss.models import RegisteredPerson

    defaults = {
        "last_name": "Dupont",
        "first_names": "Marie",
        "birth_date": "1985-07-30",
        "gender": 2,
        "municipality_code": "92094",
        "postal_code": "5000",
        "street_fr": "Rue de Fer",
        "house_number": "12",
    }
    defaults.update(fields)
    return RegisteredPerson.objects.create(niss=niss, **defaults)
