"""One LibreOffice listener of the converter's pool: unoserver on a loopback port of its own, with a
profile of its own in which macros can never run, in a process group of its own, supervised: restarted
whenever it exits, stops answering, or is left broken by a conversion.

Standard library only, no Django, like `converter_pool` (the converter's container runs both files
side by side).
"""

import contextlib
import logging
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
from pathlib import Path
from typing import TYPE_CHECKING

try:
    from documents import converter_gate
except ImportError:  # the converter's image: this file and converter_gate.py side by side
    # Appended, not prepended: run from the project, documents/selectors.py must not hide the stdlib one.
    sys.path.append(os.path.dirname(os.path.abspath(__file__)))
    import converter_gate

if TYPE_CHECKING:
    from documents.converter_pool import ListenerPool

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


class Listener:
    """One unoserver and its LibreOffice, on a loopback port of its own, restarted whenever it ends."""

    def __init__(self, supervisor: "ListenerPool", number: int, work_dir: Path):
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
        kill_orphaned_listener(self.pid_file)

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


def kill_orphaned_listener(pid_file: Path) -> None:
    """Kills the listener (unoserver and its LibreOffice, a process group of their own) whose group
    `pid_file` names, if that group still runs a listener; waits up to 5 s for it to die. Call it only
    when no living supervisor owns that listener: a supervisor killed outright (SIGKILL) cannot take its
    listeners along."""
    with contextlib.suppress(OSError, ValueError):
        group = int(pid_file.read_text())
        if LISTENER_PROCESSES & set(_members(group)):
            logger.warning("Killing the orphaned converter listener %s and its LibreOffice", group)
            _signal_group(group, signal.SIGKILL)
            deadline = time.monotonic() + 5
            while _members(group) and time.monotonic() < deadline:
                time.sleep(0.05)


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
