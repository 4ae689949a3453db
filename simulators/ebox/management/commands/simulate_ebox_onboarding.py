import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from simulators.ebox.senders import onboarding_apply


class Command(BaseCommand):
    help = (
        "Registers publishers in the simulated eBox from onboarding requests (JSON, one object or a list): "
        "each OAuth client and certificate, the organisations it may publish for, and the sender "
        "configurations. `seed_demo` writes the demo's requests to var/ebox/onboarding.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("request", nargs="?", help="the onboarding request (JSON file)")

    def handle(self, *args, **options):
        path = Path(options["request"] or Path(settings.VAR_DIR) / "ebox" / "onboarding.json")
        try:
            request = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        requests = request if isinstance(request, list) else [request]
        if not requests or not all(isinstance(item, dict) for item in requests):
            raise CommandError(f"{path}: a JSON object, or a list of them, is expected")
        for item in requests:
            try:
                client = onboarding_apply(request=item)
            except ValidationError as exc:
                raise CommandError(f"{path}: {exc}") from exc
            self.stdout.write(
                f"eBox simulator: client {client.client_id} ({client.organization_bce}), mandatary of "
                f"{len(client.mandatary_for.split())} organisation(s), "
                f"{len(item.get('configurations') or [])} configuration(s)"
            )
