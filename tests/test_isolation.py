"""What one test or one run leaves behind cannot decide another's outcome."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from primaweb.ratelimit import rate_limit_allows


@pytest.mark.parametrize("attempt", [1, 2])
def test_every_test_starts_with_rate_limits_no_one_counted(attempt):
    # Run twice in one process: the second would be refused if the first's count were still there.
    assert rate_limit_allows(key="isolation-probe", limit=1)
    assert not rate_limit_allows(key="isolation-probe", limit=1)
    assert cache.get("isolation-left-behind") is None
    cache.set("isolation-left-behind", attempt)


PROBE = """
import os
from django.conf import settings
settings._setup()
print(settings.VAR_DIR, os.path.exists(settings.VAR_DIR))
"""


def test_two_runs_at_once_have_folders_of_their_own():
    env = {key: value for key, value in os.environ.items() if key != "PRIMAWEB_VAR_DIR"}
    env["DJANGO_SETTINGS_MODULE"] = "primaweb.settings.test"
    runs = [
        subprocess.run(
            [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    (first, first_made), (second, second_made) = runs
    assert first != second
    # Reading the settings names the folder; the app makes it when it starts.
    assert first_made == second_made == "False"
