import pytest

from documents.converter_process import running_converter


@pytest.fixture(scope="session")
def converter_work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("converter")


@pytest.fixture(scope="session")
def converter_url(converter_work_dir):
    """The real converter (LibreOffice behind unoserver), started once per test session; its URL."""
    with running_converter(work_dir=converter_work_dir, log_file=converter_work_dir / "listener.log") as url:
        yield url


@pytest.fixture
def converter(converter_url, settings):
    """Points settings.CONVERTER_URL at the session's converter for one test; returns the URL."""
    settings.CONVERTER_URL = converter_url
    return converter_url
