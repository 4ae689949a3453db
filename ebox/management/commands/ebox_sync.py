from django.core.management.base import BaseCommand, CommandError

from ebox import client, services


class Command(BaseCommand):
    help = "Asks the eBox now which sent documents were read, and marks them read."

    def handle(self, *args, **options):
        try:
            counts = services.publications_sync_status()
        except client.EboxError as exc:
            raise CommandError(f"eBox: {exc}") from exc
        self.stdout.write(f"checked: {counts['checked']}, read: {counts['read']}")
