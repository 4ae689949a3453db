"""The server time of the pages a social worker opens all day, on the embedded default (SQLite, no broker).

A throw-away var directory is migrated and filled as `make run` fills it (seed_demo, the simulated register);
each page is then asked REPEAT times through Django's full stack (middleware, sessions, templates, the
consultation audit), signed in as the demo worker of Namur (the administrator for the admin pages). Prints,
per page, the median and the 95th percentile in milliseconds and the p95 against the goal (300 ms): a ratio
above 1 is a page a worker feels. Sign-in is measured too: it checks a password hash, which costs what the
hasher is set to cost. The first request of a fresh process (imports, URL configuration) is printed apart.

Nothing is asserted: the figures are for reading side by side. Usage: make bench, or
python bench/bench_pages.py; BENCH_PAGES_REPEAT=50 for steadier figures; BENCH_PAGES_REGISTER=20000 for the
register size `make run` uses.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "primaweb.settings.dev"
os.environ["PRIMAWEB_VAR_DIR"] = tempfile.mkdtemp(prefix="primaweb-bench-pages-")
os.environ["DATABASE_URL"] = ""  # the embedded default, whatever `make bench` found
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

REPEAT = int(os.environ.get("BENCH_PAGES_REPEAT", "20"))
REGISTER = int(os.environ.get("BENCH_PAGES_REGISTER", "2000"))
GOAL_MS = 300.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(request) -> tuple[float, int]:
    started = time.perf_counter()
    response = request()
    return (time.perf_counter() - started) * 1000, response.status_code


def prepare() -> None:
    logging.disable(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("simulate_register", count=REGISTER, seed=2026, replace=True, stdout=open(os.devnull, "w"))  # noqa: SIM115


def signed_in(username: str) -> Client:
    from primaweb.demo import DEMO_PASSWORD

    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    client.get(response["Location"], follow=True)  # the centre is chosen
    return client


def worker_pages() -> list[tuple[str, str]]:
    from cpasonline.models import OnlineRequest
    from documents.models import Document
    from dossiers.models import Dossier
    from primaweb.models import Centre

    namur = Centre.objects.get(bce_number="0212345668")
    pages = [
        ("Page d'accueil", reverse("primaweb:home")),
        ("Fiche signalétique", reverse("primaweb:centre_sheet")),
        ("Dossiers", reverse("dossiers:list")),
        ("Identification de la personne", reverse("dossiers:identify")),
        ("Ajouter un document", reverse("documents:upload_start")),
        ("Gérer les documents", reverse("documents:manage")),
        ("Anciens documents", reverse("documents:manage") + "?anciens=1"),
        ("Envois vers l'eBox", reverse("ebox:publications")),
        ("Demandes CPAS Online", reverse("cpasonline:list")),
    ]
    dossier = Dossier.objects.across_centres(reason="benchmark").filter(centre=namur).first()
    if dossier:
        pages.append(("Page principale du dossier", reverse("dossiers:detail", args=[dossier.pk])))
        pages.append(("Ajouter un document (dossier)", reverse("documents:upload", args=[dossier.pk])))
    document = Document.objects.across_centres(reason="benchmark").filter(dossier__centre=namur).first()
    if document:
        pages.append(("Traitement d'un document", reverse("documents:detail", args=[document.pk])))
    online = OnlineRequest.objects.across_centres(reason="benchmark").filter(centre=namur).first()
    if online:
        pages.append(("Détails d'une demande CPAS Online", reverse("cpasonline:detail", args=[online.pk])))
    return pages


def measure(label: str, request, rows: list) -> None:
    timings, status = [], None
    request()  # the template cache and the first queries of this page
    for _ in range(REPEAT):
        elapsed, status = timed(request)
        timings.append(elapsed)
    rows.append((label, status, statistics.median(timings), percentile(timings, 0.95)))


def main() -> None:
    from primaweb.demo import DEMO_PASSWORD

    started = time.perf_counter()
    prepare()
    print(
        f"Embedded default ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}), demo data, "
        f"register of {REGISTER} persons; {REPEAT} requests a page; "
        f"prepared in {time.perf_counter() - started:.1f} s"
    )

    anonymous = Client()
    first, _ = timed(lambda: anonymous.get(reverse("login")))
    print(f"First request of the process (imports, URL configuration): {first:.0f} ms")

    rows: list = []
    measure("Se connecter (page)", lambda: Client().get(reverse("login")), rows)
    measure(
        "Se connecter (mot de passe vérifié)",
        lambda: Client().post(reverse("login"), {"username": "as.namur", "password": DEMO_PASSWORD}),
        rows,
    )
    measure("Formulaire public CPAS Online", lambda: Client().get(reverse("cpasonline:form")), rows)
    worker = signed_in("as.namur")
    for label, url in worker_pages():
        measure(label, lambda url=url: worker.get(url), rows)
    administrator = signed_in("admin.namur")
    measure("Admin-Logs", lambda: administrator.get(reverse("primaweb:audit_log")), rows)
    measure("e-Box du C.P.A.S.", lambda: administrator.get(reverse("centrebox:inbox")), rows)
    measure("Assistants sociaux", lambda: administrator.get(reverse("primaweb:social_workers")), rows)

    width = max(len(label) for label, *_ in rows)
    print(f"\n{'page':<{width}}  status  median ms  p95 ms  p95/goal")
    for label, status, median, p95 in rows:
        print(f"{label:<{width}}  {status:>6}  {median:>9.0f}  {p95:>6.0f}  {p95 / GOAL_MS:>8.2f}")
    worst = max(rows, key=lambda row: row[3])
    share = worst[3] / GOAL_MS
    print(f"\nslowest p95: {worst[0]} {worst[3]:.0f} ms ({share:.2f} of the {GOAL_MS:.0f} ms goal)")


if __name__ == "__main__":
    main()
