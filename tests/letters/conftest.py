from tests.documents.conftest import converter, converter_url, converter_work_dir  # noqa: F401
from tests.ebox.conftest import activate, ebox_simulator  # noqa: F401
