"""The converter's door: an XML-RPC server in front of unoserver that converts bytes, never paths, and
only for callers that know the shared secret.

unoserver's own `convert` opens whatever path it is given and writes wherever it is told
(`convert("/etc/hostname")` sends the file back), and answers anyone who reaches it. So unoserver listens
on the loopback only, and this gate is what other processes and hosts talk to. It forwards `info()` and
a `convert()` of unoserver's API 3 whose input is data, whose output is returned as PDF bytes, read with
one of the import filters the project uses, without password or export options; it refuses anything
else, and every request whose `Authorization: Bearer <secret>` header does not match, before reading
its body.

Standard library only, no Django: the pool of listeners (`converter_pool`) runs it in a thread, under
`manage.py run_converter` as in the converter's container, which runs both files with Debian's Python.
"""

import argparse
import hmac
import http.client
import ipaddress
import logging
import os
import socketserver
import sys
import threading
import time
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

logger = logging.getLogger(__name__)

SECRET_VARIABLE = "PRIMAWEB_CONVERTER_SECRET"
MIN_SECRET_LENGTH = 32
# The LibreOffice import filters `documents.conversion` asks for: LibreOffice never guesses. A DOC is
# read with « MS Word 97 », or « MS Word 95 » when the sniffing found a Word 6/95 file (the Word 97
# filter does not open those), or « MS WinWord 5 » for a Word for Windows 2.0 file.
IMPORT_FILTERS = {
    "doc": "MS Word 97",
    "doc95": "MS Word 95",
    "doc2": "MS WinWord 5",
    "docx": "MS Word 2007 XML",
    "odt": "writer8",
    "rtf": "Rich Text Format",
}
# An upload is at most 1.5 MB; base64 and the XML around it make it a third larger.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
# Said in the fault when unoserver does not answer: `documents.conversion` takes it as « try again ».
BACKEND_UNAVAILABLE = "converter backend unavailable"
# Said when the listener died while it held this conversion: `documents.conversion` charges the file
# only when it happens to the same file again.
BACKEND_CRASHED = "converter backend crashed during the conversion"
# Faults after which a listener is not given another conversion until it has been restarted.
_BREAKING_FAULTS = ("TimeoutError", "DisposedException", "URP bridge", "Introspection", "SystemError")
REFUSED = "refused by the converter gate"


class GateRefusal(xmlrpc.client.Fault):
    def __init__(self, reason: str):
        super().__init__(403, f"{REFUSED}: {reason}")


def authorization_header(secret: str) -> list[tuple[str, str]]:
    """The header a client sends (none without a secret), for `xmlrpc.client.ServerProxy(headers=...)`."""
    return [("Authorization", f"Bearer {secret}")] if secret else []


def is_loopback(interface: str) -> bool:
    try:
        return ipaddress.ip_address(interface).is_loopback
    except ValueError:
        return interface == "localhost"


def check_secret(*, interface: str, secret: str) -> None:
    """Raises ValueError when the gate may not listen on `interface` with `secret`: beyond the loopback a
    secret of at least MIN_SECRET_LENGTH characters is required."""
    if secret and len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"{SECRET_VARIABLE} is too short ({len(secret)} characters, at least {MIN_SECRET_LENGTH}); "
            "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    if not secret and not is_loopback(interface):
        raise ValueError(f"listening on {interface} needs a shared secret: set {SECRET_VARIABLE}")


class _Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/", "/RPC2")
    timeout = 60  # a caller that stops sending in the middle of a request does not hold a thread

    def do_POST(self):  # noqa: N802 - the name http.server calls
        if not self.server.gate.authorised(self.headers.get("Authorization", "")):
            logger.warning("Converter gate: request without the right secret from %s", self.client_address[0])
            self.send_error(403, "Forbidden")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.send_error(411, "Length Required")
            return
        if length > MAX_REQUEST_BYTES:
            self.send_error(413, "Request Entity Too Large")
            return
        super().do_POST()

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        logger.debug("Converter gate: " + format, *args)


class _Server(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True
    allow_reuse_address = True


class Backend:
    """One unoserver behind the gate. `ready()` says whether its supervisor saw it answer;
    `generation()` counts its starts (None: unknown, as when the gate runs alone in a container)."""

    def __init__(self, url: str, *, ready=lambda: True, generation=lambda: None, restart=lambda start: None):
        self.url = url
        self.ready = ready
        self.generation = generation
        self.restart = restart  # asks the supervisor for a fresh start, if it is still at `start`
        self.busy = False
        self.broken_in: int | None = None  # the start that failed a conversion: not used until the next

    def usable(self) -> bool:
        if self.busy or not self.ready():
            return False
        return self.broken_in is None or self.broken_in != self.generation()


class ConverterGate:
    """Serves the gate on `interface:port`, forwarding each conversion to a free, ready one of
    `backends` (or the one unoserver at `backend_url`); waits up to `wait` seconds for one."""

    def __init__(
        self,
        *,
        interface: str,
        port: int,
        secret: str,
        backend_url: str | None = None,
        backends: list[Backend] | None = None,
        backend_timeout: float = 120.0,
        wait: float = 30.0,
    ):
        check_secret(interface=interface, secret=secret)
        self.backends = backends or [Backend(backend_url)]
        self.backend_url = self.backends[0].url
        self.backend_timeout = backend_timeout
        self.wait = wait
        self._free = threading.Condition()
        self._secret = secret.encode()
        self.server = _Server(
            (interface, port),
            requestHandler=_Handler,
            logRequests=False,
            allow_none=True,
            bind_and_activate=True,
        )
        self.server.gate = self
        self.server.register_function(self.info, "info")
        self.server.register_function(self.convert, "convert")

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def authorised(self, header: str) -> bool:
        if not self._secret:
            return True  # on the loopback only (check_secret)
        scheme, _, given = header.partition(" ")
        # Compared in constant time, so the answer's delay tells nothing about the secret.
        return hmac.compare_digest(given.strip().encode(), self._secret) and scheme.lower() == "bearer"

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the two calls --------------------------------------------------------------------------------

    def info(self) -> dict:
        ready = [backend for backend in self.backends if backend.ready()] or self.backends
        return _ForwardingProxy(ready[0].url, self.backend_timeout).info()

    def convert(
        self,
        inpath=None,
        indata=None,
        outpath=None,
        convert_to=None,
        filtername=None,
        filter_options=None,
        update_index=True,
        infiltername=None,
        password=None,
    ):
        if inpath is not None or outpath is not None:
            raise GateRefusal("files are sent and returned as data, never named by a path")
        if not isinstance(indata, xmlrpc.client.Binary) or not indata.data:
            raise GateRefusal("the document's data is missing")
        if convert_to != "pdf" or filtername is not None or filter_options:
            raise GateRefusal("only a conversion to PDF with the default export is done")
        if infiltername not in IMPORT_FILTERS.values():
            raise GateRefusal(f"unknown import filter {infiltername!r}")
        if password is not None:
            raise GateRefusal("password-protected documents are not converted")
        deadline = time.monotonic() + self.wait
        while True:
            backend, generation = self._acquire(deadline)
            broken = False
            try:
                return _ForwardingProxy(backend.url, self.backend_timeout, converting=True).convert(
                    None, indata, None, "pdf", None, [], bool(update_index), infiltername, None
                )
            except _NotReached:
                # Nothing listens there: that listener died since its supervisor last saw it (or is
                # between two starts). The file never reached it: another listener may take it.
                broken = True
                if time.monotonic() >= deadline:
                    raise
                if generation is None:
                    time.sleep(0.2)  # no supervisor to say when it is back: look again shortly
            except xmlrpc.client.Fault as fault:
                broken = any(
                    marker in str(fault.faultString) for marker in (BACKEND_CRASHED, *_BREAKING_FAULTS)
                )
                raise
            finally:
                self._release(backend, generation if broken else None)

    def _acquire(self, deadline: float) -> tuple[Backend, int | None]:
        """A free listener that is ready, waiting until `deadline` for one (all may be busy or restarting)."""
        with self._free:
            while True:
                for backend in self.backends:
                    if backend.usable():
                        backend.busy = True
                        return backend, backend.generation()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise xmlrpc.client.Fault(
                        503, f"{BACKEND_UNAVAILABLE}: no listener ready within {self.wait:g} s"
                    )
                # Readiness changes without notice (a supervisor's probe): look again soon.
                self._free.wait(min(remaining, 0.2))

    def _release(self, backend: Backend, broken_in: int | None) -> None:
        with self._free:
            backend.busy = False
            if broken_in is not None:
                backend.broken_in = broken_in
            self._free.notify()
        if broken_in is not None:
            # A LibreOffice that failed this way may still answer info(), yet fail every next file.
            backend.restart(broken_in)


class _NotReached(xmlrpc.client.Fault):
    """Nothing listened at the listener's address: the call never reached it."""


class _ForwardingProxy:
    """One call to unoserver; its faults pass through, its absence becomes a fault that says so."""

    def __init__(self, url: str, timeout: float, *, converting: bool = False):
        self._url, self._timeout, self._converting = url, timeout, converting

    def __getattr__(self, method: str):
        def call(*args):
            transport = TimeoutTransport(self._timeout)
            proxy = xmlrpc.client.ServerProxy(self._url, transport=transport, allow_none=True)
            try:
                return getattr(proxy, method)(*args)
            except xmlrpc.client.Fault:
                raise
            except ConnectionRefusedError as exc:
                # Nothing listens: the listener is between two starts. The file never reached it.
                raise _NotReached(503, f"{BACKEND_UNAVAILABLE}: {exc}") from exc
            except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as exc:
                if self._converting and not isinstance(exc, TimeoutError):
                    # The listener took the file and went away without an answer.
                    raise xmlrpc.client.Fault(503, f"{BACKEND_CRASHED}: {exc}") from exc
                raise xmlrpc.client.Fault(503, f"{BACKEND_UNAVAILABLE}: {exc}") from exc
            finally:
                proxy("close")()

        return call


class _Timeout:
    def __init__(self, timeout: float, headers=()):
        super().__init__(headers=headers)
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class TimeoutTransport(_Timeout, xmlrpc.client.Transport):
    """xmlrpc's HTTP transport with a socket timeout: the standard one waits forever. The gate, the pool
    and Primaweb's client (documents.conversion) all talk XML-RPC through it."""


class SafeTimeoutTransport(_Timeout, xmlrpc.client.SafeTransport):
    """The same over HTTPS."""


def ping(url: str, secret: str, timeout: float = 10.0) -> bool:
    """True when the gate at `url` answers info() to `secret` (the container's health check)."""
    proxy = xmlrpc.client.ServerProxy(
        url, transport=TimeoutTransport(timeout, authorization_header(secret)), allow_none=True
    )
    try:
        return bool(proxy.info().get("api"))
    except (xmlrpc.client.Error, OSError):
        return False
    finally:
        proxy("close")()


def main(argv: list[str] | None = None) -> int:
    """`converter_gate.py --ping URL`: the converter container's health check (exit 0 when the gate at
    URL answers the secret in PRIMAWEB_CONVERTER_SECRET). The container runs the pool and this gate
    with `converter_pool.py`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ping", metavar="URL", required=True, help="check that the gate at URL answers")
    options = parser.parse_args(argv)
    return 0 if ping(options.ping, os.environ.get(SECRET_VARIABLE, "")) else 1


if __name__ == "__main__":
    sys.exit(main())
