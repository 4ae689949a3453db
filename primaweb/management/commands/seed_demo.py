from django.core.management.base import BaseCommand

from primaweb.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Creates the demo centres and their users (idempotent)."

    def handle(self, *args, **options):
        centres, users = seed_demo()
        for centre in centres:
            self.stdout.write(f"  {centre.name_fr} — BCE {centre.bce_display} — INS {centre.nis_code}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            roles = ", ".join(f"{m.get_role_display()} @ {m.centre.name_fr}" for m in user.memberships.all())
            self.stdout.write(f"  {user.username:<15} {roles}")
