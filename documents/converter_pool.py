"""The converter's pool: warm LibreOffice listeners behind unoserver, each supervised, behind one gate.

Standard library only, no Django: `manage.py run_converter` (`converter_process`) runs it with the
project's settings, and the converter's container runs this file itself with Debian's Python
(`main()`), beside `converter_gate.py`. The pool:
- runs `listeners` unoserver listeners, each on a loopback port of its own with a LibreOffice profile
  of its own in which macros can never run, and serves the gate (`converter_gate`) on the interface and
  port asked for: other processes convert bytes only, with the shared secret;
- passes unoserver the conversion time limit, so that a hung LibreOffice is killed and unoserver exits,
  and caps each listener's address space (RLIMIT_AS), which its LibreOffice inherits;
- restarts a listener whenever it exits, stops answering, or is left broken by a conversion, after
  killing what is left of it (each runs in a process group of its own, which takes LibreOffice's
  processes along), while the gate gives conversions to the others;
- logs each (re)start, and stops cleanly when asked.
"""

import argparse
import contextlib
import fcntl
import logging
import math
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path

try:
    from documents import converter_gate
except ImportError:  # the converter's image: this file and converter_gate.py side by side
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import converter_gate

# A child of `documents.converter_process`'s logger: quieting that one quiets this one.
logger = logging.getLogger("documents.converter_process.pool")

API_VERSION = "3"  # unoserver's XML-RPC interface, the same for every unoserver 3.x


class ConverterError(RuntimeError):
    """The converter's listener cannot be set up or started."""


def listener_answers(url: str, timeout: float) -> bool:
    """True when the unoserver at `url` answers info() with its API version within `timeout` s."""
    transport = converter_gate.TimeoutTransport(timeout)
    proxy = xmlrpc.client.ServerProxy(url, transport=transport, allow_none=True)
    try:
        return proxy.info().get("api") == API_VERSION
    except Exception:  # noqa: BLE001 - whatever went wrong, it did not answer
        return False
    finally:
        proxy("close")()


# LibreOffice's user settings, rewritten before every start. Level 3 ("very high") runs only macros
# from trusted locations, and there are none; DisableMacrosExecution switches macros off altogether.
# The two others keep a hostile document from making LibreOffice fetch what it links to (linked images
# and files, DDE and OLE links): a server-side request forgery otherwise.
PROFILE_SETTINGS = {
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel"): "3",
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution"): "true",
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks"): "true",
    ("org.openoffice.Office.Writer/Content/Update", "Link"): "2",  # never update links
}
LISTENER_PROCESSES = {"unoserver", "oosplash", "soffice.bin"}

STARTUP_TIMEOUT = 120.0  # unoserver alone waits 5 s before it answers; a first start takes longer
PROBE_INTERVAL = 30.0
STOP_GRACE = 5.0


def memory_limiter(limit_mib: int):
    """A `preexec_fn` that caps the address space (RLIMIT_AS) of the listener and of the LibreOffice it
    starts, which inherits the limit, at `limit_mib` MiB (0: no cap). A file that would take more makes
    LibreOffice fail its allocation (the conversion fails, or LibreOffice dies and is restarted) instead
    of swapping the machine to a halt. Runs in the child between fork and exec: a system call, nothing
    that could take a lock."""
    limit = limit_mib * 1024 * 1024

    def limit_memory() -> None:
        if limit > 0:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return limit_memory


def write_profile(profile: Path) -> Path:
    """Writes the LibreOffice profile's settings (macros off); returns the path of the file written."""
    items = "\n".join(
        f'<item oor:path="/{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>'
        for (path, name), value in PROFILE_SETTINGS.items()
    )
    target = profile / "user" / "registrymodifications.xcu"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}\n</oor:items>\n",
        encoding="utf-8",
    )
    return target


def free_port(interface: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((interface, 0))
        return probe.getsockname()[1]


def port_is_free(interface: str, port: int) -> bool:
    with socket.socket() as probe:
        # As the XML-RPC server binds: a port left in TIME_WAIT by the previous listener is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((interface, port))
        except OSError:
            return False
        return True


class ListenerPool:
    """Runs a pool of `listeners` unoserver listeners (the `executable`), on the loopback, and one gate
    in front of them on `interface:port`, and keeps them running until `stop()`. The gate gives each
    conversion to a listener that is ready and free (one conversion each at a time, so a crash names its
    file), and waits up to `wait` seconds for one. `secret` may be empty only on the loopback;
    `memory_limit` caps each listener's address space, in MiB (0: no cap)."""

    def __init__(
        self,
        *,
        port: int,
        executable: Path | str | Callable[[], Path | str],
        work_dir: Path,
        interface: str = "127.0.0.1",
        secret: str = "",
        conversion_timeout: float = 60.0,
        wait: float = 30.0,
        listeners: int = 2,
        memory_limit: int = 0,
        log_file: Path | None = None,
        probe_interval: float = PROBE_INTERVAL,
    ):
        self.port = port
        self.interface = interface
        self.secret = secret
        try:
            converter_gate.check_secret(interface=interface, secret=self.secret)
        except ValueError as exc:
            raise ConverterError(str(exc)) from exc
        self._executable = executable
        self.conversion_timeout = max(1, math.ceil(conversion_timeout))  # unoserver takes whole seconds
        self.wait = wait
        self.memory_limit = memory_limit
        self.work_dir = Path(work_dir)
        self.log_file = log_file
        self.probe_interval = probe_interval
        self._stop = threading.Event()
        self.failures: list[int] = []
        # The first listener keeps the work folder itself; the others a folder each inside it.
        self.listeners = [
            Listener(self, number, self.work_dir if number == 0 else self.work_dir / f"listener-{number}")
            for number in range(max(1, listeners))
        ]

    @property
    def url(self) -> str:
        """The gate's URL, the one clients use."""
        host = "127.0.0.1" if self.interface in ("0.0.0.0", "") else self.interface  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def starts(self) -> int:
        return sum(listener.starts for listener in self.listeners)

    def stop(self) -> None:
        """Asks the supervisor to stop; safe from a signal handler. `run()` returns once all is dead."""
        self._stop.set()

    def wait_ready(self, timeout: float) -> bool:
        """True once every listener answers (within `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        return all(listener.ready.wait(max(0.0, deadline - time.monotonic())) for listener in self.listeners)

    def run(self) -> None:
        """Starts the listeners and restarts each whenever it ends, until `stop()`."""
        executable = Path(self._executable() if callable(self._executable) else self._executable)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with (self.work_dir / "supervisor.lock").open("w") as lock:
            try:
                # Held until this process ends, however it ends: the kernel lets go of a dead one's lock.
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ConverterError(
                    f"a converter already runs for port {self.port} ({self.work_dir})"
                ) from None
            for listener in self.listeners:
                listener.prepare()
            try:
                gate = converter_gate.ConverterGate(
                    interface=self.interface,
                    port=self.port,
                    backends=[listener.backend for listener in self.listeners],
                    secret=self.secret,
                    backend_timeout=2 * self.conversion_timeout + 30.0,
                    wait=self.wait,
                )
            except OSError as exc:
                raise ConverterError(
                    f"port {self.port} on {self.interface} is already in use ({exc})"
                ) from exc
            threading.Thread(
                target=gate.serve_forever, name=f"converter-gate-{self.port}", daemon=True
            ).start()
            threads = [
                threading.Thread(
                    target=listener.supervise,
                    args=(executable,),
                    name=f"converter-{self.port}-{n}",
                    daemon=True,
                )
                for n, listener in enumerate(self.listeners)
            ]
            try:
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                if self.failures:
                    raise ConverterError(f"converter listener(s) {self.failures} failed; see the log")
            finally:
                self._stop.set()
                for thread in threads:
                    if thread.is_alive():
                        thread.join()
                gate.shutdown()


class Listener:
    """One unoserver and its LibreOffice, on a loopback port of its own, restarted whenever it ends."""

    def __init__(self, supervisor: ListenerPool, number: int, work_dir: Path):
        self.supervisor = supervisor
        self.number = number
        # unoserver itself, which converts any path it is named: reachable from this machine only.
        self.backend_port = free_port()
        self.work_dir = work_dir
        self.profile = work_dir / "profile"
        self.temp_dir = work_dir / "tmp"
        self.pid_file = work_dir / "listener.pid"
        self.starts = 0
        self.ready = threading.Event()
        self._restart = threading.Event()
        # The gate asks whether this listener is ready, and which start of it served a conversion.
        self.backend = converter_gate.Backend(
            self.backend_url, ready=self.ready.is_set, generation=lambda: self.starts, restart=self.restart
        )

    def restart(self, start: int | None) -> None:
        """Restarts the listener if it is still at its `start`-th start (a later one is already fresh)."""
        if start == self.starts:
            self._restart.set()

    @property
    def backend_url(self) -> str:
        return f"http://127.0.0.1:{self.backend_port}"

    @property
    def conversion_timeout(self) -> int:
        return self.supervisor.conversion_timeout

    @property
    def _stop(self) -> threading.Event:
        return self.supervisor._stop

    def prepare(self) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._kill_orphans()
        if not port_is_free("127.0.0.1", self.backend_port):
            # Anything else there would answer the probes in this listener's stead.
            raise ConverterError(f"port {self.backend_port} on 127.0.0.1 is already in use")

    def supervise(self, executable: Path) -> None:
        try:
            self._supervise(executable)
        except BaseException:
            logger.exception("Converter listener %s#%s failed", self.supervisor.port, self.number)
            self.supervisor.failures.append(self.number)
            self._stop.set()  # the whole converter stops, for its own supervisor to start it again
            raise

    def _supervise(self, executable: Path) -> None:
        backoff = 0.5
        port = f"{self.supervisor.port}#{self.number}"
        while not self._stop.is_set():
            process = self._start(executable)
            reason = self._watch(process)
            served = self.ready.is_set()
            self.ready.clear()
            self._kill(process)
            if self._stop.is_set():
                logger.info("Converter listener %s stopped", port)
                break
            # A listener that served comes back at once; one that never answered (a broken installation)
            # is not restarted in a tight loop.
            backoff = 0.5 if served else min(backoff * 2, 30.0)
            logger.warning("Converter listener %s %s; restarting in %g s", port, reason, backoff)
            self._stop.wait(backoff)

    def _start(self, executable: Path) -> subprocess.Popen:
        self._restart.clear()
        self._clean_leftovers()
        write_profile(self.profile)
        command = [
            str(executable),
            "--interface",
            "127.0.0.1",
            "--port",
            str(self.backend_port),
            "--uno-interface",
            "127.0.0.1",
            "--uno-port",
            str(free_port()),
            "--user-installation",
            str(self.profile),
            "--temp-dir",
            str(self.temp_dir),
            "--conversion-timeout",
            str(self.conversion_timeout),
        ]
        log_file = self.supervisor.log_file
        output = log_file.open("ab") if log_file else None
        try:
            # A session (and so a process group) of its own: killing the group takes LibreOffice's
            # oosplash and soffice.bin along, even when unoserver itself is already gone.
            process = subprocess.Popen(  # noqa: S603, PLW1509 - preexec_fn only calls setrlimit
                command,
                start_new_session=True,
                stdout=output,
                stderr=output,
                stdin=subprocess.DEVNULL,
                preexec_fn=memory_limiter(self.supervisor.memory_limit),
            )
        finally:
            if output:
                output.close()
        self.starts += 1
        self.pid_file.write_text(f"{process.pid}\n")
        logger.info(
            "Converter listener %s on %s (pid %s, time limit %s s, start #%s)",
            "started" if self.starts == 1 else "restarted",
            self.backend_url,
            process.pid,
            self.conversion_timeout,
            self.starts,
        )
        return process

    def _kill_orphans(self) -> None:
        """Kills the listener that a supervisor killed outright (SIGKILL, a crash) left running: with the
        lock held, no living supervisor owns the one in the pid file."""
        with contextlib.suppress(OSError, ValueError):
            group = int(self.pid_file.read_text())
            if LISTENER_PROCESSES & set(_members(group)):
                logger.warning("Killing the orphaned converter listener %s and its LibreOffice", group)
                _signal_group(group, signal.SIGKILL)
                deadline = time.monotonic() + 5
                while _members(group) and time.monotonic() < deadline:
                    time.sleep(0.05)

    def _clean_leftovers(self) -> None:
        # Whatever a killed listener left: input files in its temporary folder, LibreOffice's lock on
        # the profile (nothing else uses this profile: the group that held it is dead).
        shutil.rmtree(self.temp_dir, ignore_errors=True)
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        (self.profile / ".lock").unlink(missing_ok=True)

    def _watch(self, process: subprocess.Popen) -> str:
        """Waits until the listener exits, stops answering, or a stop is asked; returns why."""
        started = time.monotonic()
        next_probe = started
        probe: _Probe | None = None
        while True:
            code = process.poll()
            if code is not None:
                return f"exited with status {code}"
            if self._stop.is_set():
                return "asked to stop"
            if self._restart.is_set():
                return "was left broken by a conversion"
            now = time.monotonic()
            ready = self.ready.is_set()
            if probe is None and now >= next_probe:
                # Conversions run one at a time: a probe may queue behind two of them at their limit.
                limit = 5.0 if not ready else 2 * self.conversion_timeout + 30.0
                probe = _Probe(self.backend_url, limit)
            elif probe is not None and probe.done.is_set():
                if probe.answered:
                    if not ready:
                        self.ready.set()
                        logger.info(
                            "Converter listener %s#%s ready in %.1f s",
                            self.supervisor.port,
                            self.number,
                            now - started,
                        )
                    next_probe = now + self.supervisor.probe_interval
                elif ready:
                    return "stopped answering"
                else:
                    next_probe = now + 0.3
                probe = None
            if not self.ready.is_set() and now - started > STARTUP_TIMEOUT:
                return f"did not answer within {STARTUP_TIMEOUT:g} s of its start"
            self._stop.wait(0.1)

    def _kill(self, process: subprocess.Popen) -> None:
        """Ends the listener's whole process group: SIGTERM, then SIGKILL for whatever is left."""
        group = process.pid
        if process.poll() is None:
            # LibreOffice exits cleanly on SIGTERM; unoserver does not always, and oosplash waits on.
            _signal_group(group, signal.SIGTERM)
            deadline = time.monotonic() + STOP_GRACE
            while process.poll() is None and "soffice.bin" in _members(group) and time.monotonic() < deadline:
                time.sleep(0.05)
        # LibreOffice's processes outlive a dead unoserver: whatever is left of the group goes now.
        _signal_group(group, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 5
        while _members(group) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)


class _Probe:
    """One info() call to the listener, in a thread, so that the supervisor never blocks on it."""

    def __init__(self, url: str, timeout: float):
        self.answered = False
        self.done = threading.Event()
        self._url, self._timeout = url, timeout
        threading.Thread(target=self._run, name="converter-probe", daemon=True).start()

    def _run(self) -> None:
        try:
            self.answered = listener_answers(self._url, self._timeout)
        finally:
            self.done.set()


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def _members(group: int) -> list[str]:
    """The command names of the living processes of a process group (zombies, which keep their group
    until init reaps them, do not count)."""
    names = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError):
            text = status.read_text()
            state, _parent, process_group = text.rsplit(")", 1)[1].split()[:3]
            if int(process_group) == group and state != "Z":
                names.append(text[text.index("(") + 1 : text.rindex(")")])
    return names


def main(argv: list[str] | None = None) -> int:
    """The converter container's entry point: the pool and its gate, until SIGTERM (0), or until a
    listener cannot be run at all (1, for the container's restart policy). Sized by the same variables
    as `manage.py run_converter`: PRIMAWEB_CONVERTER_LISTENERS, PRIMAWEB_CONVERSION_TIMEOUT,
    PRIMAWEB_CONVERTER_WAIT, PRIMAWEB_CONVERTER_MEMORY_LIMIT; the secret is PRIMAWEB_CONVERTER_SECRET."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interface", default="127.0.0.1", help="the gate's interface")
    parser.add_argument("--port", type=int, default=2003, help="the gate's port")
    parser.add_argument("--work-dir", required=True, help="the listeners' profiles and temporary files")
    parser.add_argument("--unoserver", default="unoserver", help="unoserver's executable")
    parser.add_argument("--listeners", type=int, default=int(env("PRIMAWEB_CONVERTER_LISTENERS", "2")))
    parser.add_argument(
        "--conversion-timeout", type=float, default=float(env("PRIMAWEB_CONVERSION_TIMEOUT", "60"))
    )
    parser.add_argument("--wait", type=float, default=float(env("PRIMAWEB_CONVERTER_WAIT", "30")))
    parser.add_argument(
        "--memory-limit", type=int, default=int(env("PRIMAWEB_CONVERTER_MEMORY_LIMIT", "1536")), help="MiB"
    )
    parser.add_argument("--probe-interval", type=float, default=PROBE_INTERVAL, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        pool = ListenerPool(
            port=options.port,
            interface=options.interface,
            executable=shutil.which(options.unoserver) or options.unoserver,
            work_dir=Path(options.work_dir),
            secret=env(converter_gate.SECRET_VARIABLE, ""),
            conversion_timeout=options.conversion_timeout,
            wait=options.wait,
            listeners=options.listeners,
            memory_limit=options.memory_limit,
            probe_interval=options.probe_interval,
        )
    except ConverterError as exc:
        parser.error(str(exc))
    signal.signal(signal.SIGTERM, lambda *_: pool.stop())
    signal.signal(signal.SIGINT, lambda *_: pool.stop())
    logger.info(
        "Converter gate on %s:%s in front of %s listeners",
        options.interface,
        options.port,
        len(pool.listeners),
    )
    try:
        pool.run()
    except ConverterError as exc:
        logger.error("The converter stops: %s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
