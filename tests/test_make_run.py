"""What `make run` tells a newcomer, and how it stops."""

import io
import socket
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


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
    result = subprocess.run([ROOT / "scripts" / "run.sh", "sh", "-c", f"exit {code}"], check=False)
    assert result.returncode == expected
