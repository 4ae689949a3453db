"""The local folders the embedded default writes into, made when the app starts, not when settings are read.

Reading the settings must have no effect (a command that only prints a setting, a test run that points
PRIMAWEB_VAR_DIR elsewhere): the folders are made by `PrimawebConfig.ready`, which every process that
uses them (web server, worker, beat, commands) runs before it touches them.
"""

from contextlib import suppress
from pathlib import Path

from django.conf import settings


def local_folders() -> list[Path]:
    """The folders the configuration names on the local disk that must exist: the SQLite database's and
    the file broker's."""
    folders = []
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) != ":memory:":
        folders.append(Path(database["NAME"]).parent)
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            folders.append(Path(options[key]))
    return folders


def folders_make() -> None:
    for folder in local_folders():
        folder.mkdir(parents=True, exist_ok=True)
    # WhiteNoise looks for the collected files at start-up (runserver serves them from the apps); a
    # deployment fills it with collectstatic, and one that cannot write there gets WhiteNoise's warning.
    with suppress(OSError):
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
