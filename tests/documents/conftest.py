import pytest

from documents.converter_process import running_converter
from tests.factories import DocumentTypeFactory, DossierFactory, PersonFactory

# The shared secret of the session's converter, as PRIMAWEB_CONVERTER_SECRET gives it in production.
CONVERTER_SECRET = "test-converter-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def converter_work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("converter")


@pytest.fixture(scope="session")
def converter_url(converter_work_dir):
    """The real converter (LibreOffice behind unoserver, behind its gate), started once per test session;
    the gate's URL."""
    with running_converter(
        work_dir=converter_work_dir, log_file=converter_work_dir / "listener.log", secret=CONVERTER_SECRET
    ) as url:
        yield url


@pytest.fixture
def converter(converter_url, settings):
    """Points settings.CONVERTER_URL (and the secret) at the session's converter for one test."""
    settings.CONVERTER_URL = converter_url
    settings.CONVERTER_SECRET = CONVERTER_SECRET
    return converter_url


@pytest.fixture
def dossier(centre):
    """A dossier of the centre, for the upload and storage tests (the disk's and the bucket's alike)."""
    return DossierFactory(centre=centre, beneficiary=PersonFactory(centre=centre, last_name="Delacroix"))


@pytest.fixture
def decision(centre):
    return DocumentTypeFactory(centre=centre, label_fr="Décision")
