"""Mass mailing: N letters generated from a template, converted to PDF and published to the eBox, against
the conversion of the same letters alone, side by side in one run.

(a) conversion alone: the N letters (the demo template filled for each dossier, made untimed beforehand)
converted by the warm converter (`running_converter()`, PRIMAWEB_CONVERTER_LISTENERS listeners, two by
default) with `convert_to_pdf`, two at a time, as the worker's two threads would;
(b) the mass mailing as « Envoi groupé de courriers » starts it (`letters.mailing.mailing_start`): a Celery
worker thread pool of two (the in-memory broker of the test settings) runs the job unchanged: each letter
generated with python-docx, stored as a document of its dossier, converted by the same converter through
the conversion task, then published to the eBox simulator (served over HTTP in a thread) and settled.
Timed from the mailing's commit until every letter has its outcome.

Prints letters per minute for (b), conversions per minute for (a), and the ratio (b)/(a) (1.0 would mean
the letters cost nothing beyond their conversion). Checks that every letter was sent exactly once (the
simulator holds one message per letter); exits 1 otherwise.

Runs on a throw-away database (bench/own_database.py). Usage: make bench, or
python bench/bench_letters.py [N]; N defaults to BENCH_LETTERS or 1000.
"""

import logging
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.own_database import use_own_database  # noqa: E402

use_own_database()

import django  # noqa: E402

django.setup()

from celery.contrib.testing.worker import start_worker  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from ebox_rig import start_server  # noqa: E402

from documents.conversion import convert_to_pdf  # noqa: E402
from documents.converter_process import running_converter  # noqa: E402
from primaweb.celery import app  # noqa: E402

LETTERS = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_LETTERS", "1000"))
LISTENERS = int(os.environ.get("PRIMAWEB_CONVERTER_LISTENERS", "2"))
CLIENTS = 2
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "3600"))


def make_dossiers(count: int):
    """A centre onboarded to the eBox, its demo template, and `count` dossiers of citizens with an eBox."""
    from documents.models import DocumentType
    from dossiers.models import Dossier, Person
    from letters.demo import seed_letter_templates
    from simulators.ebox.models import Citizen
    from tests import factories
    from tests.ebox_onboarding import onboard

    centre = factories.CentreFactory(phone="081 00 00 00", email="cpas@example.org", street="Rue de Fer 1")
    user = factories.UserFactory()
    onboard(centre)
    document_type = factories.DocumentTypeFactory(centre=centre)
    seed_letter_templates([centre])
    people = Person.objects.bulk_create(
        [
            Person(
                centre=centre,
                niss=factories.niss_for(f"7{index // 900:05d}", 2 + index % 900),
                last_name=f"Lettre{index:05d}",
                first_names="Anne",
                legal_street="Rue de Fer",
                legal_house_number=str(1 + index % 200),
                legal_postal_code="5000",
                legal_municipality="Namur",
                effective_street="Rue de Fer",
                effective_house_number="1",
                effective_postal_code="5000",
                effective_locality="Namur",
            )
            for index in range(count)
        ]
    )
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(centre=centre, number=f"B{index:07d}", beneficiary=person, created_by=user)
            for index, person in enumerate(people)
        ]
    )
    Citizen.objects.bulk_create(
        [Citizen(niss=person.niss, activated=True, language="fr") for person in people]
    )
    assert DocumentType.objects.for_centre(centre).filter(pk=document_type.pk).exists()
    return centre, user, document_type, dossiers


def render_all(centre, user, document_type, dossiers) -> tuple[list[bytes], float]:
    from letters import selectors, services

    template = selectors.templates_of(centre=centre).get(document_type=document_type)
    source = services.template_bytes(template)
    started = time.perf_counter()
    letters = [
        services.letter_render(template=template, dossier=dossier, by=user, source=source).data
        for dossier in dossiers
    ]
    return letters, time.perf_counter() - started


def convert_all(letters: list[bytes], url: str) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda data: convert_to_pdf(data=data, extension="docx", url=url), letters))
    return time.perf_counter() - started


def mail_all(centre, user, document_type, dossiers) -> tuple[float, dict]:
    from letters import mailing, selectors

    started = time.perf_counter()
    sent = mailing.mailing_start(
        centre=centre,
        document_type=document_type,
        dossier_ids=[dossier.pk for dossier in dossiers],
        free_text="Nous vous prions de nous faire parvenir les documents demandés.",
        criteria={},
        by=user,
    )
    deadline = started + TIMEOUT
    from documents.models import Document

    phases = {}
    while True:
        progress = selectors.mailing_progress(mailing=sent)
        documents = Document.objects.for_centre(centre)
        if "generated" not in phases and documents.count() == len(dossiers):
            phases["generated"] = time.perf_counter() - started
        if "converted" not in phases and documents.filter(converted_at__isnull=False).count() == len(
            dossiers
        ):
            phases["converted"] = time.perf_counter() - started
        if progress["finished"] or time.perf_counter() > deadline:
            progress["phases"] = phases
            return time.perf_counter() - started, progress
        time.sleep(0.2)


def main() -> int:
    from ebox import client
    from simulators.ebox.models import Message
    from tests.ebox_onboarding import use_platform_key
    from tests.workers import end_worker_sessions

    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    use_platform_key(settings)
    # The in-memory broker polls an empty queue once a second by default: a production broker (Redis)
    # hands a task over at once.
    app.conf.update(task_always_eager=False, broker_transport_options={"polling_interval": 0.01})
    # The simulator checks each of its answers against the eBox's OpenAPI document in the tests; that is
    # the stand-in's cost, not Primaweb's.
    settings.EBOX_SIMULATOR_STRICT_CONTRACT = False
    old = setup_databases(verbosity=0, interactive=False)
    base_url, stop, thread = start_server()
    try:
        settings.EBOX_API_URL = f"{base_url}/simulators/ebox/api/publication/v2.1"
        settings.EBOX_TOKEN_URL = f"{base_url}/simulators/ebox/oauth2/token"
        settings.EBOX_FEDERATION_URL = f"{base_url}/simulators/ebox/api/federation/v1"
        settings.EBOX_SIMULATOR_FAULTS = {}
        client.forget_token()
        centre, user, document_type, dossiers = make_dossiers(LETTERS)
        with (
            tempfile.TemporaryDirectory(prefix="primaweb-bench-letters-") as folder,
            running_converter(log_file=Path(folder) / "converter.log", listeners=LISTENERS) as url,
        ):
            settings.CONVERTER_URL = url
            letters, render_seconds = render_all(centre, user, document_type, dossiers)
            convert_all(letters[: 2 * LISTENERS * CLIENTS], url)  # warm-up: each listener loads its code
            print(
                f"Letters, {connection.vendor}, {LETTERS} letters, {LISTENERS} converter listeners, "
                f"{CLIENTS} worker threads, load average {os.getloadavg()[0]:.1f} (a shared machine):",
                flush=True,
            )
            convert_seconds = convert_all(letters, url)
            print(
                f"  (a) conversion alone: {LETTERS / convert_seconds * 60:.0f} conversions/min",
                flush=True,
            )
            with start_worker(
                app, pool="threads", concurrency=CLIENTS, perform_ping_check=False, shutdown_timeout=30
            ):
                mail_seconds, progress = mail_all(centre, user, document_type, dossiers)
        messages = Message.objects.filter(delivered=True).count()
    finally:
        stop.set()
        thread.join()
        end_worker_sessions()
        connections.close_all()
        teardown_databases(old, verbosity=0)
    letters_per_minute = progress["sent"] / mail_seconds * 60
    conversions_per_minute = LETTERS / convert_seconds * 60
    print(f"  python-docx filling alone: {LETTERS / render_seconds * 60:.0f} letters/min")
    print(
        f"  (b) generated + converted + published: {letters_per_minute:.0f} letters/min "
        f"({progress['sent']} sent, {progress['failed']} failed, in {mail_seconds:.0f} s)"
    )
    print(f"  ratio (b)/(a): {letters_per_minute / conversions_per_minute:.2f}")
    phases = ", ".join(f"{name} after {seconds:.0f} s" for name, seconds in progress["phases"].items())
    print(f"  (b) every letter {phases}")
    if progress["sent"] != LETTERS or messages != LETTERS:
        print(
            f"  FAILED: {progress['sent']} letters sent, {messages} messages in the eBox, {LETTERS} expected"
        )
        return 1
    print("  every letter sent once: one eBox message per letter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
