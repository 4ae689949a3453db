"""Load generator: every list page under 1, 8 and 32 concurrent users, p50 and p95 per page.

Bounded and on the loopback only: the script makes its own database (primaweb_load, dropped at the
end unless LOAD_KEEP=1), fills one centre as the largest CPAS (200,000 documents in 20,000 dossiers,
20,000 CPAS Online requests, 50,000 centre e-Box messages, 20,000 eBox sends, 200,000 audit events),
starts gunicorn on 127.0.0.1 with the production settings (primaweb.settings.production, DEBUG off, the
HTTPS redirect satisfied by X-Forwarded-Proto as behind the proxy), and has each user, a thread with its
own signed-in session, request every page LOAD_ROUNDS times. Goal: p95 <= 250 ms at 8 users on 2 cores.

Not part of `make bench` (it takes minutes and wants the cores to itself). PostgreSQL only.
Usage: python bench/load.py   (DATABASE_URL names the server; LOAD_DATABASE, LOAD_PORT, LOAD_WORKERS,
LOAD_THREADS, LOAD_ROUNDS, LOAD_USERS="1,8,32", DATABASE_CONN_MAX_AGE are passed on.)
"""

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/primaweb")
DATABASE = os.environ.get("LOAD_DATABASE", "primaweb_load")  # another name for two runs on one server
URL = f"{SERVER.rsplit('/', 1)[0]}/{DATABASE}"
PORT = int(os.environ.get("LOAD_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
WORKERS = os.environ.get("LOAD_WORKERS", "2")
THREADS = os.environ.get("LOAD_THREADS", "4")
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "5"))
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "1,8,32").split(",")]
GOAL_MS, GOAL_USERS = 250, 8

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "primaweb.settings.production",
    "DATABASE_URL": URL,
    "SECRET_KEY": secrets.token_urlsafe(60),
    "PRIMAWEB_VAR_DIR": os.environ.get("PRIMAWEB_VAR_DIR") or tempfile.mkdtemp(prefix="primaweb-load-"),
    "ALLOWED_HOSTS": "127.0.0.1",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def admin_sql(statement: str) -> None:
    import psycopg

    maintenance = f"{SERVER.rsplit('/', 1)[0]}/postgres".replace("postgres://", "postgresql://", 1)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(statement)


def prepare() -> dict:
    """The database migrated and filled; returns the session cookie and the pages to request."""
    admin_sql(f"DROP DATABASE IF EXISTS {DATABASE}")
    admin_sql(f"CREATE DATABASE {DATABASE}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV, check=True)

    import django

    django.setup()
    import listdata
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from documents.selectors import documents_of_centre
    from primaweb.models import Membership
    from primaweb.pagination import encode_cursor
    from primaweb.tenancy import CurrentCentreMiddleware
    from tests.factories import CentreFactory, DocumentTypeFactory, MembershipFactory

    centre = CentreFactory(ebox=False)  # production settings have no simulators to onboard with
    user = MembershipFactory(centre=centre, role=Membership.Role.ADMINISTRATOR).user
    document_type = DocumentTypeFactory(centre=centre)
    started = time.perf_counter()
    for rows, only in (
        (200_000, {"dossiers", "documents"}),
        (20_000, {"cpasonline", "ebox"}),
        (50_000, {"centrebox"}),
        (200_000, {"audit"}),
    ):
        listdata.fill(
            centre=centre, user=user, document_type=document_type, rows=rows, dossiers=20_000, only=only
        )
    listdata.analyze()
    print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[CurrentCentreMiddleware.SESSION_KEY] = centre.pk
    session.create()

    documents = documents_of_centre(centre=centre)
    deep = encode_cursor(documents, documents[5000 * 25], number=5001)
    pages = {
        "Gérer les documents": "/documents/gerer/",
        "Gérer les documents, page 5,001": "/documents/gerer/?" + urlencode({"apres": deep}),
        "Gérer les documents, « échouée »": "/documents/gerer/?status=failed",
        "Dossiers du C.P.A.S.": "/dossiers/",
        "Rechercher un dossier (nom)": "/dossiers/rechercher/?name=dupont",
        "CPAS Online": "/cpas-online/",
        "e-Box du C.P.A.S.": "/centre-ebox/",
        "Envois vers l'eBox": "/ebox/envois/",
        "Admin-Logs": "/admin-logs/",
    }
    return {"cookie": (settings.SESSION_COOKIE_NAME, session.session_key), "pages": pages}


def resolve_paths(pages: dict) -> dict:
    """The pages' paths from the URL names where they differ from the guesses above."""
    from django.urls import reverse

    names = {
        "/documents/gerer/": "documents:manage",
        "/dossiers/": "dossiers:list",
        "/dossiers/rechercher/": "dossiers:search",
        "/cpas-online/": "cpasonline:list",
        "/centre-ebox/": "centrebox:inbox",
        "/ebox/envois/": "ebox:publications",
        "/admin-logs/": "primaweb:audit_log",
    }
    resolved = {}
    for label, path in pages.items():
        base, _, query = path.partition("?")
        resolved[label] = reverse(names[base]) + (f"?{query}" if query else "")
    return resolved


def start_server() -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "primaweb.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        WORKERS,
        "--threads",
        THREADS,
        "--timeout",
        "60",
        "--no-control-socket",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import requests

    try:
        for _ in range(120):
            try:
                requests.get(f"{BASE}/connexion/", timeout=5, headers={"X-Forwarded-Proto": "https"})
                return server
            except requests.RequestException:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
    except BaseException:
        server.terminate()
        raise
    server.terminate()
    server.wait(timeout=30)
    raise SystemExit(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")


def run(users: int, cookie, pages: dict) -> dict:
    import requests

    times = {label: [] for label in pages}
    errors = []
    barrier = threading.Barrier(users)

    def user(index: int) -> None:
        session = requests.Session()
        session.headers["X-Forwarded-Proto"] = "https"
        session.cookies.set(*cookie)
        barrier.wait()
        labels = list(pages)
        for round_ in range(ROUNDS):
            for offset in range(len(labels)):
                label = labels[(index + round_ + offset) % len(labels)]  # users spread over the pages
                began = time.perf_counter()
                response = session.get(f"{BASE}{pages[label]}", allow_redirects=False, timeout=60)
                took = time.perf_counter() - began
                if response.status_code != 200:
                    errors.append((label, response.status_code))
                times[label].append(took)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"errors at {users} users: {errors[:5]}")
    return {"times": times, "throughput": sum(len(t) for t in times.values()) / elapsed}


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    print(
        f"Load generator: gunicorn {WORKERS} workers x {THREADS} threads on 127.0.0.1, production settings, "
        f"PostgreSQL; {os.cpu_count()} CPUs seen; {ROUNDS} rounds of every page per user",
        flush=True,
    )
    prepared = prepare()
    pages = resolve_paths(prepared["pages"])
    server = start_server()
    try:
        import requests

        for path in pages.values():  # warm every worker's caches a little
            for _ in range(int(WORKERS) * 2):
                requests.get(
                    f"{BASE}{path}",
                    cookies=dict([prepared["cookie"]]),
                    headers={"X-Forwarded-Proto": "https"},
                    allow_redirects=False,
                    timeout=60,
                )
        results = {users: run(users, prepared["cookie"], pages) for users in USERS}
    finally:
        server.terminate()
        server.wait(timeout=30)
        if os.environ.get("LOAD_KEEP") != "1":
            from django.db import connections

            connections.close_all()
            admin_sql(f"DROP DATABASE IF EXISTS {DATABASE}")

    header = "".join(f"{f'{n} user' + ('s' if n > 1 else ''):>20}" for n in USERS)
    print(f"  {'page (ms: p50 / p95)':<36}{header}")
    missed = []
    for label in pages:
        cells = ""
        for users in USERS:
            values = results[users]["times"][label]
            p50, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
            cells += f"{p50:>10.0f} / {p95:<7.0f}"
            if users == GOAL_USERS and p95 > GOAL_MS:
                missed.append(label)
        print(f"  {label:<36}{cells}")
    print("  requests/s: " + ", ".join(f"{results[n]['throughput']:.1f} at {n}" for n in USERS))
    if GOAL_USERS in USERS:
        verdict = "met" if not missed else f"MISSED ({', '.join(missed)})"
        print(f"  goal p95 <= {GOAL_MS} ms at {GOAL_USERS} users: {verdict}")


if __name__ == "__main__":
    main()
