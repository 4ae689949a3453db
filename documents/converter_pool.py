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
import fcntl
import logging
import math
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

try:
    from documents import converter_gate
    from documents.converter_listener import PROBE_INTERVAL, ConverterError, Listener
except ImportError:  # the converter's image: this file, converter_listener.py, converter_gate.py together
    # Appended, not prepended: run from the project, documents/selectors.py must not hide the stdlib one.
    sys.path.append(os.path.dirname(os.path.abspath(__file__)))
    import converter_gate
    from converter_listener import PROBE_INTERVAL, ConverterError, Listener

# A child of `documents.converter_process`'s logger: quieting that one quiets this one.
logger = logging.getLogger("documents.converter_process.pool")


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
