"""Every list page at the size of the largest CPAS: one centre of 1,000,000 rows a list against one of
10,000, side by side in one run, first page and a deep page (page 5,000 at 25 a page; page 200 in the
small centre, which has 400), through the real views (Django's test client, signed in as the centre's
administrator). The tables are as loaded, ANALYZE only, autovacuum off: no VACUUM helps.

Target per line: median 1M / median 10k <= 1.5, and the same number of SQL queries at both sizes.
Rows are made by PostgreSQL (bench/listdata.py). Runs on a throw-away database of its own
(bench/own_database.py: test_primaweb_bench_lists under `make bench`, never the test suite's). PostgreSQL
only.
Usage: make bench, or python bench/bench_lists.py; BENCH_ROWS=200000 for a quicker run.
"""

import os
import time
from functools import partial

# First: it sets Django up.
from listbench import deep_params, list_database  # isort: split

import listdata
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from sidebyside import medians_side_by_side, result_line, signed_in

SMALL = 10_000
LARGE = int(os.environ.get("BENCH_ROWS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
TARGET = 1.5
LABELS = ("10k", "1M")
ONLY = os.environ.get("BENCH_ONLY", "")  # a part of a list's name: that list only (and its rows)
# The rows each list needs (bench/listdata.py's parts).
NEEDS = {
    "Gérer les documents": {"dossiers", "documents"},
    "Dossiers du C.P.A.S.": {"dossiers"},
    "Rechercher un dossier (nom)": {"dossiers"},
    "Admin-Logs": {"audit"},
    "CPAS Online": {"cpasonline"},
    "e-Box du C.P.A.S.": {"centrebox"},
    "Envois vers l'eBox": {"dossiers", "documents", "ebox"},
}


def lists():
    """name -> (url name, query, per page, queryset of the centre, the deep page's offsets small/large)."""
    from centrebox.models import CentreMessage
    from cpasonline.selectors import requests_of_centre
    from documents.selectors import documents_of_centre
    from dossiers.selectors import dossier_search, dossiers_of_centre
    from ebox.selectors import publications_of
    from primaweb.selectors import audit_events

    deep = (200 * 25, min(5000 * 25, LARGE - 50))
    deep_50 = (100 * 50, min(5000 * 50, LARGE - 100))
    return {
        "Gérer les documents": ("documents:manage", {}, 25, documents_of_centre, deep),
        "Dossiers du C.P.A.S.": ("dossiers:list", {}, 25, dossiers_of_centre, deep),
        "Rechercher un dossier (nom)": (
            "dossiers:search",
            {"name": "dupont"},
            25,
            lambda centre: dossier_search(centre=centre, name="dupont"),
            (1000, min(5000 * 25, LARGE // 8 - 50)),
        ),
        "Admin-Logs": ("primaweb:audit_log", {}, 50, audit_events, deep_50),
        "CPAS Online": (
            "cpasonline:list",
            {},
            50,
            requests_of_centre,
            (100 * 50, min(5000 * 50, LARGE - 100)),
        ),
        "e-Box du C.P.A.S.": (
            "centrebox:inbox",
            {},
            25,
            lambda centre: CentreMessage.objects.for_centre(centre),
            deep,
        ),
        "Envois vers l'eBox": ("ebox:publications", {}, 25, publications_of, deep),
    }


def queryset_of(function, centre):
    try:
        return function(centre=centre)
    except TypeError:
        return function(centre)


def get(client, url, params) -> None:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)


def queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(client, url, params)
    return len(captured.captured_queries)


def main() -> None:
    from primaweb.models import Membership
    from tests.factories import CentreFactory, DocumentTypeFactory, MembershipFactory

    with list_database("bench_lists") as ready:
        if not ready:
            return
        chosen = {name: spec for name, spec in lists().items() if ONLY.lower() in name.lower()}
        only = set().union(*(NEEDS[name] for name in chosen))
        centres = {}
        start = time.perf_counter()
        for label, rows in (("10k", SMALL), ("1M", LARGE)):  # "1M": the large centre
            centre = CentreFactory()
            admin = MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user
            document_type = DocumentTypeFactory(centre=centre)
            listdata.fill(centre=centre, user=admin, document_type=document_type, rows=rows, only=only)
            centres[label] = (centre, signed_in(admin, centre))
        listdata.analyze()
        loaded = time.perf_counter() - start
        print(
            f"List pages, PostgreSQL, a centre of {SMALL:,} rows a list against one of {LARGE:,} "
            f"(loaded in {loaded:.0f} s, ANALYZE only, no VACUUM); median of {ROUNDS}, interleaved:"
        )
        print(f"  {'page':<44} {'10k ms':>8} {'1M ms':>8} {'ratio':>6}  queries  verdict")
        worst = 0.0
        for name, (url_name, query, per_page, selector, offsets) in chosen.items():
            url = reverse(url_name)
            pages = {}
            for label, offset in zip(("10k", "1M"), offsets, strict=True):
                centre, client = centres[label]
                queryset = queryset_of(selector, centre)
                pages[label] = {
                    "first page": query,
                    "deep page": {**query, **deep_params(queryset, offset, per_page)},
                }
            for page in ("first page", "deep page"):
                medians = medians_side_by_side(
                    {label: partial(get, centres[label][1], url, pages[label][page]) for label in LABELS},
                    ROUNDS,
                )
                counts = [queries(centres[label][1], url, pages[label][page]) for label in LABELS]
                ratio, line = result_line(
                    f"{name}, {page}", medians["10k"], medians["1M"], counts, TARGET, 44
                )
                worst = max(worst, ratio)
                print(line, flush=True)
        print(f"  worst ratio {worst:.2f}x (target <= {TARGET})")


if __name__ == "__main__":
    main()
