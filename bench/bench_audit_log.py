"""Admin-Logs first page: a large centre's trail against a small centre's, side by side in one run.

The page should cost about the same whatever the size of the centre's trail; the ratio shows how far it
does not. Read as the view reads it (primaweb.pagination: a count capped at 1,001 and the page's rows by
the sort key, the trail split in the parts an index serves). Runs on a throw-away database: PostgreSQL when
DATABASE_URL points at one (as `make bench` does), SQLite otherwise.
Usage: make bench, or python bench/bench_audit_log.py [EVENTS]
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))

from bench.own_database import use_own_database  # noqa: E402

use_own_database()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
SMALL = 200
ROUNDS = 30


def first_page(centre) -> int:
    from primaweb.pagination import paginate
    from primaweb.selectors import audit_event_parts, audit_events

    events = audit_events(centre=centre)
    request = RequestFactory().get("/admin-logs/")
    page = paginate(request, events, per_page=50, parts=audit_event_parts(centre=centre, events=events))
    return len(list(page))


def best_of(centre) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        first_page(centre)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    from primaweb.models import AuditEvent
    from tests.factories import CentreFactory

    old = setup_databases(verbosity=0, interactive=False)
    try:
        large, small = CentreFactory(), CentreFactory()
        now = timezone.now()
        AuditEvent.objects.bulk_create(
            (
                AuditEvent(
                    centre=small if i % (EVENTS // SMALL) == 0 else large,
                    username=f"user{i % 500}",
                    action="view",
                    at=now - timezone.timedelta(seconds=i),
                )
                for i in range(EVENTS)
            ),
            batch_size=5000,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        small_time, large_time = best_of(small), best_of(large)
        vendor = connection.vendor
    finally:
        teardown_databases(old, verbosity=0)

    print(f"Admin-Logs first page, {vendor}, {EVENTS} events, best of {ROUNDS}:")
    print(f"  centre with {SMALL} events: {small_time * 1000:.2f} ms")
    print(f"  centre with {EVENTS - SMALL} events: {large_time * 1000:.2f} ms")
    print(f"  ratio large/small: {large_time / small_time:.1f}x")


if __name__ == "__main__":
    main()
