"""The register's mutations at the size of the largest CPAS.

1. Import: 100,000 mutations recorded in the BCSS simulator for a centre with 50,000 integrated persons
   (45,000 of them with a dossier: the others' mutations are delivered and ignored), pulled by Primaweb's
   poll through the real client and the real pull service (HTTP handed to the simulator's view in this
   process), validated against the schema, stored with the cursor: mutations a second.
2. « Consulter les mutations »: the first page at 10,000 stored mutations against 1,000,000, side by
   side in one run, through the real view (signed in), for the default list (unprocessed), all of them,
   and one type. Target: median 1M / median 10k <= 1.5, and the same number of SQL queries at both sizes.

Rows are made by PostgreSQL (INSERT … SELECT over generate_series). Runs on a throw-away database of its
own (bench/own_database.py). PostgreSQL only. Usage: make bench, or python bench/bench_mutations.py;
BENCH_MUTATIONS=20000 BENCH_ROWS=200000 for a quicker run.
"""

import logging
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))

from bench.own_database import use_own_database  # noqa: E402

use_own_database()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402
from sidebyside import medians_side_by_side, result_line, signed_in  # noqa: E402

PERSONS = 50_000
WITH_DOSSIER = 45_000
IMPORTED = int(os.environ.get("BENCH_MUTATIONS", "100000"))
SMALL = 10_000
LARGE = int(os.environ.get("BENCH_ROWS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
TARGET = 1.5
KINDS = "ARRAY['MOVE','MOVE','MOVE','DEATH','MARRIAGE','DIVORCE','BIRTH','NATIONALITY']"
TABLES = ("mutations_mutation", "bcss_simulator_registermutation", "bcss_simulator_integration")


def execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def dossiers(centre, user, count: int, prefix: str) -> None:
    """`count` persons with a dossier each in `centre`; NISS `prefix` + a 9-digit serial."""
    c, u = centre.pk, user.pk
    execute(
        f"""INSERT INTO dossiers_person (niss, last_name, first_names, birth_date, gender, civil_state,
            nationality_code, register, birth_place, decease_date, legal_street, legal_house_number,
            legal_box, legal_postal_code, legal_municipality, legal_municipality_code, legal_country,
            effective_street, effective_house_number, effective_box, effective_postal_code,
            effective_locality, effective_country, bcss_consulted_at, centre_id, language)
        SELECT '{prefix}' || lpad(g::text, 9, '0'), 'Dupont', 'Marie', '1985-07-30', '2', '', '', '', '',
            '', 'Rue de Fer', '12', '', '5000', 'Namur', '92094', 'Belgique', 'Rue de Fer', '12', '',
            '5000', 'Namur', '', now(), {c}, ''
        FROM generate_series(1, {count}) g"""
    )
    execute(
        f"""INSERT INTO dossiers_dossier (number, created_at, centre_id, created_by_id, beneficiary_id,
            closing_reason, integration_state, integration_error)
        SELECT 'M' || lpad(g::text, 10, '0'), now(), {c}, {u}, id, '', 'integrated', ''
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS g FROM dossiers_person WHERE centre_id = {c})
            AS p"""
    )


def register_side(centre, count: int) -> None:
    """The simulator's directory (PERSONS integrated) and `count` mutations of those persons."""
    bce = centre.bce_number
    execute(
        f"""INSERT INTO bcss_simulator_integration (ssin, organisation, sector, legal_context, start_date,
            created_at)
        SELECT '10' || lpad(g::text, 9, '0'), '{bce}', 17, 'bench', current_date - 365, now()
        FROM generate_series(1, {PERSONS}) g"""
    )
    execute(
        f"""INSERT INTO bcss_simulator_registermutation (ssin, kind, occurred_on, recorded_at, data)
        SELECT '10' || lpad((1 + (g * 7919) % {PERSONS})::text, 9, '0'), ({KINDS})[1 + g % 8],
            current_date - (g % 300), now(),
            jsonb_build_object('street', 'Rue Neuve', 'house_number', (1 + g % 90)::text, 'box', '',
                'postal_code', '5000', 'municipality_code', '92094', 'municipality', 'Namur',
                'civil_state', 20, 'partner', '85073000297', 'child', '20010100115',
                'last_name', 'Dupont', 'first_name', 'Léa', 'nationality', 150)
        FROM generate_series(1, {count}) g"""
    )


def stored(centre, count: int, start: int) -> None:
    """`count` more mutations stored in `centre` (2 % unprocessed), for its dossiers in turn."""
    c = centre.pk
    execute(
        f"""INSERT INTO mutations_mutation (centre_id, register_id, niss, kind, occurred_on, recorded_at,
            received_at, data, dossier_id, processed_at, outcome)
        SELECT {c}, {start} + g, d.niss, ({KINDS})[1 + g % 8], current_date - (g % 700), now(), now(),
            '{{"street": "Rue Neuve", "house_number": "1", "postal_code": "5000",
               "municipality": "Namur"}}'::jsonb,
            d.id, CASE WHEN g % 50 = 0 THEN NULL ELSE now() END,
            CASE WHEN g % 50 = 0 THEN '' ELSE 'processed' END
        FROM generate_series(1, {count}) g
        JOIN (SELECT dd.id, p.niss, row_number() OVER (ORDER BY dd.id) - 1 AS n
              FROM dossiers_dossier dd JOIN dossiers_person p ON p.id = dd.beneficiary_id
              WHERE dd.centre_id = {c}) d
          ON d.n = g % (SELECT count(*) FROM dossiers_dossier WHERE centre_id = {c})"""
    )


def import_all(centre, settings) -> tuple[int, float, int]:
    """Polls until the register has nothing more; returns (stored, seconds, polls)."""
    from mutations import register, services
    from tests.http import MUTATIONS_TEST_URL, DjangoAppAdapter, sessions_to

    settings.BCSS_MUTATIONS_URL = MUTATIONS_TEST_URL
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "bcss.test"]
    register.build_session = sessions_to(DjangoAppAdapter())
    total, polls = 0, 0
    began = time.perf_counter()
    while True:
        result = services.mutations_poll(centre=centre)
        total += result.stored
        polls += 1
        if not result.more:
            return total, time.perf_counter() - began, polls


def get(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("mutations:list"), params)
    assert response.status_code == 200, (params, response.status_code)
    return len(captured.captured_queries)


def main() -> None:
    from django.conf import settings

    from mutations.models import Mutation
    from primaweb.models import Membership
    from tests.factories import CentreFactory, MembershipFactory

    logging.getLogger("axes").setLevel(logging.WARNING)
    logging.getLogger("mutations").setLevel(logging.WARNING)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        if connection.vendor != "postgresql":
            print("bench_mutations: PostgreSQL only (DATABASE_URL); skipped")
            return
        for table in TABLES:
            execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
        large = CentreFactory()
        large_user = MembershipFactory(centre=large, role=Membership.Role.SOCIAL_WORKER).user
        dossiers(large, large_user, WITH_DOSSIER, "10")
        register_side(large, IMPORTED)
        execute("ANALYZE")
        count, seconds, polls = import_all(large, settings)
        ignored = IMPORTED - count
        print(
            f"Mutations, PostgreSQL: import of {IMPORTED:,} mutations for a centre with {PERSONS:,} "
            f"integrated persons ({WITH_DOSSIER:,} with a dossier), through the pull service and the poll:"
        )
        print(
            f"  {count:,} stored, {ignored:,} ignored (no dossier) in {seconds:.1f} s, {polls} polls: "
            f"{IMPORTED / seconds:,.0f} mutations/s"
        )
        already = Mutation.objects.for_centre(large).count()
        stored(large, LARGE - already, 10_000_000)
        small = CentreFactory()
        small_user = MembershipFactory(centre=small, role=Membership.Role.SOCIAL_WORKER).user
        dossiers(small, small_user, 2_000, "20")
        stored(small, SMALL, 20_000_000)
        execute("ANALYZE")
        clients = {"10k": signed_in(small_user, small), "1M": signed_in(large_user, large)}
        print(
            f"« Consulter les mutations », first page, {SMALL:,} stored mutations against "
            f"{Mutation.objects.for_centre(large).count():,}; median of {ROUNDS}, interleaved:"
        )
        print(f"  {'list':<28} {'10k ms':>8} {'1M ms':>8} {'ratio':>6}  queries  verdict")
        worst = 0.0
        for name, params in (
            ("unprocessed (default)", {}),
            ("all", {"state": "toutes"}),
            ("all, one type", {"state": "toutes", "kind": "DEATH"}),
        ):
            medians = medians_side_by_side(
                {label: partial(get, clients[label], params) for label in ("10k", "1M")}, ROUNDS
            )
            counts = [get(clients[label], params) for label in ("10k", "1M")]
            ratio, line = result_line(name, medians["10k"], medians["1M"], counts, TARGET, 28)
            worst = max(worst, ratio)
            print(line, flush=True)
        print(f"  worst ratio {worst:.2f}x (target <= {TARGET})")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
