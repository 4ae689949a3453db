#!/usr/bin/env python3
"""`make run`: runs the processes of the Procfile under honcho (the command given), so that Ctrl+C stops
them, cleanly, and `make run` ends with status 0.

In a terminal, Ctrl+C signals the terminal's whole foreground process group: make as well, which would
then end with « *** [Makefile: run] Interrupt » and status 130 whatever honcho did. So the command gets a
process group of its own and the terminal's foreground while it runs, as a shell's job does: Ctrl+C
reaches honcho alone, which stops every process (a TERM to each one's process group: hence the worker's
pool of threads in the Procfile, no child process that would die before the worker that owns it) and
exits 130 (143 after a TERM): the normal way to stop, status 0. Without a terminal, the command runs in
this process's group, and an interrupt sent to that group is left to it.

Usage: scripts/run.py command [argument...]
"""

import contextlib
import os
import signal
import subprocess
import sys

STOPPED = (130, 143, -signal.SIGINT, -signal.SIGTERM)


def _terminal() -> int | None:
    """The controlling terminal, when this process is in its foreground group; else None."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return None
    try:
        if os.tcgetpgrp(tty) == os.getpgrp():
            return tty
    except OSError:
        pass
    os.close(tty)
    return None


def _default_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def main(command: list[str]) -> int:
    if not command:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command decides what an interrupt does
    tty = _terminal()
    if tty is None:
        child = subprocess.Popen(command, preexec_fn=_default_interrupt)  # noqa: S603, PLW1509
    else:
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # taking the terminal back from the background
        child = subprocess.Popen(command, process_group=0, preexec_fn=_default_interrupt)  # noqa: S603, PLW1509
        with contextlib.suppress(OSError):
            os.tcsetpgrp(tty, child.pid)
    # Passed on to the command: a TERM sent to this process alone (a supervisor, `kill`).
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signal.SIGTERM))
    try:
        rc = child.wait()
    finally:
        if tty is not None:
            with contextlib.suppress(OSError):
                os.tcsetpgrp(tty, os.getpgrp())
            os.close(tty)
    return 0 if rc in STOPPED else (rc if rc >= 0 else 128 - rc)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
