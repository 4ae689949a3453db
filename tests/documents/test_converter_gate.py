"""The converter's gate: bytes in, bytes out, for callers that know the shared secret, and nothing else."""

import os
import shutil
import subprocess
import threading
import time
import xmlrpc.client
from pathlib import Path
from xmlrpc.server import SimpleXMLRPCServer

import pytest

from documents import samples
from documents.conversion import ConverterUnavailable, convert_to_pdf
from documents.converter_gate import MIN_SECRET_LENGTH, ConverterGate, authorization_header
from documents.converter_process import ConverterError, ConverterSupervisor, free_port

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


FAKE_LISTENER = """
import os, sys, threading, time, xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer

port, number, folder = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(os.path.join(folder, "starts-" + number), "a") as starts:
    starts.write("x")


def convert(*args):
    time.sleep(0.5)
    return xmlrpc.client.Binary(("%PDF-1.4 from " + number).encode())


server = SimpleXMLRPCServer(("127.0.0.1", port), logRequests=False, allow_none=True)
server.register_function(lambda: {"unoserver": "3", "api": "3"}, "info")
server.register_function(convert, "convert")
threading.Thread(target=server.serve_forever, daemon=True).start()
flag = os.path.join(folder, "stop-" + number)
while not os.path.exists(flag):
    time.sleep(0.1)
os.remove(flag)
"""


@pytest.mark.skipif(not shutil.which("python3"), reason="needs a system python3")
def test_container_entry_point_runs_a_pool_of_listeners_on_the_standard_library_and_restarts_each(tmp_path):
    # The converter's image runs this file with Debian's Python, without the project's packages.
    port, first = free_port(), free_port()
    env = {"PATH": os.environ["PATH"], "PRIMAWEB_CONVERTER_SECRET": SECRET}
    (tmp_path / "listener.py").write_text(FAKE_LISTENER)
    listener = ["python3", str(tmp_path / "listener.py"), "{port}", "{n}", str(tmp_path)]
    gate = subprocess.Popen(  # noqa: S603
        [shutil.which("python3"), "-I", str(GATE_SCRIPT), "--interface", "0.0.0.0", "--port", str(port)]
        + ["--backend", f"http://127.0.0.1:{first}", "--listeners", "2", "--", *listener],
        env=env,
        cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"

    def converted_by_both() -> set[bytes]:
        answers = []
        threads = [
            threading.Thread(target=lambda: answers.append(client(url).convert(*convert_args()).data))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return set(answers)

    try:
        deadline = time.monotonic() + 15
        while subprocess.run(  # noqa: S603
            [shutil.which("python3"), "-I", str(GATE_SCRIPT), "--ping", url], env=env, check=False
        ).returncode:
            assert time.monotonic() < deadline, "the gate did not answer"
            time.sleep(0.2)
        time.sleep(1)  # both listeners answer info()
        # Two conversions at once go to the two listeners, each on its own port.
        assert converted_by_both() == {b"%PDF-1.4 from 0", b"%PDF-1.4 from 1"}
        with pytest.raises(xmlrpc.client.ProtocolError):
            client(url, None).info()

        (tmp_path / "stop-0").touch()  # one listener exits: the gate starts it again, and goes on
        deadline = time.monotonic() + 15
        while (tmp_path / "starts-0").read_text() != "xx":
            assert time.monotonic() < deadline, "the listener was not restarted"
            time.sleep(0.1)
        assert gate.poll() is None
        time.sleep(1.5)
        assert converted_by_both() == {b"%PDF-1.4 from 0", b"%PDF-1.4 from 1"}
        assert (tmp_path / "starts-1").read_text() == "x"

        gate.terminate()
        assert gate.wait(15) == 0
    finally:
        gate.kill()
        gate.wait()
