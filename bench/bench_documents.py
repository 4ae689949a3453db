"""« Gérer les documents » at the size of the largest CPAS: ONE centre of 1,000,000 documents against
one of 10,000, side by side in one run, through the real view (Django's test client, signed in as a
member): the first page, a page filtered by status (« Conversion échouée »), a page filtered by NISS (a
beneficiary with 10 documents) and a deep page (page 5,000; page 200 of the small centre's 400). Ten
documents a dossier. The tables are as loaded, ANALYZE only, autovacuum off: nothing here needs VACUUM.

Target: median 1M / median 10k <= 1.5 on every page, and the same SQL queries per page at both sizes.
Also prints each documents query's execution time at full size (EXPLAIN ANALYZE, best of 3). Rows are made
by PostgreSQL (bench/listdata.py). Runs on a throw-away database of its own (bench/own_database.py:
test_primaweb_bench_documents under `make bench`). PostgreSQL only. Usage: make bench, or python
bench/bench_documents.py; BENCH_DOCUMENTS=200000 for a quicker run.
"""

import os
import statistics
import time

# First: it sets Django up.
from listbench import deep_params, list_database  # isort: split

import listdata
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from sidebyside import signed_in

SMALL = 10_000
LARGE = int(os.environ.get("BENCH_DOCUMENTS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
PER_PAGE = 25
TARGET = 1.5


def explain_ms(sql: str) -> float:
    best = float("inf")
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(f"EXPLAIN (ANALYZE) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            best = min(
                best, next(float(line.split()[2]) for line in lines if line.startswith("Execution Time"))
            )
    return best


def main() -> None:
    from documents.selectors import documents_of_centre
    from dossiers.models import Dossier
    from primaweb.models import Membership
    from tests.factories import CentreFactory, DocumentTypeFactory, MembershipFactory

    with list_database("bench_documents") as ready:
        if not ready:
            return
        url = reverse("documents:manage")
        sizes, start = {}, time.perf_counter()
        for label, rows, deep in (("10k", SMALL, 200), ("1M", LARGE, min(5000, LARGE // PER_PAGE - 2))):
            centre = CentreFactory()
            user = MembershipFactory(centre=centre, role=Membership.Role.SOCIAL_WORKER).user
            listdata.fill(
                centre=centre,
                user=user,
                document_type=DocumentTypeFactory(centre=centre),
                rows=rows,
                dossiers=rows // 10,
                only={"dossiers", "documents"},
            )
            niss = (
                Dossier.objects.for_centre(centre)
                .select_related("beneficiary")
                .earliest("pk")
                .beneficiary.niss
            )
            listdata.analyze()
            documents = documents_of_centre(centre=centre)
            sizes[label] = {
                "client": signed_in(user, centre),
                "pages": {
                    "first page": {},
                    "status « failed »": {"status": "failed"},
                    "NISS (10 documents)": {"niss": niss},
                    "deep page": deep_params(documents, deep * PER_PAGE, PER_PAGE),
                },
                "deep": deep,
            }
        print(
            f"« Gérer les documents », PostgreSQL, one centre of {SMALL:,} documents against one of "
            f"{LARGE:,} "
            f"(loaded in {time.perf_counter() - start:.0f} s, ANALYZE only, no VACUUM); median of {ROUNDS}:"
        )
        worst = 0.0
        for page in sizes["10k"]["pages"]:
            times = {label: [] for label in sizes}
            for size in sizes.values():
                size["client"].get(url, size["pages"][page])
            for _ in range(ROUNDS):
                for label, size in sizes.items():
                    began = time.perf_counter()
                    response = size["client"].get(url, size["pages"][page])
                    times[label].append(time.perf_counter() - began)
                    assert response.status_code == 200
            counts, sql_ms = [], []
            for size in sizes.values():
                with CaptureQueriesContext(connection) as captured:
                    size["client"].get(url, size["pages"][page])
                counts.append(len(captured))
                sql_ms.append(
                    sum(
                        explain_ms(q["sql"])
                        for q in captured.captured_queries
                        if '"documents_document"' in q["sql"]
                    )
                )
            small, large = (statistics.median(times[label]) for label in sizes)
            ratio = large / small
            worst = max(worst, ratio)
            name = page if page != "deep page" else f"page {sizes['10k']['deep']} / {sizes['1M']['deep']}"
            verdict = "met" if ratio <= TARGET and counts[0] == counts[1] else "MISSED"
            print(
                f"  {name:<22} {small * 1000:7.1f} → {large * 1000:7.1f} ms ({ratio:4.2f}x), queries "
                f"{counts[0]} / {counts[1]}, documents SQL {sql_ms[0]:.2f} → {sql_ms[1]:.2f} ms: {verdict}",
                flush=True,
            )
        print(f"  worst ratio {worst:.2f}x (target <= {TARGET})")


if __name__ == "__main__":
    main()
