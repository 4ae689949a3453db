"""Two of everything on this machine: two web servers, two Celery workers (each with a working folder of
its own), two converters and two beats, sharing only PostgreSQL, Redis and the S3 server. An upload on web
A is converted by whichever worker takes it, served by web B and sent to the eBox; a session opened on A
is valid on B; one worker and one converter killed mid-batch (SIGKILL) leave the work to the others."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import requests
from django.db import connection
from django.urls import reverse

from documents.conversion import converter_answers
from documents.converter_listener import kill_orphaned_listener
from documents.models import Document
from ebox.models import Publication
from tests import samples
from tests.documents.conftest import CONVERTER_SECRET
from tests.ebox_onboarding import PLATFORM_CLIENT_ID, key_pair, onboard, simulator_publisher
from tests.factories import (
    PASSWORD,
    CentreFactory,
    DocumentTypeFactory,
    DossierFactory,
    MembershipFactory,
    PersonFactory,
)
from tests.s3 import free_port

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parent.parent
# A Redis database of its own: the cluster's broker, cache and beat lock, emptied before and after.
CLUSTER_REDIS_URL = os.environ.get("PRIMAWEB_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/14")
BATCH = 8


class Cluster:
    def __init__(self, root: Path, environment: dict[str, str]):
        self.root, self.environment, self.processes = root, environment, {}

    def start(self, name: str, *command: str) -> None:
        """Starts `command` as role `name`, in a process group of its own, with a PRIMAWEB_VAR_DIR of its
        own: nothing on a local disk is shared."""
        var_dir = self.root / name
        var_dir.mkdir()
        log = open(var_dir / "log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = (
            subprocess.Popen(  # noqa: S603 - our own commands
                command,
                cwd=BASE_DIR,
                env={**self.environment, "PRIMAWEB_VAR_DIR": str(var_dir)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            ),
            log,
        )

    def kill(self, name: str) -> None:
        process, _log = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def log(self, name: str) -> str:
        return (self.root / name / "log").read_text(errors="replace")

    def stop(self) -> None:
        for process, _log in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process, log in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
            log.close()
        # A converter killed outright (SIGKILL) cannot take its listeners along: each runs in a session
        # of its own, named by a pid file in the converter's folder.
        for pid_file in self.root.glob("*/converter/**/listener.pid"):
            kill_orphaned_listener(pid_file)

    def leftovers(self) -> list[str]:
        """The command lines of living processes that still use the cluster's folders."""
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            with contextlib.suppress(OSError):
                command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if f"{self.root}/" in command:
                    found.append(command.strip())
        return found


def wait_until(condition, *, timeout: float, what: str, cluster: Cluster | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.25)
    logs = ""
    if cluster is not None:
        logs = "\n".join(f"--- {name}\n{cluster.log(name)[-3000:]}" for name in cluster.processes)
    raise AssertionError(f"{what}: not within {timeout:g} s\n{logs}")


def answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/connexion/", timeout=10).status_code == 200
    except requests.RequestException:
        return False


def database_url() -> str:
    db = connection.settings_dict
    where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{where}/{db['NAME']}"


@pytest.fixture
def cluster_redis():
    client = redis.Redis.from_url(CLUSTER_REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {CLUSTER_REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def cluster(transactional_db, cluster_redis, s3_server, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("several processes share the database: PostgreSQL only")
    settings.CONVERTER_SECRET = CONVERTER_SECRET  # for this process's check that the converters answer
    # The password is checked by the web processes, with the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    web_a, web_b = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
    converters = [free_port(), free_port()]
    bucket = s3_server.new_bucket("cluster")
    keys = key_pair()
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "REDIS_", "PRIMAWEB_", "DJANGO_", "CELERY_", "EBOX_", "DATABASE_"))
        and key not in ("SECRET_KEY", "DEBUG")
    }
    environment = {
        **inherited,
        **s3_server.environment(bucket),
        "DJANGO_SETTINGS_MODULE": "primaweb.settings.dev",
        # The same signing key everywhere: a session signed by one web is read by the other.
        "SECRET_KEY": "cluster-test-secret-key-" + "x" * 40,
        "DATABASE_URL": database_url(),
        "REDIS_URL": CLUSTER_REDIS_URL,
        "PRIMAWEB_SITE_URL": web_a,
        "PRIMAWEB_CONVERTER_URL": ",".join(f"http://127.0.0.1:{port}" for port in converters),
        "PRIMAWEB_CONVERTER_SECRET": CONVERTER_SECRET,
        "PRIMAWEB_CONVERTER_LISTENERS": "1",
        "PRIMAWEB_CONVERTER_WAIT": "5",
        "PRIMAWEB_CONVERSION_TIMEOUT": "30",
        # Short leases and sweeps: a killed worker's documents are taken back within seconds.
        "PRIMAWEB_CONVERSION_LEASE_SECONDS": "5",
        "PRIMAWEB_CONVERSION_SWEEP_SECONDS": "2",
        "EBOX_LEASE_SECONDS": "20",
        "EBOX_SWEEP_SECONDS": "2",
        "EBOX_QUEUE_GRACE": "5",
        "PRIMAWEB_BEAT_LOCK_SECONDS": "3",
        "EBOX_CLIENT_ID": PLATFORM_CLIENT_ID,
        "EBOX_PRIVATE_KEY": keys.private_key,
        "EBOX_CERTIFICATE": keys.certificate,
        "PRIMAWEB_SIMULATORS": "true",
        "LOG_LEVEL": "INFO",
    }
    running = Cluster(tmp_path, environment)
    python, bin_dir = sys.executable, Path(sys.executable).parent
    try:
        for name, port in zip(("converter-a", "converter-b"), converters, strict=True):
            running.start(name, python, "manage.py", "run_converter", "--port", str(port), "--listeners", "1")
        for name, url in (("web-a", web_a), ("web-b", web_b)):
            running.start(
                name,
                str(bin_dir / "gunicorn"),
                "primaweb.wsgi:application",
                "--bind",
                url.removeprefix("http://"),
                "--workers",
                "1",
                "--threads",
                "4",
            )
        for name in ("worker-a", "worker-b"):
            running.start(
                name,
                str(bin_dir / "celery"),
                "-A",
                "primaweb",
                "worker",
                "--pool",
                "solo",
                "--hostname",
                f"{name}@%h",
                "--loglevel",
                "INFO",
            )
        for name in ("beat-a", "beat-b"):
            running.start(name, str(bin_dir / "celery"), "-A", "primaweb", "beat", "--loglevel", "INFO")
        for url in (web_a, web_b):
            wait_until(lambda url=url: answers(url), timeout=60, what=f"web {url}", cluster=running)
        for port in converters:
            wait_until(
                lambda port=port: converter_answers(url=f"http://127.0.0.1:{port}", timeout=2),
                timeout=90,
                what=f"converter {port}",
                cluster=running,
            )
        for name in ("worker-a", "worker-b"):
            ready = lambda name=name: " ready." in running.log(name)  # noqa: E731
            wait_until(ready, timeout=60, what=name, cluster=running)
        running.web_a, running.web_b = web_a, web_b
        yield running
    finally:
        running.stop()
    assert running.leftovers() == [], "processes of the cluster outlived it"


def csrf(session: requests.Session) -> dict[str, str]:
    return {"X-CSRFToken": session.cookies["csrftoken"]}


def sign_in(session: requests.Session, web: str, username: str) -> requests.Response:
    page = session.get(f"{web}/connexion/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{web}/connexion/",
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": f"{web}/connexion/"},
        timeout=10,
    )


def statuses() -> list[str]:
    return list(Document.objects.across_centres(reason="test").values_list("status", flat=True))


def test_two_webs_two_workers_two_converters_share_only_the_database_redis_and_s3(cluster, s3_server):
    from simulators.ebox import services as simulator

    centre = CentreFactory()
    membership = MembershipFactory(centre=centre)
    membership.user.set_password(PASSWORD)
    membership.user.save()
    dossier = DossierFactory(centre=centre, beneficiary=PersonFactory(centre=centre))
    decision = DocumentTypeFactory(centre=centre)
    onboard(centre)
    simulator_publisher()
    simulator.citizen_activate(
        citizen=simulator.citizen_sign_in(niss=dossier.beneficiary.niss),
        email="citoyen@example.org",
        language="fr",
        notifications=False,
    )

    # A session opened on web A is valid on web B.
    browser = requests.Session()
    signed_in = sign_in(browser, cluster.web_a, membership.user.username)
    assert signed_in.status_code == 200 and "/connexion/" not in signed_in.url
    home_on_b = browser.get(f"{cluster.web_b}{reverse('primaweb:home')}", timeout=10)
    assert home_on_b.status_code == 200 and "/connexion/" not in home_on_b.url

    # A batch of uploads through web A; one worker and one converter die as it is converted.
    for number in range(BATCH):
        response = browser.post(
            f"{cluster.web_a}{reverse('documents:upload', args=[dossier.pk])}",
            {"document_type": decision.pk},
            files={"file": (f"courrier-{number}.docx", samples.docx_bytes(f"Courrier numéro {number}"))},
            headers=csrf(browser),
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
    first = lambda: Document.Status.REGISTERED in statuses()  # noqa: E731
    wait_until(first, timeout=60, what="a first conversion", cluster=cluster)
    cluster.kill("worker-a")
    cluster.kill("converter-a")
    assert statuses().count(Document.Status.REGISTERED) < BATCH, "the batch was over before the kills"
    wait_until(
        lambda: statuses().count(Document.Status.REGISTERED) == BATCH,
        timeout=90,
        what="every conversion, by the surviving pair",
        cluster=cluster,
    )
    assert "convert_document" in cluster.log("worker-b") and "succeeded" in cluster.log("worker-b")

    # Served by web B from the bucket, byte for byte.
    objects = s3_server.client()
    bucket = cluster.environment["AWS_STORAGE_BUCKET_NAME"]
    documents = list(Document.objects.across_centres(reason="test").order_by("pk"))
    for document in documents:
        served = browser.get(f"{cluster.web_b}{reverse('documents:pdf', args=[document.pk])}", timeout=10)
        assert served.status_code == 200 and served.content.startswith(b"%PDF-")
        assert served.content == objects.get_object(Bucket=bucket, Key=document.pdf.name)["Body"].read()
    assert not any((cluster.root / name / "media").exists() for name in cluster.processes)

    # Sent to the eBox from web B, by the surviving worker.
    for document in documents[:3]:
        response = browser.post(
            f"{cluster.web_b}{reverse('ebox:send', args=[document.pk])}",
            headers=csrf(browser),
            timeout=10,
            allow_redirects=False,
        )
        assert response.status_code == 302
    wait_until(
        lambda: (
            Publication.objects.across_centres(reason="test").filter(state=Publication.State.SENT).count()
            == 3
        ),
        timeout=60,
        what="three publications sent",
        cluster=cluster,
    )

    # One beat ran; the other waited for its lock.
    waiting = [name for name in ("beat-a", "beat-b") if "waits to take over" in cluster.log(name)]
    assert len(waiting) == 1
