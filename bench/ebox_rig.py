"""The rig of bench_ebox.py: the simulator served over a real socket, the worker's settled tasks, what the
eBox client saw of each call (with refused connections injected), and the documents to send.

Imported by bench_ebox.py once Django is set up.
"""

import logging
import random
import socket
import threading
import time
from collections import Counter
from wsgiref.simple_server import make_server

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connections

from ebox import client, tasks
from simulators.ebox import faults


def closed_port() -> int:
    """A local port nothing listens on (bound then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class InjectedFaults(logging.Filter):
    """Hides Django's log line for each failure the simulator injects on purpose (and for the 409 that
    answers the retry of a message stored before its 503): expected here by the dozen."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], faults.ConnectionDropped):
            return False
        request = getattr(record, "request", None)
        return not (
            getattr(record, "status_code", None) in (409, 429, 503)
            and request is not None
            and request.path.startswith(
                ("/simulators/ebox/api/publication/", "/simulators/ebox/api/federation/")
            )
        )


def start_server():
    """runserver's single-threaded WSGI server on a free local port, serving until `stop` is set.

    Its request handler gives the simulator the client's socket, so a dropped connection is a real one."""
    server = make_server("127.0.0.1", 0, WSGIHandler(), server_class=WSGIServer, handler_class=QuietHandler)
    server.timeout = 0.2
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            server.handle_request()
        connections.close_all()  # this thread's connection, before the test database is dropped
        server.server_close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", stop, thread


class Settled:
    """Filled from the worker thread: when each publication's task ended other than by a retry."""

    def __init__(self):
        self.condition = threading.Condition()
        self.at: dict[int, float] = {}
        self.crashed: dict[int, str] = {}

    def on_postrun(self, sender=None, args=None, retval=None, state=None, **kwargs):
        if sender is None or sender.name != tasks.send_publication.name or state == "RETRY":
            return
        with self.condition:
            self.at[args[0]] = time.perf_counter()
            if state != "SUCCESS":  # an exception the task does not handle: no retry will come
                self.crashed[args[0]] = f"{state}: {retval!r}"
            self.condition.notify_all()

    def wait(self, ids: list[int], timeout: float) -> bool:
        with self.condition:
            return self.condition.wait_for(lambda: all(pk in self.at for pk in ids), timeout)


class Recorder:
    """What the client saw of each publishMessage call, and the back-off the task asked for."""

    def __init__(self, *, clock: float, api_path: str):
        self.clock = clock
        self.calls: Counter = Counter()
        self.waits: list[float] = []
        self.refused_share = 0.0
        self.refused_url = f"http://127.0.0.1:{closed_port()}{api_path}"
        self._random = random.Random(3)
        self._publish = client.publish
        self._retry_delay = tasks.retry_delay

    def publish(self, **kwargs):
        refused = self._random.random() < self.refused_share
        try:
            if refused:  # the real client, to a port where nothing listens: a real refused connection
                api_url, settings.EBOX_API_URL = settings.EBOX_API_URL, self.refused_url
                try:
                    result = self._publish(**kwargs)
                finally:
                    settings.EBOX_API_URL = api_url
            else:
                result = self._publish(**kwargs)
        except client.EboxTransientError as exc:
            self.calls["connection refused" if refused else str(exc).split(":")[0]] += 1
            raise
        except client.EboxRejected as exc:
            self.calls[f"refused {exc.code}"] += 1
            raise
        self.calls["409 (already stored)" if result.duplicate else "201"] += 1
        return result

    def retry_delay(self, retries: int, retry_after: float | None = None) -> float:
        delay = self._retry_delay(retries, retry_after)
        self.waits.append(delay)
        return delay * self.clock

    def install(self) -> None:
        client.publish = self.publish
        tasks.retry_delay = self.retry_delay

    def reset(self) -> None:
        self.calls.clear()
        self.waits.clear()


def niss(index: int) -> str:
    from tests.factories import niss_for

    return niss_for(f"8501{1 + index // 900:02d}", 2 + index % 900)


def make_documents(count: int, first: int = 0):
    """`count` registered documents, each in the dossier of its own citizen, who has activated their eBox."""
    from simulators.ebox import services as simulator
    from tests import factories
    from tests.ebox_onboarding import onboard

    centre, user = factories.CentreFactory(), factories.UserFactory()
    onboard(centre)
    document_type = factories.DocumentTypeFactory(centre=centre)
    documents = []
    for index in range(first, first + count):
        person = factories.PersonFactory(centre=centre, niss=niss(index))
        dossier = factories.DossierFactory(centre=centre, beneficiary=person, created_by=user)
        documents.append(factories.document_in(centre, dossier=dossier, document_type=document_type))
        citizen = simulator.citizen_sign_in(niss=person.niss)
        simulator.citizen_activate(citizen=citizen, email="", language="fr", notifications=False)
    return documents, user
