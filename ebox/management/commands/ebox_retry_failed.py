from django.core.management.base import BaseCommand

from ebox import services
from ebox.models import Publication


class Command(BaseCommand):
    help = (
        "Queues again every failed eBox publication (each under its own idempotency key). Sends « à "
        "vérifier » are counted but left to a person: on the API 2.1 they may already be delivered."
    )

    def handle(self, *args, **options):
        publications = Publication.objects.across_centres(reason="command: every centre's publications")
        failed = publications.filter(state=Publication.State.FAILED).count()
        to_verify = publications.filter(state=Publication.State.TO_VERIFY).count()
        queued = services.publications_retry_failed()
        self.stdout.write(f"failed: {failed}, queued: {queued}")
        if to_verify:
            self.stdout.write(
                f"à vérifier : {to_verify} (« Envois vers l'eBox », état « Envoi à vérifier » : "
                "à résoudre par une personne)"
            )
