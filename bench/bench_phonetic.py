"""BCSS simulator phonetic search: a 10,000-person register against a 1,000,000-person one, interleaved.

The search is an indexed lookup (phonetic key or skeleton, then a birth-date range), so its cost should
follow the number of namesakes born in the window, not the size of the register: the ratio large/small
shows how far it does not (target: at most 2). Measured twice: the search function alone, and the p95 of
a full IdentifyPerson SOAP round trip over HTTP to a local server. Also prints the recall on spelling
variants of known persons ("Dupond" for DUPONT, "Van den Berghe" for VANDENBERGHE...).

The two registers live in two databases at once (the large one holds the small one's persons and more),
each with its own server, and the searches alternate between them batch by batch, so that whatever else
loads the machine weighs on both alike.

Runs on a throw-away database: PostgreSQL when DATABASE_URL points at one (as `make bench` does), SQLite
otherwise. Usage: python bench/bench_phonetic.py; BENCH_PERSONS=200000 for a quicker run.
"""

import copy
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
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
BATCH = 25  # searches on one register before the other's turn
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


def use_large_register() -> None:
    """This thread's default database becomes the large register's."""
    from django.db.utils import load_backend

    db = connections.settings["large"]
    connections["default"] = load_backend(db["ENGINE"]).DatabaseWrapper(db, "default")


def start_server(large: bool = False):
    """A single-threaded WSGI server on a free local port, on the small register or the large one,
    serving until `stop` is set."""
    server = make_server("127.0.0.1", 0, WSGIHandler(), server_class=WSGIServer, handler_class=QuietHandler)
    server.timeout = 0.2
    stop = threading.Event()

    def serve():
        if large:
            use_large_register()
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


def measure(queries, small_url, large_url, on_large: ThreadPoolExecutor) -> tuple[dict, dict]:
    """The searches, then the round trips, batch by batch, alternating between the two registers: the
    small one in this thread, the large one in `on_large`'s."""
    from simulators.bcss.search import phonetic_search

    def searches(batch) -> tuple[list[float], list[int]]:
        times, results = [], []
        for query in batch:
            start = time.perf_counter()
            results.append(len(phonetic_search(**query)))
            times.append(time.perf_counter() - start)
        return times, results

    def round_trips(batch, url) -> list[float]:
        times = []
        for query in batch:
            start = time.perf_counter()
            reply = through_client(query, url)
            times.append(time.perf_counter() - start)
            assert reply.ok != "NO", reply.details
        return times

    figures = {size: {"search": [], "results": [], "soap": []} for size in ("small", "large")}
    searches(queries[:20])  # warm caches and the planner, on both
    on_large.submit(searches, queries[:20]).result()
    round_trips(queries[:20], small_url)
    on_large.submit(round_trips, queries[:20], large_url).result()
    batches = [queries[n : n + BATCH] for n in range(0, len(queries), BATCH)]
    for number, batch in enumerate(batches):
        # Which register goes first alternates too.
        order = ("small", "large") if number % 2 == 0 else ("large", "small")
        for size in order:
            if size == "small":
                times, results = searches(batch)
            else:
                times, results = on_large.submit(searches, batch).result()
            figures[size]["search"] += times
            figures[size]["results"] += results
    for number, batch in enumerate(batches):
        order = ("small", "large") if number % 2 == 0 else ("large", "small")
        for size in order:
            if size == "small":
                figures[size]["soap"] += round_trips(batch, small_url)
            else:
                figures[size]["soap"] += on_large.submit(round_trips, batch, large_url).result()
    return tuple(
        {
            "search_p50": statistics.median(figures[size]["search"]),
            "search_p95": percentile(figures[size]["search"], 0.95),
            "soap_p50": statistics.median(figures[size]["soap"]),
            "soap_p95": percentile(figures[size]["soap"], 0.95),
            "mean_results": statistics.mean(figures[size]["results"]),
        }
        for size in ("small", "large")
    )


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
    default = connections.settings["default"]
    sqlite = default["ENGINE"] == "django.db.backends.sqlite3"
    if sqlite:  # a file, which can be copied
        default["TEST"]["NAME"] = str(Path(os.environ["PRIMAWEB_VAR_DIR"]) / "small.sqlite3")
    old = setup_databases(verbosity=0, interactive=False)
    # The large register's database: a copy of the freshly migrated one.
    large_db = copy.deepcopy(default)
    large_db["NAME"] = f"{default['NAME']}_large"
    connections.settings["large"] = large_db
    connection.close()
    if sqlite:
        shutil.copyfile(default["NAME"], large_db["NAME"])
    else:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{large_db["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{large_db["NAME"]}" TEMPLATE "{default["NAME"]}"')
    on_large = ThreadPoolExecutor(1, initializer=use_large_register)
    small_url, small_stop, small_thread = start_server()
    large_url, large_stop, large_thread = start_server(large=True)
    try:
        vendor = connection.vendor
        print(
            f"BCSS phonetic search, {vendor}, {SMALL:,} and {LARGE:,} persons in two databases, {QUERIES} "
            f"searches on each, alternating by {BATCH}, load average {os.getloadavg()[0]:.1f} "
            "(a shared machine):"
        )
        small_load = load(SMALL, seed=1)
        checks = add_targets()
        queries = make_queries(random.Random(3))
        large_load = (
            on_large.submit(load, SMALL, 1).result() + on_large.submit(load, LARGE - SMALL, 2).result()
        )
        large_checks = on_large.submit(add_targets).result()
        small, large = measure(queries, small_url, large_url, on_large)
        small_recall = recall(checks)
        large_recall = on_large.submit(recall, large_checks).result()
    finally:
        small_stop.set()
        large_stop.set()
        small_thread.join()
        large_thread.join()
        on_large.submit(connections.close_all).result()
        on_large.shutdown()
        connections.close_all()
        if sqlite:
            Path(large_db["NAME"]).unlink(missing_ok=True)
        else:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{large_db["NAME"]}"')
        teardown_databases(old, verbosity=0)

    print(f"  loading: {SMALL:,} in {small_load:.1f} s, {LARGE:,} in {large_load:.1f} s")
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
