"""The converter's gate: bytes in, bytes out, for callers that know the shared secret, and nothing else."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import xmlrpc.client
from pathlib import Path
from xmlrpc.server import SimpleXMLRPCServer

import pytest

from documents.conversion import ConverterUnavailable, convert_to_pdf
from documents.converter_gate import MIN_SECRET_LENGTH, ConverterGate, authorization_header
from documents.converter_process import ConverterError, ConverterSupervisor, free_port
from tests import samples

from .conftest import CONVERTER_SECRET

SECRET = "s" * MIN_SECRET_LENGTH
GATE_SCRIPT = Path(__file__).resolve().parents[2] / "documents" / "converter_gate.py"


class FakeUnoserver:
    """Stands in for unoserver behind the gate: records what reaches it, answers a PDF."""

    def __init__(self):
        self.calls = []
        self.server = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
        self.server.register_function(lambda: {"unoserver": "3", "api": "3"}, "info")
        self.server.register_function(self.convert, "convert")
        self.server.register_function(lambda *args: self.calls.append(("compare", args)), "compare")
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def convert(self, *args):
        self.calls.append(("convert", args))
        return xmlrpc.client.Binary(b"%PDF-1.4 converted")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def unoserver():
    fake = FakeUnoserver()
    yield fake
    fake.close()


@pytest.fixture
def gate(unoserver):
    gate = ConverterGate(interface="127.0.0.1", port=0, backend_url=unoserver.url, secret=SECRET)
    threading.Thread(target=gate.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{gate.port}"
    gate.shutdown()


def client(url: str, secret: str | None = SECRET) -> xmlrpc.client.ServerProxy:
    headers = authorization_header(secret) if secret is not None else []
    return xmlrpc.client.ServerProxy(url, allow_none=True, headers=headers)


def convert_args(**changes) -> list:
    args = {
        "inpath": None,
        "indata": xmlrpc.client.Binary(samples.docx_bytes()),
        "outpath": None,
        "convert_to": "pdf",
        "filtername": None,
        "filter_options": [],
        "update_index": False,
        "infiltername": "MS Word 2007 XML",
        "password": None,
    }
    args.update(changes)
    return list(args.values())


def test_gate_forwards_a_conversion_of_bytes_and_returns_the_pdf_bytes(gate, unoserver):
    result = client(gate).convert(*convert_args())

    assert result.data == b"%PDF-1.4 converted"
    [(method, args)] = unoserver.calls
    assert method == "convert" and args[0] is None and args[2] is None and args[3] == "pdf"
    assert args[1].data == samples.docx_bytes()


@pytest.mark.parametrize(
    "changes",
    [
        {"inpath": "/etc/hostname", "indata": None},
        {"outpath": "/tmp/ecrase.pdf"},  # noqa: S108 - the path an attacker would name
        {"inpath": "/etc/hostname", "indata": None, "outpath": "/tmp/copie.pdf"},  # noqa: S108
        {"indata": None},
        {"convert_to": "html"},
        {"filtername": "HTML (StarWriter)"},
        {"filter_options": ["URL=file:///etc/"]},
        {"infiltername": None},  # LibreOffice would guess, and open anything
        {"infiltername": "Text (encoded)"},
        {"password": "secret"},
    ],
    ids=[
        "input-path",
        "output-path",
        "both-paths",
        "no-data",
        "other-format",
        "export-filter",
        "filter-options",
        "guessed-import",
        "other-import",
        "password",
    ],
)
def test_gate_refuses_paths_and_anything_but_bytes_to_pdf(gate, unoserver, changes):
    with pytest.raises(xmlrpc.client.Fault) as refused:
        client(gate).convert(*convert_args(**changes))

    assert "refused by the converter gate" in refused.value.faultString
    assert unoserver.calls == []


@pytest.mark.parametrize("method", ["compare", "system.listMethods"])
def test_gate_offers_no_other_call(gate, unoserver, method):
    proxy = client(gate)
    with pytest.raises(xmlrpc.client.Fault):
        getattr(proxy, method)(None, xmlrpc.client.Binary(b"x"), "/etc/hostname")
    assert unoserver.calls == []


@pytest.mark.parametrize(
    "secret",
    [None, "", "wrong" * 10, SECRET[:-1], SECRET + "x"],
    ids=["none", "empty", "wrong", "shorter", "longer"],
)
def test_gate_refuses_a_caller_without_the_secret_before_reading_its_request(gate, unoserver, secret):
    for call in (lambda proxy: proxy.info(), lambda proxy: proxy.convert(*convert_args())):
        with pytest.raises(xmlrpc.client.ProtocolError) as refused:
            call(client(gate, secret))
        assert refused.value.errcode == 403
    assert unoserver.calls == []


def test_gate_refuses_a_request_larger_than_any_upload(gate, unoserver):
    # Answered 413 from the headers; the connection is closed on the rest of the body.
    with pytest.raises((xmlrpc.client.ProtocolError, ConnectionError)) as refused:
        client(gate).convert(*convert_args(indata=xmlrpc.client.Binary(b"x" * 4 * 1024 * 1024)))
    assert getattr(refused.value, "errcode", 413) == 413
    assert unoserver.calls == []


def test_converter_refuses_to_listen_beyond_the_loopback_without_a_long_secret(settings):
    settings.CONVERTER_SECRET = ""
    with pytest.raises(ConverterError, match="PRIMAWEB_CONVERTER_SECRET"):
        ConverterSupervisor(port=free_port(), interface="0.0.0.0")  # noqa: S104
    with pytest.raises(ConverterError, match="too short"):
        ConverterSupervisor(port=free_port(), interface="0.0.0.0", secret="court")  # noqa: S104
    assert ConverterSupervisor(port=free_port(), interface="0.0.0.0", secret=SECRET)  # noqa: S104


def test_wrong_secret_of_the_worker_is_reported_as_the_converter_refusing_it(gate, settings):
    settings.CONVERTER_URL = gate
    settings.CONVERTER_SECRET = "not-the-converter-secret-" + "x" * 20

    with pytest.raises(ConverterUnavailable, match="refused our secret"):
        convert_to_pdf(data=samples.docx_bytes(), extension="docx")

    settings.CONVERTER_SECRET = SECRET
    assert convert_to_pdf(data=samples.docx_bytes(), extension="docx") == b"%PDF-1.4 converted"


# --- The real converter -----------------------------------------------------------------------------


def test_real_converter_does_not_send_back_a_file_named_by_its_path(converter):
    hostname = Path("/etc/hostname").read_bytes()
    proxy = client(converter, CONVERTER_SECRET)
    for args in (
        convert_args(inpath="/etc/hostname", indata=None, infiltername=None),
        convert_args(inpath="/etc/hostname", indata=None),
    ):
        with pytest.raises(xmlrpc.client.Fault) as refused:
            proxy.convert(*args)
        assert "never named by a path" in refused.value.faultString
        assert hostname.strip().decode() not in refused.value.faultString


def test_real_converter_refuses_a_caller_without_the_secret(converter):
    with pytest.raises(xmlrpc.client.ProtocolError) as refused:
        client(converter, None).convert(*convert_args())
    assert refused.value.errcode == 403


def test_real_converter_listener_itself_is_on_the_loopback_only(converter, converter_work_dir):
    listener = int((converter_work_dir / "listener.pid").read_text())
    command = Path(f"/proc/{listener}/cmdline").read_bytes().split(b"\0")
    assert command[command.index(b"--interface") + 1] == b"127.0.0.1"
    assert str(command[command.index(b"--port") + 1].decode()) not in converter


# --- The container's entry point --------------------------------------------------------------------


POOL_SCRIPT = GATE_SCRIPT.with_name("converter_pool.py")
# Stands in for unoserver in the container's pool: answers on the port it is given, names itself.
FAKE_UNOSERVER = """#!/usr/bin/env python3
import argparse, os, xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer
parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int)
options, _ = parser.parse_known_args()
server = SimpleXMLRPCServer(("127.0.0.1", options.port), logRequests=False, allow_none=True)
server.register_function(lambda: {"unoserver": "3", "api": "3"}, "info")
server.register_function(lambda *args: xmlrpc.client.Binary(b"%%PDF-1.4 pid %d" % os.getpid()), "convert")
server.serve_forever()
"""


def _listener_pids(work_dir: Path) -> list[int]:
    pids = []
    for pid_file in (work_dir / "listener.pid", work_dir / "listener-1" / "listener.pid"):
        try:
            pids.append(int(pid_file.read_text()))
        except (OSError, ValueError):
            pids.append(0)
    return pids


def _until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


POOL_ENV = {
    "PATH": os.environ["PATH"],
    "PRIMAWEB_CONVERTER_SECRET": SECRET,
    "PRIMAWEB_CONVERTER_LISTENERS": "2",
}


def _start_pool(tmp_path: Path, port: int) -> subprocess.Popen:
    """The container's entry point, on Debian's Python without the project's packages (-I: not even the
    project's folder on the path), with two listeners that stand in for unoserver."""
    fake = tmp_path / "unoserver"
    # An interpreter named directly (not through env or a shim): the process is then named « unoserver ».
    fake.write_text(FAKE_UNOSERVER.replace("/usr/bin/env python3", sys.executable, 1))
    fake.chmod(0o755)
    return subprocess.Popen(  # noqa: S603
        [shutil.which("python3"), "-I", str(POOL_SCRIPT), "--interface", "0.0.0.0", "--port", str(port)]
        + ["--unoserver", str(fake), "--work-dir", str(tmp_path / "converter"), "--memory-limit", "0"],
        env=POOL_ENV,
        cwd=tmp_path,
    )


def _pool_answers(url: str) -> bool:
    ping = [shutil.which("python3"), "-I", str(GATE_SCRIPT), "--ping", url]
    return subprocess.run(ping, env=POOL_ENV, check=False).returncode == 0  # noqa: S603


def _dead(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:  # reaped
        return True


@pytest.fixture
def pool_folder(tmp_path):
    """The test's folder; afterwards, any stand-in listener still running from it is killed (a pool
    stopped mid-way must not leave them to the rest of the suite)."""
    yield tmp_path
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError, ValueError):
            if f"{tmp_path}/".encode() in cmdline.read_bytes():
                os.kill(int(cmdline.parent.name), signal.SIGKILL)


@pytest.mark.skipif(not shutil.which("python3"), reason="needs a system python3")
def test_container_entry_point_runs_a_supervised_pool_on_the_standard_library(pool_folder):
    tmp_path = pool_folder
    # The converter's image runs the pool with Debian's Python, sized by PRIMAWEB_CONVERTER_LISTENERS.
    work_dir, port = tmp_path / "converter", free_port()
    pool = _start_pool(tmp_path, port)
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        return _pool_answers(url)

    try:
        assert _until(lambda: healthy() and all(_listener_pids(work_dir)), 30), "the pool did not answer"
        first, second = _listener_pids(work_dir)
        assert first != second
        # Each listener has its own LibreOffice profile, with macros off.
        for profile in (work_dir / "profile", work_dir / "listener-1" / "profile"):
            assert "DisableMacrosExecution" in (profile / "user" / "registrymodifications.xcu").read_text()
        assert client(url).convert(*convert_args()).data.startswith(b"%PDF-1.4 pid ")
        with pytest.raises(xmlrpc.client.ProtocolError):
            client(url, None).info()

        # One listener dies: the pool starts it again, and the gate converts meanwhile with the other.
        os.killpg(first, signal.SIGKILL)
        assert client(url).convert(*convert_args()).data == b"%PDF-1.4 pid " + str(second).encode()
        assert _until(lambda: _listener_pids(work_dir)[0] not in (0, first) and healthy(), 30)
        assert client(url).convert(*convert_args()).data.startswith(b"%PDF-1.4 pid ")

        pool.send_signal(signal.SIGTERM)  # docker stop: the pool ends with its listeners
        assert pool.wait(20) == 0
        for pid in (second, *_listener_pids(work_dir)):
            assert _dead(pid)
    finally:
        pool.kill()
        pool.wait()


@pytest.mark.skipif(not shutil.which("python3"), reason="needs a system python3")
def test_a_pool_killed_outright_leaves_listeners_that_the_next_start_kills(pool_folder):
    tmp_path = pool_folder
    # SIGKILL (the OOM killer, kill -9) gives the supervisor no chance to stop its listeners, each in a
    # session of its own; the next pool on the same folder finds them by their pid files and kills them
    # before it starts its own.
    work_dir, port, orphans = tmp_path / "converter", free_port(), []
    first_pool = _start_pool(tmp_path, port)
    try:
        assert _until(lambda: _pool_answers(f"http://127.0.0.1:{port}") and all(_listener_pids(work_dir)), 30)
        orphans = _listener_pids(work_dir)
        assert all(Path(f"/proc/{pid}/comm").read_text().strip() == "unoserver" for pid in orphans)
        first_pool.kill()
        first_pool.wait()
        assert not any(_dead(pid) for pid in orphans), "the listeners died with their supervisor"

        port = free_port()
        second_pool = _start_pool(tmp_path, port)
        try:
            assert _until(lambda: _pool_answers(f"http://127.0.0.1:{port}"), 30)
            assert all(_dead(pid) for pid in orphans)
            assert set(_listener_pids(work_dir)).isdisjoint(orphans)
        finally:
            second_pool.terminate()
            second_pool.wait(20)
    finally:
        first_pool.kill()
        first_pool.wait()
