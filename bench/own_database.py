"""Every bench on a database of its own, never the test suite's, so that `make bench` and `make test` (or
two benches) can run at once: DATABASE_URL's database name becomes primaweb_bench_<bench>, of which Django
then makes and drops its throw-away test_primaweb_bench_<bench>. Import it before django.setup()."""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def use_own_database(name: str | None = None) -> str:
    """Points DATABASE_URL (PostgreSQL only; SQLite benches use a file of their own) at the bench's own
    database; returns the URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    bench = name or Path(sys.argv[0]).stem.removeprefix("bench_")
    parts = urlsplit(url)
    prefix = parts.path.strip("/") or "primaweb_bench"
    url = urlunsplit(parts._replace(path=f"/{prefix}_{bench}"))
    os.environ["DATABASE_URL"] = url
    return url
