from django.core.management.base import BaseCommand

from ebox import services
from ebox.models import Publication


class Command(BaseCommand):
    help = "Queues again every failed eBox publication (each under its own idempotency key)."

    def handle(self, *args, **options):
        failed = (
            Publication.objects.across_centres(reason="command: every centre's failed publications")
            .filter(state=Publication.State.FAILED)
            .count()
        )
        queued = services.publications_retry_failed()
        self.stdout.write(f"failed: {failed}, queued: {queued}")
