import pytest
from django.test import Client
from django.urls import reverse

from primaweb.tenancy import CurrentCentreMiddleware
from tests.factories import CentreFactory, MembershipFactory


@pytest.fixture
def centre(db):
    return CentreFactory()


@pytest.fixture
def other_centre(db):
    return CentreFactory(brussels=True)


@pytest.fixture
def worker(centre):
    return MembershipFactory(centre=centre).user


@pytest.fixture
def administrator(centre):
    from primaweb.models import Membership

    return MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user


def sign_in(client, user, centre):
    """Logs `user` in and chooses `centre`, as the role-selection screen would."""
    client.force_login(user)
    session = client.session
    session[CurrentCentreMiddleware.SESSION_KEY] = centre.pk
    session.save()
    return client


@pytest.fixture
def worker_client(worker, centre):
    return sign_in(Client(), worker, centre)


@pytest.fixture
def centre_admin_client(administrator, centre):
    return sign_in(Client(), administrator, centre)


@pytest.fixture
def home_url():
    return reverse("primaweb:home")


@pytest.fixture
def bcss_http(monkeypatch, settings):
    """Routes the BCSS client's HTTP to the simulator in this process; returns the adapter (its `.calls`)."""
    import requests

    from dossiers import bcss
    from tests.http import DjangoAppAdapter

    settings.BCSS_URL = (
        "http://bcss.test/simulators/bcss/connectors/webservice/KSZBCSSWebServiceConnectorPort"
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "bcss.test"]
    adapter = DjangoAppAdapter()

    def session():
        http = requests.Session()
        http.mount("http://bcss.test/", adapter)
        return http

    monkeypatch.setattr(bcss, "build_session", session)
    bcss.reset_client()
    yield adapter
    bcss.reset_client()


@pytest.fixture
def bcss_failing(monkeypatch, settings):
    """Makes the BCSS fail at the HTTP level; call it with the adapter to use."""
    import requests

    from dossiers import bcss

    settings.BCSS_URL = "http://bcss.test/connector"

    def install(adapter):
        def session():
            http = requests.Session()
            http.mount("http://bcss.test/", adapter)
            return http

        monkeypatch.setattr(bcss, "build_session", session)
        bcss.reset_client()

    yield install
    bcss.reset_client()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Each test writes its files in a folder of its own, so what a test leaves behind can be checked."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
