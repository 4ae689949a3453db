"""eBox publishing: a steady stream of publications sent by one worker to the eBox simulator over HTTP,
without then with faults, at the real retry clock.

After WARM_UP untimed publications (which also size the stream), run (a) queues a stream of registered
documents to citizens whose eBox is activated, with no fault injected; run (b) the same while 20 % of the
calls fail in ways that prove nothing was stored, which the task retries (7 % connection refused, 8 % 503
with Retry-After, 5 % 429 with Retry-After). Each stream is long enough that the worker always has work
during the measuring window, from WINDOW_START to WINDOW_END seconds after it was queued: the throughput
is the publications settled inside that window per second, once the first retries have come round, so
neither the start nor the last, longest retry wait of a batch decides it. Prints both and their ratio
(b)/(a). Run (c), apart, loses answers after the body left (dropped connections, a 503 after storing): on
API 2.1 such a publication is « envoi à vérifier », never sent again; counted, not timed.

Then PROVES, from the database, that every publication settled (sent, « bénéficiaire sans eBox »,
« envoi à vérifier », or « envoi échoué » with its reason in the document's history: none left pending or
sending) and that the simulator holds no duplicate: at most one message per document (API 2.1 keeps no
Idempotency-Key, so a message is matched to its publication by its recipient), each sent publication's
message under the id Primaweb recorded, as many delivered messages as sent publications (and those « à
vérifier », which may have been stored) and no other message. Exits 1 when the proof fails.

The worker is a real Celery worker thread (solo pool: one task at a time) consuming the in-memory broker
of the test settings and running `ebox.tasks.send_publication` unchanged, queued by `publication_request`
as the « Envoyer vers eBox » button does. A retry is the task's own (`self.retry(countdown=...)`): the
worker takes other publications while it waits. BENCH_CLOCK multiplies every countdown (1, the real
clock, by default). The simulator is served by Django's runserver WSGI server in one thread, so that an
injected dropped connection is a real socket shutdown; a refused connection is a real one too, to a port
where nothing listens.

Runs on a throw-away database: PostgreSQL when DATABASE_URL points at one (as `make bench` does), SQLite
otherwise. Usage: python bench/bench_ebox.py; BENCH_WINDOW=10 for a quicker, rougher run.
"""

import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primaweb.settings.test")
os.environ.setdefault("PRIMAWEB_VAR_DIR", tempfile.mkdtemp(prefix="primaweb-bench-"))
# The server thread keeps its database connection, as a production web worker would (the Celery worker
# closes its own around every task, as Celery's Django fixup does in production).
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
# Tasks go through the broker to the worker thread, not run eagerly in the caller.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")  # not one line per retry

from bench.own_database import use_own_database  # noqa: E402

use_own_database()

import django  # noqa: E402

django.setup()

from celery.contrib.testing.worker import start_worker  # noqa: E402
from celery.signals import task_postrun  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from bench.ebox_rig import InjectedFaults, Recorder, Settled, make_documents, start_server  # noqa: E402
from ebox import client, services  # noqa: E402
from primaweb.celery import app  # noqa: E402
from simulators.ebox import faults  # noqa: E402

CLOCK = float(os.environ.get("BENCH_CLOCK", "1"))
# The measuring window, in seconds after the stream was queued: it opens once the first retries (5-10 s
# after their failure, Retry-After as a floor) come round, and the stream lasts beyond its end.
WINDOW = float(os.environ.get("BENCH_WINDOW", "20"))
# (a) then (b), this many times: the machine is shared, and its load changes from one minute to the next.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
WINDOW_START = 15.0
WINDOW_END = WINDOW_START + WINDOW
# Enough to drain the slowest retries (the fourth waits 40-80 s) after the stream.
PHASE_TIMEOUT = float(os.environ.get("BENCH_PHASE_TIMEOUT", "300"))
WARM_UP = 20  # sent untimed before (a): the first calls are slower; their rate sizes the streams
STREAM_ATTEMPTS = 3  # a stream that ran out inside its window is not a steady figure: run a longer one
LOST_ANSWERS = 40  # run (c)
# Faults that prove nothing was stored: retried, never « à vérifier ».
REFUSED_SHARE = 0.07
FAULTS = {
    "error_503_share": 0.08,
    "throttle_share": 0.05,
    "retry_after_seconds": 1,
    "latency_ms": 0,
    "seed": 1,
}
# Answers lost after the publication was stored (or may have been): « à vérifier » on API 2.1.
LOST = {"drop_share": 0.05, "fail_after_store_share": 0.05, "drop_after_store_share": 0.05, "seed": 2}
API_PATH = "/simulators/ebox/api/publication/v2.1"
TOKEN_PATH = "/simulators/ebox/oauth2/token"


def run(
    documents, user, fault_settings: dict, settled: Settled, recorder: Recorder, refused: float = 0.0
) -> dict:
    """Requests every publication in one transaction (the tasks leave at its commit), then waits for the
    worker to settle them all. The rate is that of the publications settled inside the window; the
    whole run's, from the first task queued to the last one settled, is given too."""
    from ebox.models import Publication

    settings.EBOX_SIMULATOR_FAULTS = fault_settings
    faults.random_reset()
    recorder.reset()
    recorder.refused_share = refused
    queued_at: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: queued_at.append(time.perf_counter()))
        ids = [
            services.publication_request(document=document, language=None, by=user).pk
            for document in documents
        ]
    complete = settled.wait(ids, PHASE_TIMEOUT)
    end = max((settled.at[pk] for pk in ids if pk in settled.at), default=time.perf_counter())
    if not complete:
        end = time.perf_counter()
    recorder.refused_share = 0.0
    elapsed = end - queued_at[0]
    start, stop = queued_at[0] + WINDOW_START, queued_at[0] + WINDOW_END
    in_window = sum(start <= settled.at.get(pk, 0) < stop for pk in ids)
    # The window is steady only while fresh publications remain: the last one settled after it ends.
    steady = max((settled.at.get(pk, 0) for pk in ids), default=0) >= stop
    states = Counter(Publication.objects.filter(pk__in=ids).values_list("state", flat=True))
    attempts = sum(Publication.objects.filter(pk__in=ids).values_list("attempts", flat=True))
    return {
        "ids": ids,
        "complete": complete,
        "elapsed": elapsed,
        "rate": in_window / WINDOW,
        "whole_rate": len(ids) / elapsed,
        "steady": steady,
        "states": states,
        "attempts": attempts,
        "calls": Counter(recorder.calls),
        "waits": list(recorder.waits),
    }


def prove(ids: list[int], settled: Settled) -> tuple[list[str], dict]:
    """Every publication settled, and the simulator holds one message per sent publication, none more.

    Returns the problems found (none when the proof holds) and the counts behind them."""
    from documents.models import DocumentEvent
    from ebox.models import Publication
    from simulators.ebox.models import Message

    problems = []
    publications = list(Publication.objects.filter(pk__in=ids))
    events: dict[int, Counter] = {}
    reasons: dict[int, list[str]] = {}
    for document_id, kind, details in DocumentEvent.objects.filter(
        document_id__in=[publication.document_id for publication in publications],
        kind__in=[DocumentEvent.Kind.SENT, DocumentEvent.Kind.SEND_FAILED],
    ).values_list("document_id", "kind", "details"):
        events.setdefault(document_id, Counter())[kind] += 1
        if kind == DocumentEvent.Kind.SEND_FAILED:
            reasons.setdefault(document_id, []).append((details or {}).get("reason", ""))
    messages = list(Message.objects.values_list("recipient_niss", "message_id", "delivered"))
    # API 2.1 ignores the Idempotency-Key (the simulator keeps none): a message is matched to its
    # publication by its recipient, one document per citizen here.
    by_recipient = Counter(recipient for recipient, _, _ in messages)
    message_of = {recipient: (message_id, delivered) for recipient, message_id, delivered in messages}
    sent_states = (Publication.State.SENT, Publication.State.READ)

    for pk, crash in settled.crashed.items():
        problems.append(f"publication {pk}: its task crashed ({crash})")
    for publication in publications:
        label = f"publication {publication.pk} ({publication.attempts} attempts)"
        recipient = publication.recipient_niss
        if publication.state in Publication.OPEN_STATES:
            problems.append(f"{label} stuck in {publication.state!r}, last error {publication.last_error!r}")
        elif publication.state == Publication.State.FAILED:
            if not publication.last_error.strip():
                problems.append(f"{label} failed without a reason")
            if not any(reason.strip() for reason in reasons.get(publication.document_id, [])):
                problems.append(f"{label} failed but its document's history shows no « envoi échoué » reason")
            if message_of.get(recipient, (0, False))[1]:
                problems.append(f"{label} is « envoi échoué » but the citizen's eBox holds its message")
        if by_recipient[publication.recipient_niss] > 1:
            problems.append(f"{label}: {by_recipient[publication.recipient_niss]} messages for its document")
        if publication.state in sent_states:
            stored = message_of.get(recipient)
            if stored is None:
                problems.append(f"{label} is sent but the simulator has no message for its recipient")
            elif stored[0] != publication.message_id:
                problems.append(
                    f"{label} recorded message {publication.message_id}, the simulator has {stored[0]}"
                )
            elif not stored[1]:
                problems.append(f"{label} is sent but its message reached no eBox (NO_DIGITAL_USER)")
            if events.get(publication.document_id, Counter())[DocumentEvent.Kind.SENT] != 1:
                problems.append(f"{label}: the document's history does not show exactly one « envoyé »")
        elif publication.state == Publication.State.NO_DIGITAL_USER and message_of.get(recipient, (0, 0))[1]:
            problems.append(f"{label} is « sans eBox » but its message was delivered")
    recipients = {publication.recipient_niss for publication in publications}
    strays = [recipient for recipient, _, _ in messages if recipient not in recipients]
    if strays:
        problems.append(f"{len(strays)} simulator messages for no publication's recipient")
    sent = sum(publication.state in sent_states for publication in publications)
    # An answer lost after the body left: the message may be stored (once), which is what « à vérifier »
    # asks a person to check; it is never sent again.
    to_verify = [
        publication for publication in publications if publication.state == Publication.State.TO_VERIFY
    ]
    stored_to_verify = sum(publication.recipient_niss in message_of for publication in to_verify)
    delivered_to_verify = sum(message_of.get(p.recipient_niss, (0, False))[1] for p in to_verify)
    delivered = sum(is_delivered for _, _, is_delivered in messages)
    if delivered != sent + delivered_to_verify:
        problems.append(
            f"{delivered} messages delivered to an eBox for {sent} sent publications "
            f"and {delivered_to_verify} « à vérifier » whose message was stored"
        )
    # The simulator also keeps (undelivered) the message of each « bénéficiaire sans eBox » answer.
    no_ebox = sum(publication.state == Publication.State.NO_DIGITAL_USER for publication in publications)
    if len(messages) != sent + no_ebox + stored_to_verify:
        problems.append(
            f"{len(messages)} simulator messages for {sent} sent publications, {no_ebox} without an eBox "
            f"and {stored_to_verify} « à vérifier » stored"
        )
    figures = {
        "publications": len(publications),
        "states": Counter(publication.state for publication in publications),
        "messages": len(messages),
        "delivered": delivered,
        "most_per_document": max(by_recipient.values(), default=0),
        "to_verify": len(to_verify),
        "stored_to_verify": stored_to_verify,
    }
    return problems, figures


def describe(label: str, figures: dict) -> None:
    calls = ", ".join(f"{name}: {count}" for name, count in figures["calls"].most_common())
    states = ", ".join(f"{state} {count}" for state, count in sorted(figures["states"].items()))
    waits = figures["waits"]
    print(
        f"  {label}: {figures['rate']:.1f} publications/s settled from {WINDOW_START:g} to {WINDOW_END:g} s"
        + ("" if figures["steady"] else " (NOT STEADY: the stream ran out inside the window)")
        + f"; all {len(figures['ids'])} in {figures['elapsed']:.1f} s ({figures['whole_rate']:.1f}/s)"
        + ("" if figures["complete"] else f" (NOT all settled after {PHASE_TIMEOUT:.0f} s)")
    )
    print(f"      {figures['attempts']} attempts, publishMessage answers: {calls}; states: {states}")
    if waits:
        print(
            f"      {len(waits)} retries; back-off asked {sum(waits):.0f} s in all "
            f"(longest {max(waits):.1f} s), waited {sum(waits) * CLOCK:.2f} s at clock x{CLOCK:g}"
        )


def main() -> int:
    from tests.ebox_onboarding import use_platform_key
    from tests.workers import end_worker_sessions

    db = connections.settings["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # A file, not the shared in-memory database: three threads write to it, waiting on its lock.
        db.setdefault("TEST", {})["NAME"] = str(Path(os.environ["PRIMAWEB_VAR_DIR"]) / "bench_ebox.sqlite3")
    logging.getLogger("django.request").addFilter(InjectedFaults())
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # memory:// has no host name
    random.seed(2026)  # the back-off jitter
    use_platform_key(settings)
    settled, recorder = Settled(), Recorder(clock=CLOCK, api_path=API_PATH)
    recorder.install()
    task_postrun.connect(settled.on_postrun, weak=False)
    app.conf.update(task_always_eager=False)

    old = setup_databases(verbosity=0, interactive=False)
    base_url, stop, thread = start_server()
    try:
        vendor = connection.vendor
        settings.EBOX_API_URL = f"{base_url}{API_PATH}"
        settings.EBOX_TOKEN_URL = f"{base_url}{TOKEN_PATH}"
        settings.EBOX_FEDERATION_URL = f"{base_url}/simulators/ebox/api/federation/v1"
        client.forget_token()
        warm_documents, user = make_documents(WARM_UP)
        print(
            f"eBox publishing, {vendor}, one Celery worker (solo pool), simulator over HTTP, retry clock "
            f"x{CLOCK:g}; streams (a) without and (b) with faults, alternated {ROUNDS} times, each measured "
            f"from {WINDOW_START:g} to {WINDOW_END:g} s after it was queued; load average "
            f"{os.getloadavg()[0]:.1f} (a shared machine):",
            flush=True,
        )
        share = REFUSED_SHARE + sum(FAULTS[name] for name in FAULTS if name.endswith("_share"))
        phases = {
            "a": ("no fault", {}, 0.0),
            "b": (f"{share:.0%} faults, nothing stored", FAULTS, REFUSED_SHARE),
        }
        results = {"a": [], "b": []}
        every_run = []  # each stream's figures, those run again included: the proof covers them all
        offset = WARM_UP
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            warm = run(warm_documents, user, {}, settled, recorder)
            rate = warm["whole_rate"]
            for round_ in range(ROUNDS):
                for key, (label, fault_settings, refused) in phases.items():
                    sizing = rate
                    for _attempt in range(STREAM_ATTEMPTS):
                        # Long enough to keep the worker busy past the window (documents made untimed).
                        stream = int(sizing * (WINDOW_END + 5) * 1.3) + 30
                        documents, user = make_documents(stream, first=offset)
                        offset += stream
                        figures = run(documents, user, fault_settings, settled, recorder, refused)
                        describe(f"({key}) {label}, round {round_ + 1}, stream of {stream}", figures)
                        every_run.append(figures)
                        rate = max(rate, figures["rate"], figures["whole_rate"])
                        if figures["steady"]:
                            break
                        sizing = 2 * max(sizing, rate)  # the stream ran out inside the window: longer
                    results[key].append(figures)
            lost_documents, user = make_documents(LOST_ANSWERS, first=offset)
            lost = run(lost_documents, user, LOST, settled, recorder)
        clean = statistics.mean(figures["rate"] for figures in results["a"])
        faulty = statistics.mean(figures["rate"] for figures in results["b"])
        clock = "the real clock (goal >= 0.7)" if CLOCK == 1 else f"clock x{CLOCK:g}"
        unsteady = sum(not figures["steady"] for figures in results["a"] + results["b"])
        print(
            f"  steady throughput: (a) {clean:.1f}/s, (b) {faulty:.1f}/s; "
            f"ratio (b)/(a): {faulty / clean:.2f} at {clock}"
            + (f" (NOT STEADY: {unsteady} streams ran out inside their window)" if unsteady else "")
        )
        lost_states = ", ".join(f"{state} {count}" for state, count in sorted(lost["states"].items()))
        print(f"  (c) {len(lost['ids'])} with answers lost after the body left: {lost_states}")
        ids = warm["ids"] + lost["ids"]
        for figures in every_run:
            ids += figures["ids"]
        problems, proof = prove(ids, settled)
    finally:
        stop.set()
        thread.join()
        end_worker_sessions()  # the worker thread kept its connection (CONN_MAX_AGE)
        connections.close_all()
        teardown_databases(old, verbosity=0)

    states = ", ".join(f"{state} {count}" for state, count in sorted(proof["states"].items()))
    print(
        f"  proof: {proof['publications']} publications: {states}; simulator: {proof['messages']} messages "
        f"({proof['delivered']} delivered), "
        f"at most {proof['most_per_document']} per document; "
        f"{proof['to_verify']} « envoi à vérifier » ({proof['stored_to_verify']} of them stored)"
    )
    if problems:
        print(f"  PROOF FAILED, {len(problems)} problems:")
        for problem in problems[:30]:
            print(f"    - {problem}")
        return 1
    print(
        "  proof holds: none stuck, every failure has its reason, 0 duplicates, messages == sent publications"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
