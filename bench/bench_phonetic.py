"""BCSS simulator phonetic search: a 10,000-person register against a 1,000,000-person one, in one run.

The search is an indexed lookup (phonetic key or skeleton, then a birth-date range), so its cost should
follow the number of namesakes born in the window, not the size of the register: the ratio large/small
shows how far it does not (target: at most 2). Measured twice: the search function alone, and the p95 of
a full IdentifyPerson SOAP round trip over HTTP to a local server. Also prints the recall on spelling
variants of known persons ("Dupond" for DUPONT, "Van den Berghe" for VANDENBERGHE...).

Runs on a throw-away database: PostgreSQL when DATABASE_URL points at one (as `make bench` does), SQLite
otherwise. Usage: python bench/bench_phonetic.py; BENCH_PERSONS=200000 for a quicker run.
"""

import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))
# The one server thread keeps its database connection, as a production worker would.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")

from bench.own_database import use_own_database  # noqa: E402

use_own_database()

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

SMALL = 10_000
LARGE = int(os.environ.get("BENCH_PERSONS", "1000000"))
QUERIES = 300
URL_PATH = "/simulators/bcss/connectors/webservice/KSZBCSSWebServiceConnectorPort"

# (variant searched, name stored, birth date stored) for the recall check; the demo persons are there too.
TARGETS = [
    ("Janssen", "Janssens", "1969-04-02"),
    ("Claes", "Claeys", "1988-12-30"),
    ("Wouters", "Wauters", "1957-06-21"),
    ("Lefèvre", "Lefebvre", "1973-02-14"),
    ("Schmitz", "Schmidt", "1966-09-09"),
    ("Vandenbroek", "Van den Broeck", "1991-03-03"),
    ("Dhont", "D'Hondt", "1979-10-10"),
    ("Desmet", "De Smet", "1984-05-05"),
    ("Vandendriesche", "Vanden Driessche", "1962-08-18"),
    ("Ben Ali", "Benali", "1995-01-25"),
    ("Ozturk", "Öztürk", "1981-07-07"),
    ("Wisniewski", "Wiśniewski", "1977-11-11"),
    ("Maas", "Maes", "2001-02-02"),
    ("Mueller", "Müller", "1999-09-19"),
]
DEMO_VARIANTS = [
    ("Dupond", "75031212346", "1975-03-12", None),
    ("Van den Berghe", "82110524447", "1982-11-05", None),
    ("De La Croix", "90072108659", "1990-07-21", None),
    ("ELAMRANI", "85011715758", "1985-01-17", None),
    ("Moukendi", "00100001485", "2000-10-00", 0),
    ("Yilmaz", "62000004692", "1962-00-00", 0),
    ("Muller", "58022804556", "1958-02-28", None),
    ("Kovalski", "79440905194", "1979-04-09", None),
    ("Pieters", "31050203311", "1931-05-02", None),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def start_server():
    """A single-threaded WSGI server on a free local port, serving until `stop` is set."""
    server = make_server("127.0.0.1", 0, WSGIHandler(), server_class=WSGIServer, handler_class=QuietHandler)
    server.timeout = 0.2
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            server.handle_request()
        connections.close_all()  # this thread's connection, before the test database is dropped

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}{URL_PATH}", stop, thread


def add_targets() -> list[tuple[str, str, str, int | None]]:
    from simulators.bcss.models import Gender, RegisteredPerson
    from simulators.bcss.population import NissAllocator

    allocator = NissAllocator(RegisteredPerson.objects.values_list("niss", flat=True))
    checks = list(DEMO_VARIANTS)
    for variant, name, birth in TARGETS:
        year, month, day = (int(part) for part in birth.split("-"))
        niss = allocator.allocate(year, month, day, Gender.FEMALE)
        RegisteredPerson.objects.create(
            niss=niss, last_name=name, first_names="Test", birth_date=birth, gender=2
        )
        checks.append((variant, niss, birth, None))
    return checks


def make_queries(rng: random.Random) -> list[dict]:
    """Searches for real persons of the small register, with the birth-date precisions workers use."""
    from simulators.bcss.models import RegisteredPerson

    people = list(RegisteredPerson.objects.values_list("last_name", "birth_date")[:SMALL])
    queries = []
    for last_name, birth in rng.sample(people, QUERIES):
        roll = rng.random()
        if roll < 0.7 or birth.endswith("00"):
            queries.append({"last_name": last_name, "birth_date": birth, "tolerance": rng.randint(0, 3)})
        elif roll < 0.9:
            queries.append(
                {"last_name": last_name, "birth_date": birth[:8] + "00", "tolerance": rng.randint(0, 2)}
            )
        else:
            queries.append(
                {"last_name": last_name, "birth_date": birth[:5] + "00-00", "tolerance": rng.randint(0, 1)}
            )
    return queries


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def through_client(query: dict, url: str):
    """One search as Primaweb makes it: the dossiers app's zeep client, over HTTP, to the simulator."""
    from django.conf import settings

    from dossiers import bcss

    if url != settings.BCSS_URL:
        settings.BCSS_URL = url
        bcss.reset_client()
    caller = bcss.Caller(user_niss="75031212346", email="bench@cpas.example.be", bce_number="0212345668")
    return bcss.identify_phonetic(criteria=bcss.PhoneticCriteria(**query), caller=caller)


def measure(queries, url) -> dict:
    from simulators.bcss.search import phonetic_search

    for query in queries[:20]:  # warm caches and the planner
        phonetic_search(**query)
    search_times, results = [], []
    for query in queries:
        start = time.perf_counter()
        results.append(len(phonetic_search(**query)))
        search_times.append(time.perf_counter() - start)
    for query in queries[:20]:
        through_client(query, url)
    soap_times = []
    for query in queries:
        start = time.perf_counter()
        reply = through_client(query, url)
        soap_times.append(time.perf_counter() - start)
        assert reply.ok != "NO", reply.details
    return {
        "search_p50": statistics.median(search_times),
        "search_p95": percentile(search_times, 0.95),
        "soap_p50": statistics.median(soap_times),
        "soap_p95": percentile(soap_times, 0.95),
        "mean_results": statistics.mean(results),
    }


def recall(checks) -> tuple[int, int, list[str]]:
    from simulators.bcss.search import phonetic_search

    missed = []
    for variant, niss, birth, tolerance in checks:
        matches = phonetic_search(last_name=variant, birth_date=birth, tolerance=tolerance)
        if niss not in {match.person.niss for match in matches}:
            missed.append(f"{variant} ({niss})")
    return len(checks) - len(missed), len(checks), missed


def load(count: int, seed: int) -> float:
    from simulators.bcss.services import register_populate

    start = time.perf_counter()

    def progress(done, total):
        if done % 100_000 == 0 or done == total:
            print(f"    {done:>9,}/{total:,} ({time.perf_counter() - start:.0f} s)", flush=True)

    register_populate(count=count, seed=seed, progress=progress)
    return time.perf_counter() - start


def report(label: str, figures: dict) -> None:
    print(
        f"  {label}: search p50 {figures['search_p50'] * 1000:.2f} ms, "
        f"p95 {figures['search_p95'] * 1000:.2f} ms; "
        f"round trip through the client p50 {figures['soap_p50'] * 1000:.2f} ms, "
        f"p95 {figures['soap_p95'] * 1000:.2f} ms; "
        f"{figures['mean_results']:.1f} results per search"
    )


def main() -> None:
    old = setup_databases(verbosity=0, interactive=False)
    url, stop, thread = start_server()
    try:
        vendor = connection.vendor
        print(f"BCSS phonetic search, {vendor}, {SMALL:,} then {LARGE:,} persons, {QUERIES} searches:")
        small_load = load(SMALL, seed=1)
        checks = add_targets()
        queries = make_queries(random.Random(3))
        small = measure(queries, url)
        small_recall = recall(checks)
        large_load = load(LARGE - SMALL, seed=2)
        large = measure(queries, url)
        large_recall = recall(checks)
    finally:
        stop.set()
        thread.join()
        teardown_databases(old, verbosity=0)

    print(f"  loading: {SMALL:,} in {small_load:.1f} s, {LARGE - SMALL:,} more in {large_load:.1f} s")
    report(f"{SMALL:>9,} persons", small)
    report(f"{LARGE:>9,} persons", large)
    print(
        f"  ratio large/small: search p50 {large['search_p50'] / small['search_p50']:.2f}x, "
        f"p95 {large['search_p95'] / small['search_p95']:.2f}x; "
        f"client round trip p95 {large['soap_p95'] / small['soap_p95']:.2f}x (target <= 2)"
    )
    for label, (hits, total, missed) in (("small", small_recall), ("large", large_recall)):
        print(
            f"  recall on spelling variants ({label}): {hits}/{total}"
            + (f", missed {missed}" if missed else "")
        )


if __name__ == "__main__":
    main()
