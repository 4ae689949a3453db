"""What `make run` tells a newcomer, and how it stops."""

import contextlib
import io
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "scripts" / "run.py"
UNOSERVER = ROOT / "var" / "unoserver-venv" / "bin" / "unoserver"


@pytest.mark.django_db
def test_the_welcome_comes_once_the_site_answers_with_the_pages_to_try_and_the_demo_logins():
    call_command("seed_demo", stdout=io.StringIO())
    with socket.socket() as site:
        site.bind(("127.0.0.1", 0))
        site.listen()
        port = site.getsockname()[1]
        out = io.StringIO()
        call_command("demo_welcome", port=port, wait=5, no_stay=True, stdout=out)
    text = out.getvalue()
    base = f"http://127.0.0.1:{port}"
    assert f"{base}/cpas-online/" in text  # the public CPAS Online form
    assert f"{base}/simulators/ebox/citoyen/" in text  # My eBox
    assert f"{base}/simulators/ebox/entreprise/deposer/" in text
    assert "Primaweb-demo-2026" in text and "as.multi" in text
    assert text.rstrip().splitlines()[-2] == "Stop with Ctrl+C."


def test_the_welcome_is_the_last_process_of_the_procfile_to_speak():
    procfile = (ROOT / "Procfile").read_text()
    assert "manage.py demo_welcome" in procfile
    makefile = (ROOT / "Makefile").read_text()
    run_recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "seed_demo >/dev/null" in run_recipe  # no logins printed before the banners


@pytest.mark.parametrize(("code", "expected"), [(130, 0), (143, 0), (0, 0), (1, 1), (2, 2)])
def test_stopping_make_run_with_ctrl_c_is_not_an_error(code, expected):
    result = subprocess.run([sys.executable, RUN, "sh", "-c", f"exit {code}"], check=False)
    assert result.returncode == expected


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_until(fd: int, output: bytearray, done, timeout: float) -> bool:
    """Reads the terminal's output into `output` until done(output) or its end; False at the timeout."""
    deadline = time.monotonic() + timeout
    while not done(output):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: every process of the terminal has closed it
                return done(output)
            if not chunk:
                return done(output)
            output += chunk
    return True


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "honcho").exists(), reason="needs the project's .venv")
@pytest.mark.skipif(not UNOSERVER.exists(), reason="needs the converter (make converter-env)")
@pytest.mark.django_db(transaction=True)
def test_ctrl_c_in_the_terminal_stops_the_whole_stack_cleanly(tmp_path):
    """The Procfile as `make run` starts it, in a terminal; Ctrl+C typed once the welcome is printed. The
    terminal signals its foreground process group, make included: every process stops, nothing logs an
    ERROR or a traceback, nothing needs killing, and make ends with status 0 (neither « Interrupt » nor
    « Error 143 »)."""
    if connection.vendor != "postgresql":
        pytest.skip("the processes share the test database: PostgreSQL only")
    port, converter_port = free_port(), free_port()
    # The real Procfile; only the converter's port, fixed there, is one that is free now.
    procfile = tmp_path / "Procfile"
    procfile.write_text((ROOT / "Procfile").read_text().replace("--port 2003", f"--port {converter_port}"))
    # The last line of `make run`'s recipe: what starts honcho (the environment is set below).
    command = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0].splitlines()[-1]
    command = command.strip().replace("$(PY)", sys.executable).replace("$(VENV)", ".venv")
    assert command.endswith("honcho start -f Procfile")
    command = command.removesuffix("Procfile") + str(procfile)
    (tmp_path / "Makefile").write_text(f"run:\n\t@cd {ROOT} && {command}\n")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primaweb.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "PRIMAWEB_VAR_DIR": str(tmp_path / "var"),
        "PRIMAWEB_HOST": "127.0.0.1",
        "PRIMAWEB_PORT": str(port),
        "PRIMAWEB_SITE_URL": f"http://127.0.0.1:{port}",
        "PRIMAWEB_CONVERTER_URL": f"http://127.0.0.1:{converter_port}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    for name in ("REDIS_URL", "PYTEST_CURRENT_TEST", "PRIMAWEB_CONVERTER_SECRET"):
        env.pop(name, None)
    pid, terminal = pty.fork()
    if pid == 0:  # the terminal's session: make in its foreground, as typed at a prompt
        os.chdir(tmp_path)
        os.execvpe("make", ["make", "--no-print-directory", "run"], env)
    output = bytearray()
    try:
        welcomed = lambda out: b"Stop with Ctrl+C" in out and b" ready." in out  # noqa: E731
        started = read_until(terminal, output, welcomed, 120)
        assert started, output.decode(errors="replace")[-3000:]
        time.sleep(1)
        os.write(terminal, b"\x03")  # Ctrl+C: the terminal sends SIGINT to its foreground process group
        read_until(terminal, output, lambda out: False, 60)
        _, status = os.waitpid(pid, 0)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        os.close(terminal)
    text = output.decode(errors="replace")
    stopped = text.split("SIGINT received", 1)[-1]
    assert "SIGINT received" in text, text[-3000:]
    # Nor does anything take so long to stop that honcho kills it (after 5 s).
    assert not re.search(r"ERROR|Traceback|Interrupt|Error \d+|SIGKILL", text), stopped
    assert os.waitstatus_to_exitcode(status) == 0, stopped
