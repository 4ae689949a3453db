"""The converter's process with the project's settings: the pool of warm LibreOffice listeners behind
unoserver, and its gate (`converter_pool`, which the converter's container runs on its own).

unoserver needs Debian's `uno` module, which the project's interpreter cannot import: the listeners run
from their own virtual environment (`scripts/converter-env.sh`, made here when missing), and the
project reaches them over XML-RPC through the gate (`documents.conversion`). The profile of each
listener lives under the var folder.

`manage.py run_converter` runs it in the foreground; `running_converter()` runs it in a thread for
tests and benchmarks.
"""

import contextlib
import logging
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from documents.converter_listener import PROBE_INTERVAL, STARTUP_TIMEOUT, ConverterError, free_port
from documents.converter_pool import ListenerPool

logger = logging.getLogger(__name__)

UNOSERVER_VENV = Path(settings.BASE_DIR) / "var" / "unoserver-venv"
ENV_SCRIPT = Path(settings.BASE_DIR) / "scripts" / "converter-env.sh"


class ConverterSupervisor(ListenerPool):
    """The pool (`converter_pool.ListenerPool`) with the project's settings: `listeners` defaults to
    settings.CONVERTER_LISTENERS, `secret` to settings.CONVERTER_SECRET, `conversion_timeout` to
    settings.CONVERSION_TIMEOUT, `wait` to settings.CONVERTER_WAIT, the memory cap is
    settings.CONVERTER_MEMORY_LIMIT, and the listeners run var/unoserver-venv's unoserver."""

    def __init__(
        self,
        *,
        port: int,
        interface: str = "127.0.0.1",
        conversion_timeout: float | None = None,
        work_dir: Path | None = None,
        log_file: Path | None = None,
        probe_interval: float = PROBE_INTERVAL,
        secret: str | None = None,
        listeners: int | None = None,
        wait: float | None = None,
    ):
        super().__init__(
            port=port,
            interface=interface,
            executable=unoserver_executable,
            work_dir=work_dir or Path(settings.VAR_DIR) / "converter" / str(port),
            secret=settings.CONVERTER_SECRET if secret is None else secret,
            conversion_timeout=settings.CONVERSION_TIMEOUT
            if conversion_timeout is None
            else conversion_timeout,
            wait=settings.CONVERTER_WAIT if wait is None else wait,
            listeners=settings.CONVERTER_LISTENERS if listeners is None else listeners,
            memory_limit=settings.CONVERTER_MEMORY_LIMIT,
            log_file=log_file,
            probe_interval=probe_interval,
        )


def unoserver_executable() -> Path:
    """The `unoserver` of the listener's environment, made by scripts/converter-env.sh when missing."""
    executable = UNOSERVER_VENV / "bin" / "unoserver"
    if executable.exists():
        return executable
    logger.info("Making the converter's environment with %s", ENV_SCRIPT)
    result = subprocess.run([str(ENV_SCRIPT)], capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise ConverterError(result.stderr.strip() or f"{ENV_SCRIPT} failed")
    return Path(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def running_converter(
    port: int | None = None,
    *,
    conversion_timeout: float | None = None,
    work_dir: Path | None = None,
    log_file: Path | None = None,
    secret: str | None = None,
    listeners: int = 1,
    wait: float | None = None,
    supervisor_out: list | None = None,
) -> Iterator[str]:
    """Runs `listeners` supervised listeners and their gate on `port` (a free one by default), until the
    block ends; yields the gate's URL. `secret` defaults to settings.CONVERTER_SECRET; `supervisor_out`,
    a list, receives the supervisor (a test that kills a listener finds it there).

    Waits until the listener answers before yielding; on leaving, stops it and every LibreOffice process
    it started. For tests and benchmarks: production runs `manage.py run_converter`.
    """
    supervisor = ConverterSupervisor(
        port=port or free_port(),
        conversion_timeout=conversion_timeout,
        work_dir=work_dir,
        log_file=log_file,
        secret=secret,
        listeners=listeners,
        wait=wait,
    )
    if supervisor_out is not None:
        supervisor_out.append(supervisor)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            supervisor.run()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            failure.append(exc)
            supervisor.stop()

    thread = threading.Thread(target=run, name=f"converter-{supervisor.port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not supervisor.wait_ready(0.2):
            if failure:
                raise ConverterError(f"the converter could not start: {failure[0]}") from failure[0]
            if time.monotonic() > deadline:
                raise ConverterError(f"the converter did not answer within {STARTUP_TIMEOUT:g} s")
        yield supervisor.url
    finally:
        supervisor.stop()
        thread.join()
