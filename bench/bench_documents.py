"""« Gérer les documents » at scale: the same pages with 10,000 documents, then with 1,000,000, in one run.

Documents are spread over 50 centres as centres are in real life, a few large and many small (Zipf-like
weights: the largest centre holds about 15 % of them, the median one about 1 %), with about ten documents
per dossier: the dossiers (and their beneficiaries) grow with the documents. Two centres are measured,
the largest and the median one, through the real view (`/documents/gerer/`, Django's test client signed in
as a member with the centre chosen): the first page (25 rows), a page filtered by status (« Conversion
échouée ») and a page filtered by NISS (a beneficiary with 3 documents). A page should cost about the same
whatever the number of documents: the ratio 1M/10k of the median times shows how far it does not (target:
at most 1.5). Also prints the SQL queries per page (the same number for 25 rows as for 3), the execution
time of the two documents queries of each page (the paginator's COUNT, then the page), and the plans of
those that cost more than a few milliseconds at full size.

Each size is measured in two configurations: as the migrations leave the schema (with the partial listing
indexes of documents/0002), right after the load and ANALYZE (autovacuum is kept off the tables); then after
VACUUM (the visibility map autovacuum keeps in production, which lets a COUNT read an index alone). After
VACUUM at full size, the listing's COUNT stopped at 1,001 rows (« plus de 1 000 ») is also timed, for
information, against the full COUNT.

Files need not exist for the listing: rows name plausible paths. Rows go in through COPY on PostgreSQL,
bulk_create elsewhere, in batches of 10,000. Runs on a throw-away database: PostgreSQL when DATABASE_URL
points at one (as `make bench` does), SQLite otherwise (as migrated only).
Usage: make bench, or python bench/bench_documents.py; BENCH_DOCUMENTS=200000 for a quicker run.
"""

import contextlib
import itertools
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management.color import no_style  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

SMALL = 10_000
LARGE = int(os.environ.get("BENCH_DOCUMENTS", "1000000"))
CENTRES = 50
DOCUMENTS_PER_DOSSIER = 10
MIN_DOSSIERS = 20  # per centre
ZIPF = 0.8
YEARS = 6
BATCH = 10_000
ROUNDS = 30
PLAN_THRESHOLD_MS = 3.0
ROW_MARK = b'class="row-actions"'  # once per listed document

TABLES = ("documents_document", "dossiers_person", "dossiers_dossier")
CONFIGURATIONS = ("as migrated", "as migrated + VACUUM")

TYPES = [
    ("Décision revenu d'intégration", "Beslissing leefloon"),
    ("Décision aide sociale", "Beslissing maatschappelijke hulp"),
    ("Convocation", "Oproeping"),
    ("Attestation", "Attest"),
    ("Demande de documents", "Aanvraag van documenten"),
]
# Mostly registered; sent and read once the eBox is there; a few failed conversions.
STATUSES = [("registered", 0.63), ("sent", 0.2), ("read", 0.14), ("failed", 0.03)]
FORMATS = [
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 0.55),
    ("pdf", "application/pdf", 0.25),
    ("doc", "application/msword", 0.12),
    ("odt", "application/vnd.oasis.opendocument.text", 0.05),
    ("rtf", "application/rtf", 0.03),
]
LAST_NAMES = ["Dupont", "Janssens", "Peeters", "Maes", "Lambert", "Dubois", "Mertens", "El Amrani"]
FIRST_NAMES = ["Marie", "Jean", "Fatima", "Luc", "Sofia", "Mohamed", "Anne", "Kevin"]
PAGES = ["first page", "status « failed »", "NISS (3 documents)"]


def niss_of(index: int) -> str:
    """A valid NISS (born before 2000), unique for each index below 20 million."""
    birth = f"{40 + index % 60:02d}{1 + index // 60 % 12:02d}{1 + index // 720 % 28:02d}"
    base = f"{birth}{1 + index // 20160:03d}"
    return f"{base}{97 - int(base) % 97:02d}"


class Layout:
    """The centres, their weights, members, document types and dossiers (ids chosen here)."""

    def __init__(self, centres, users):
        total = sum(rank**-ZIPF for rank in range(1, CENTRES + 1))
        self.centres = centres
        self.users = users  # centre id -> the member who uploads there
        self.weights = [rank**-ZIPF / total for rank in range(1, CENTRES + 1)]
        self.cumulative = list(itertools.accumulate(self.weights))
        self.types: dict[int, list[int]] = {}
        self.dossiers: dict[int, list[int]] = {centre.pk: [] for centre in centres}  # the first: target
        self.next_id = 1

    def pick_centre(self, rng: random.Random):
        return rng.choices(self.centres, cum_weights=self.cumulative)[0]


def insert(model, rows, fields=None) -> None:
    """Writes `rows` (dicts of attname -> value) in batches: COPY on PostgreSQL, bulk_create elsewhere."""
    fields = fields or [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    batch = []

    def flush():
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                    for row in batch:
                        copy.write_row([row[f.attname] for f in fields])
            else:
                model.objects.bulk_create([model(**row) for row in batch], batch_size=2_000)
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()


def make_layout() -> Layout:
    from documents.models import DocumentType
    from tests.factories import CentreFactory, MembershipFactory

    if connection.vendor == "postgresql":
        # No autovacuum under the measurements: the tables stay as loaded (ANALYZE only) until the
        # explicit VACUUM of the second configuration.
        execute(*(f"ALTER TABLE {table} SET (autovacuum_enabled = false)" for table in TABLES))
    centres = [CentreFactory() for _ in range(CENTRES)]
    layout = Layout(centres, {centre.pk: MembershipFactory(centre=centre).user for centre in centres})
    for centre in centres:
        layout.types[centre.pk] = [
            DocumentType.objects.create(centre=centre, label_fr=fr, label_nl=nl, validity_months=12).pk
            for fr, nl in TYPES[: 3 + centre.pk % 3]
        ]
    return layout


def add_dossiers(layout: Layout, documents: int, rng: random.Random) -> int:
    """Brings every centre to its share of documents / DOCUMENTS_PER_DOSSIER dossiers, one person each."""
    from dossiers.models import Dossier, Person

    now = timezone.now()
    persons, dossiers = [], []
    for centre, weight in zip(layout.centres, layout.weights, strict=True):
        wanted = max(MIN_DOSSIERS, round(documents / DOCUMENTS_PER_DOSSIER * weight))
        for pk in range(layout.next_id, layout.next_id + wanted - len(layout.dossiers[centre.pk])):
            layout.dossiers[centre.pk].append(pk)
            layout.next_id = pk + 1
            created = now - timedelta(days=rng.uniform(0, 365 * YEARS))
            persons.append(
                {
                    "id": pk,
                    "centre_id": centre.pk,
                    "niss": niss_of(pk),
                    "last_name": rng.choice(LAST_NAMES),
                    "first_names": rng.choice(FIRST_NAMES),
                    "gender": rng.choice("12"),
                    "effective_street": "Rue de Fer",
                    "effective_house_number": str(pk % 200 + 1),
                    "effective_postal_code": "5000",
                    "effective_locality": "Namur",
                    "bcss_consulted_at": created,
                }
            )
            dossiers.append(
                {
                    "id": pk,
                    "centre_id": centre.pk,
                    "number": f"{created.year}{pk:06d}",
                    "beneficiary_id": pk,
                    "created_at": created,
                    "created_by_id": layout.users[centre.pk].pk,
                }
            )
    # The columns the rows leave out take the model field's default.
    person_fields = list(Person._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in person_fields}
    insert(Person, ({**defaults, **row} for row in persons), person_fields)
    insert(Dossier, dossiers, list(Dossier._meta.concrete_fields))
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Person, Dossier]):
            cursor.execute(statement)
    return len(dossiers)


def document_row(*, centre_id, dossier_id, type_id, user_id, status, file_format, uploaded, now, rng):
    extension, content_type = file_format
    key = uuid.UUID(int=rng.getrandbits(128), version=4)
    folder = f"documents/{centre_id}/{key}"
    original = f"{folder}/original.{extension}"
    # Older documents are often archived; a few were deleted (their files are gone).
    archived = None
    if (now - uploaded).days > 365 and rng.random() < 0.4:
        archived = uploaded + timedelta(days=rng.uniform(30, 300))
    deleted = uploaded + timedelta(days=rng.uniform(1, 30)) if rng.random() < 0.01 else None
    converted = status != "failed"
    pdf = ""
    if converted:
        pdf = original if extension == "pdf" else f"{folder}/v1-{rng.getrandbits(48):012x}.pdf"
    return {
        "centre_id": centre_id,
        "storage_key": key,
        "dossier_id": dossier_id,
        "document_type_id": type_id,
        "status": status,
        "version": 1,
        "original_name": f"decision-{uploaded:%Y-%m-%d}-{rng.randrange(1000):03d}.{extension}",
        "original_extension": extension,
        "content_type": content_type,
        "size": rng.randint(12_000, 900_000),
        "sha256": f"{rng.getrandbits(256):064x}",
        "original": "" if deleted else original,
        "pdf": "" if deleted else pdf,
        "pages": rng.randint(1, 6) if converted else None,
        "failure_reason": "" if converted else "LibreOffice n'a pas pu ouvrir le fichier.",
        "uploaded_at": uploaded,
        "uploaded_by_id": user_id,
        "converted_at": uploaded + timedelta(seconds=rng.uniform(1, 20)) if converted else None,
        "archived_at": archived,
        "reply_received_at": None,
        "deleted_at": deleted,
    }


def document_rows(layout: Layout, count: int, rng: random.Random, now):
    """`count` documents spread over the centres (by weight), their dossiers, types and YEARS years."""
    statuses, status_weights = zip(*STATUSES, strict=True)
    formats = [(extension, kind) for extension, kind, _share in FORMATS]
    format_weights = [share for _extension, _kind, share in FORMATS]
    for _ in range(count):
        centre = layout.pick_centre(rng)
        dossiers = layout.dossiers[centre.pk]
        yield document_row(
            centre_id=centre.pk,
            dossier_id=dossiers[rng.randrange(1, len(dossiers))],  # not the first: it keeps its 3
            type_id=rng.choice(layout.types[centre.pk]),
            user_id=layout.users[centre.pk].pk,
            status=rng.choices(statuses, weights=status_weights)[0],
            file_format=rng.choices(formats, weights=format_weights)[0],
            uploaded=now - timedelta(seconds=rng.uniform(60, 365 * 86400 * YEARS)),
            now=now,
            rng=rng,
        )


def add_targets(layout: Layout, centres) -> dict[int, str]:
    """Three recent documents in the first dossier of each measured centre; returns centre id -> NISS."""
    from documents.models import Document

    rng, now, targets, rows = random.Random(7), timezone.now(), {}, []
    for centre in centres:
        dossier = layout.dossiers[centre.pk][0]
        targets[centre.pk] = niss_of(dossier)
        for n in range(3):
            rows.append(
                document_row(
                    centre_id=centre.pk,
                    dossier_id=dossier,
                    type_id=layout.types[centre.pk][0],
                    user_id=layout.users[centre.pk].pk,
                    status="registered",
                    file_format=FORMATS[0][:2],
                    uploaded=now - timedelta(days=10 * n + 1),
                    now=now,
                    rng=rng,
                )
            )
    insert(Document, rows)
    return targets


def load(layout: Layout, total: int, count: int, seed: int) -> tuple[float, int]:
    """Adds the dossiers for `total` documents, then `count` documents; returns (seconds, dossiers)."""
    from documents.models import Document

    start = time.perf_counter()
    rng = random.Random(seed)
    dossiers = add_dossiers(layout, total, rng)
    done = 0

    def rows():
        nonlocal done
        for row in document_rows(layout, count, rng, timezone.now()):
            done += 1
            if done % 250_000 == 0:
                print(f"    {done:>9,}/{count:,} ({time.perf_counter() - start:.0f} s)", flush=True)
            yield row

    insert(Document, rows())
    execute("ANALYZE")
    settle()
    return time.perf_counter() - start, dossiers


def settle() -> None:
    """Writes the loaded pages out now, so that no checkpoint runs under the measurements."""
    if connection.vendor == "postgresql":
        with contextlib.suppress(DatabaseError), transaction.atomic():
            execute("CHECKPOINT")  # superusers only; without it, a checkpoint may add noise


def execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def signed_in(user, centre) -> Client:
    """As tests/conftest.py `sign_in`: logged in, the centre chosen."""
    from primaweb.tenancy import CurrentCentreMiddleware

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[CurrentCentreMiddleware.SESSION_KEY] = centre.pk
    session.save()
    return client


def get(client: Client, params: dict) -> int:
    response = client.get(reverse("documents:manage"), params)
    assert response.status_code == 200, response.status_code
    return response.content.count(ROW_MARK)


def query_label(sql: str) -> str:
    table = re.search(r'\bFROM "(\w+)"', sql)
    return ("COUNT " if "COUNT(" in sql else "") + (table.group(1) if table else sql[:30])


def measure(client: Client, pages: dict[str, dict]) -> dict:
    """Per page: the times of ROUNDS requests (pages interleaved), rows shown, the SQL it ran."""
    for params in pages.values():
        for _ in range(3):
            get(client, params)
    times: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(ROUNDS):
        for label, params in pages.items():
            start = time.perf_counter()
            get(client, params)
            times[label].append(time.perf_counter() - start)
    figures = {}
    for label, params in pages.items():
        with CaptureQueriesContext(connection) as queries:
            rows = get(client, params)
        document_sql = [q["sql"] for q in queries.captured_queries if 'FROM "documents_document"' in q["sql"]]
        figures[label] = {
            "best": min(times[label]),
            "median": statistics.median(times[label]),
            "rows": rows,
            "queries": [query_label(q["sql"]) for q in queries.captured_queries],
            "plans": [explain(sql) for sql in document_sql],
        }
    return figures


def explain(sql: str) -> tuple[float, list[str]]:
    """Execution time (ms, best of 3) and the plan's nodes, without cost estimates; nothing off PostgreSQL."""
    if connection.vendor != "postgresql":
        return 0.0, []
    runs = []
    with connection.cursor() as cursor:
        for _ in range(3):  # the fastest of three: one run alone is noisy
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            took = next(float(line.split()[2]) for line in lines if line.startswith("Execution Time"))
            runs.append((took, lines))
    took, lines = min(runs, key=lambda run: run[0])
    plan = []
    for line in lines:
        if "(cost=" in line:
            head, _, rest = line.partition("(cost=")
            plan.append(f"{head}({rest.partition(') (')[2]}" if ") (" in rest else head.rstrip())
        elif line.lstrip().startswith(("Index Cond", "Filter", "Sort Key", "Sort Method", "Heap Fetches")):
            plan.append(line)
    return took, plan


def listed(centre) -> int:
    from documents.selectors import documents_of_centre

    return documents_of_centre(centre=centre).count()


def measure_all(clients, pages_by_centre) -> dict:
    return {
        name: {"listed": listed(centre), "pages": measure(client, pages_by_centre[centre.pk])}
        for name, (centre, client) in clients.items()
    }


def measure_size(clients, pages_by_centre, after_vacuum=None) -> dict:
    """The configurations at the current size: as migrated, then (PostgreSQL) after VACUUM.

    `after_vacuum()`, if given, runs after VACUUM; its result goes under "extra".
    """
    results = {CONFIGURATIONS[0]: measure_all(clients, pages_by_centre)}
    if connection.vendor == "postgresql":
        execute(*(f"VACUUM (ANALYZE) {table}" for table in TABLES))
        settle()
        results[CONFIGURATIONS[1]] = measure_all(clients, pages_by_centre)
        results["extra"] = after_vacuum() if after_vacuum else None
    return results


def capped_count(centre, cap: int = 1_000) -> float:
    """The listing's COUNT stopped at `cap` + 1 rows (« plus de 1 000 documents »): ms."""
    from documents.selectors import documents_of_centre

    with CaptureQueriesContext(connection) as queries:
        documents_of_centre(centre=centre)[: cap + 1].count()
    return explain(queries.captured_queries[0]["sql"])[0]


def main() -> None:
    logging.getLogger("axes").setLevel(logging.WARNING)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        vendor = connection.vendor
        print(
            f"« Gérer les documents », {vendor}, {SMALL:,} then {LARGE:,} documents over {CENTRES} centres "
            f"(Zipf {ZIPF}), about {DOCUMENTS_PER_DOSSIER} per dossier; median and best of {ROUNDS}:",
            flush=True,
        )
        layout = make_layout()
        measured = {"largest centre": layout.centres[0], "median centre": layout.centres[CENTRES // 2 - 1]}
        largest = layout.centres[0]
        small_load, small_dossiers = load(layout, SMALL, SMALL - 3 * len(measured), seed=2)
        targets = add_targets(layout, measured.values())
        execute("ANALYZE")
        clients = {name: (c, signed_in(layout.users[c.pk], c)) for name, c in measured.items()}
        pages_by_centre = {
            centre.pk: {
                PAGES[0]: {},
                PAGES[1]: {"niss": "", "document_type": "", "status": "failed"},
                PAGES[2]: {"niss": targets[centre.pk], "document_type": "", "status": ""},
            }
            for centre in measured.values()
        }
        small = measure_size(clients, pages_by_centre)
        print(f"  measured at {SMALL:,}; loading {LARGE - SMALL:,} more", flush=True)
        large_load, large_dossiers = load(layout, LARGE, LARGE - SMALL, seed=3)
        large = measure_size(clients, pages_by_centre, after_vacuum=lambda: capped_count(largest))
    finally:
        teardown_databases(old, verbosity=0)

    print(
        f"  loading: {SMALL:,} documents and {small_dossiers:,} dossiers in {small_load:.1f} s, "
        f"{LARGE - SMALL:,} and {large_dossiers:,} more in {large_load:.1f} s (COPY, then ANALYZE)"
    )
    report(measured, small, large)
    if vendor != "postgresql":
        return
    as_migrated = large[CONFIGURATIONS[0]]["largest centre"]["pages"]
    vacuumed = large[CONFIGURATIONS[1]]["largest centre"]["pages"]
    print(
        f"  at {LARGE:,}, largest centre, after VACUUM, the COUNT stopped at 1,001 rows (« plus de 1 000 »): "
        f"{large['extra']:.2f} ms, against {vacuumed[PAGES[0]]['plans'][0][0]:.2f} ms for the full COUNT"
    )
    for configuration, pages in ((CONFIGURATIONS[0], as_migrated), (CONFIGURATIONS[1], vacuumed)):
        for label, page in pages.items():
            for kind, (took, plan) in zip(("COUNT", "page"), page["plans"], strict=False):
                if took >= PLAN_THRESHOLD_MS:
                    where = f"{configuration}, largest centre, {label}, {kind}"
                    print(f"  plan at {LARGE:,}, {where}: {took:.2f} ms")
                    for line in plan:
                        print(f"    {line}")


def sql_times(plans) -> str:
    return " + ".join(f"{plan[0] if isinstance(plan, tuple) else plan:.2f}" for plan in plans)


def report(measured, small, large) -> None:
    configurations = [c for c in CONFIGURATIONS if c in large]
    worst = {(c, kind): 0.0 for c in configurations for kind in ("median", "best")}
    unlike = set()  # pages that show more rows at full size: their ratio is not the database's alone
    for name in measured:
        counts = [small[CONFIGURATIONS[0]][name]["listed"], large[CONFIGURATIONS[0]][name]["listed"]]
        print(f"  {name}: {counts[0]:,} documents listed at {SMALL:,}, {counts[1]:,} at {LARGE:,}")
        for label in PAGES:
            for configuration in configurations:
                before = small[configuration][name]["pages"][label]
                after = large[configuration][name]["pages"][label]
                ratios = {kind: after[kind] / before[kind] for kind in ("median", "best")}
                if before["rows"] != after["rows"]:
                    unlike.add(f"{name}, {label}")
                else:
                    for kind, ratio in ratios.items():
                        worst[configuration, kind] = max(worst[configuration, kind], ratio)
                print(
                    f"    {label:<19} {before['rows']:>2} → {after['rows']:>2} rows, {configuration:<25} "
                    f"median {before['median'] * 1000:5.1f} → {after['median'] * 1000:6.1f} ms "
                    f"({ratios['median']:4.2f}x), best {before['best'] * 1000:5.1f} → "
                    f"{after['best'] * 1000:6.1f} ms ({ratios['best']:4.2f}x); COUNT + page SQL "
                    f"{sql_times(before['plans'])} → {sql_times(after['plans'])} ms"
                )
    pages = [
        page
        for size in (small, large)
        for configuration in configurations
        for centre in size[configuration].values()
        for page in centre["pages"].values()
    ]
    counts = sorted({len(page["queries"]) for page in pages})
    rows = sorted({page["rows"] for page in pages})
    print(
        f"  SQL queries per page: {', '.join(map(str, counts))} for pages of {rows[0]} to {rows[-1]} rows "
        f"({'constant' if len(counts) == 1 else 'NOT constant'}): {', '.join(pages[0]['queries'])}"
    )
    print(
        f"  worst ratio {LARGE:,}/{SMALL:,} of the pages showing as many rows at both sizes"
        + (f" (not: {'; '.join(sorted(unlike))})" if unlike else "")
        + ", target <= 1.5 on the median:"
    )
    for configuration in configurations:
        median, best = worst[configuration, "median"], worst[configuration, "best"]
        verdict = "met" if median <= 1.5 else "MISSED"
        print(f"    {configuration:<25} median {median:.2f}x, best {best:.2f}x: {verdict}")


if __name__ == "__main__":
    main()
