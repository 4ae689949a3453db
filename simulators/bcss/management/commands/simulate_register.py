"""manage.py simulate_register --count N [--seed S] [--replace]: fill the simulated population register."""

import time

from django.core.management.base import BaseCommand, CommandError

from simulators.bcss.demo import DEMO_PERSONS
from simulators.bcss.services import register_populate


class Command(BaseCommand):
    help = (
        "Adds N generated persons to the BCSS simulator's population register (emptied first with "
        "--replace), then makes sure the demo persons exist. The same --seed gives the same persons."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many persons to generate")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for a reproducible register")
        parser.add_argument("--replace", action="store_true", help="empty the register first")

    def handle(self, *args, count: int, seed: int | None, replace: bool, **options):
        if count < 0:
            raise CommandError("--count must be 0 or more.")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(f"  {done:>9,}/{total:,} persons ({elapsed:.0f} s)")

        added = register_populate(count=count, seed=seed, replace=replace, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{added:,} persons added and {len(DEMO_PERSONS)} demo persons ensured "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
