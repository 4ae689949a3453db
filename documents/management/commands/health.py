"""`manage.py health`: the documents pipeline's health check, for monitoring and container probes."""

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents import selectors
from documents.conversion import converter_answers
from documents.services.storage import STORAGE_ERRORS


class Command(BaseCommand):
    help = (
        "Checks the documents pipeline: the file storage can be written and has room left "
        "(PRIMAWEB_STORAGE_MIN_FREE_BYTES), the converter answers, and no conversion is stuck. "
        "Prints one line per check; exits 1 (red) when one fails, 0 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stuck-after",
            type=int,
            default=300,
            help="Seconds past its lease after which a conversion counts as stuck (default: 300).",
        )

    def handle(self, *args, stuck_after: int, **options):
        checks = [self._storage(), self._converter(), self._stuck(stuck_after)]
        for healthy, line in checks:
            self.stdout.write(("OK    " if healthy else "RED   ") + line)
        if not all(healthy for healthy, _ in checks):
            raise CommandError("the documents pipeline is not healthy", returncode=1)

    def _storage(self) -> tuple[bool, str]:
        location = getattr(default_storage, "location", None)
        if location:
            free = shutil.disk_usage(Path(location) if Path(location).exists() else settings.BASE_DIR).free
            if free < settings.STORAGE_MIN_FREE_BYTES:
                return False, f"storage: {free // 2**20} MiB free under {location}, below the minimum"
        probe = f"health/{uuid.uuid4().hex}"
        try:
            name = default_storage.save(probe, ContentFile(b"health"))
            default_storage.delete(name)
        except STORAGE_ERRORS as exc:
            return False, f"storage: cannot write ({getattr(exc, 'strerror', None) or exc})"
        return True, "storage: writable" + (f", {free // 2**20} MiB free" if location else "")

    def _converter(self) -> tuple[bool, str]:
        if converter_answers(timeout=5.0):
            return True, f"converter: answers at {settings.CONVERTER_URL}"
        return False, f"converter: no answer at {settings.CONVERTER_URL} (manage.py run_converter)"

    def _stuck(self, stuck_after: int) -> tuple[bool, str]:
        since = timezone.now() - timezone.timedelta(seconds=stuck_after)
        stuck = selectors.conversions_stuck(since=since)
        if stuck:
            late = f"{stuck} past their lease by over {stuck_after} s"
            return False, f"conversions: {late} (is the beat running?)"
        return True, "conversions: none stuck"
