import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from primaweb.tenancy import CurrentCentreMiddleware
from tests.factories import CentreFactory, MembershipFactory


@pytest.fixture(autouse=True)
def ebox_platform_key(settings):
    """The platform's eBox client signs with a key pair generated for the run (never a committed one)."""
    from tests.ebox_onboarding import use_platform_key

    use_platform_key(settings)


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
    from dossiers import bcss
    from tests.http import BCSS_TEST_HOST, DjangoAppAdapter, route_bcss

    settings.BCSS_URL = (
        f"{BCSS_TEST_HOST}simulators/bcss/connectors/webservice/KSZBCSSWebServiceConnectorPort"
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "bcss.test"]
    adapter = DjangoAppAdapter()
    route_bcss(monkeypatch, adapter)
    yield adapter
    bcss.reset_client()


@pytest.fixture
def bcss_failing(monkeypatch, settings):
    """Makes the BCSS fail at the HTTP level; call it with the adapter to use."""
    from dossiers import bcss
    from tests.http import BCSS_TEST_HOST, route_bcss

    settings.BCSS_URL = f"{BCSS_TEST_HOST}connector"
    yield lambda adapter: route_bcss(monkeypatch, adapter)
    bcss.reset_client()


@pytest.fixture(autouse=True)
def _own_cache():
    """Each test starts with an empty cache (rate-limit counters, eBox tokens): what one test counted
    cannot make another pass or fail, whatever the order or the folder they run in. The cache is the
    process's own (primaweb/settings/test.py), so emptying it touches no other run."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _conversion_statements_afresh(monkeypatch):
    """Each test makes the conversion's statements afresh (documents/services/conversion_statements.py):
    one made by an earlier test, with its settings and its patches, never runs in another."""
    from documents.services import conversion_statements

    monkeypatch.setattr(conversion_statements, "_made", {})


@pytest.fixture(scope="session", autouse=True)
def _run_folder():
    """The run's own PRIMAWEB_VAR_DIR (primaweb/settings/test.py) goes when the run ends."""
    yield
    folder = Path(django_settings.VAR_DIR)
    if folder.name.startswith("primaweb-test-") and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Each test writes its files in a folder of its own, so what a test leaves behind can be checked."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in French: a request in Dutch leaves its language active in the thread."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """An S3-compatible server (moto) in its own process, started once for the session's first user."""
    from tests.s3 import running_s3_server

    with running_s3_server(log_file=tmp_path_factory.mktemp("s3") / "moto.log") as server:
        yield server


@pytest.fixture
def s3_storage(s3_server, settings):
    """The files of this test in a new private bucket of the S3 server, through django-storages' S3
    backend as production configures it; returns (server, bucket)."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_settings(bucket)}
    return s3_server, bucket
