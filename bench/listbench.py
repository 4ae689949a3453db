"""What the list benches (bench_lists.py, bench_documents.py) share: Django set up on the test settings,
a throw-away PostgreSQL database with autovacuum off, a signed-in client and the cursor of a deep page.

Import it before anything of Django: it sets Django up.
"""

import contextlib
import logging
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))

from bench.own_database import use_own_database  # noqa: E402

use_own_database()  # the calling bench's own database (primaweb_bench_lists, _documents)

import django  # noqa: E402

django.setup()

import listdata  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402


@contextlib.contextmanager
def list_database(bench: str):
    """Yields True inside a throw-away PostgreSQL database whose tables autovacuum leaves alone (the rows
    are measured as loaded); on another database, says so and yields False."""
    logging.getLogger("axes").setLevel(logging.WARNING)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        if connection.vendor != "postgresql":
            print(f"{bench}: PostgreSQL only (DATABASE_URL); skipped")
            yield False
            return
        listdata.without_autovacuum()
        yield True
    finally:
        teardown_databases(old, verbosity=0)


def deep_params(queryset, offset: int, per_page: int) -> dict:
    """The `?apres=` of the page after the row at `offset` (found once here, by OFFSET, unmeasured)."""
    from primaweb.pagination import encode_cursor

    row = queryset[offset]
    return {"apres": encode_cursor(queryset, row, number=offset // per_page + 1)}
