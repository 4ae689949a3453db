from django.core.management.base import BaseCommand

from ebox import outbox


class Command(BaseCommand):
    help = (
        "Takes back now the eBox publications whose lease is over (never queued, task lost, worker "
        "killed): queued again, or « envoi à vérifier » when the request may have left (API 2.1)."
    )

    def handle(self, *args, **options):
        counts = outbox.publications_sweep()
        self.stdout.write(f"queued: {counts['queued']}, to_verify: {counts['to_verify']}")
