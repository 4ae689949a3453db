"""manage.py simulate_mutations --count N [--seed S] [--every SECONDS]: the register changes over time."""

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from simulators.bcss.mutations import mutations_simulate

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Applies N changes (moves, deaths, marriages, divorces, births in the household, changes of "
        "nationality) to the BCSS simulator's register and records them as mutations, which the pull "
        "service delivers to the centres that integrated the persons. With --every, does so again every "
        "SECONDS until stopped (the steady trickle of `make run`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many changes to make")
        parser.add_argument("--seed", type=int, default=None, help="random seed, for reproducible changes")
        parser.add_argument("--every", type=float, default=0, help="repeat every SECONDS (0: once)")

    def handle(self, *args, count: int, seed: int | None, every: float, **options):
        # Under `make run` (-v 0) the trickle stays silent: the welcome's addresses stay the last lines.
        if count < 0:
            raise CommandError("--count must be 0 or more.")
        while True:
            started = time.monotonic()
            try:
                recorded = mutations_simulate(count=count, seed=seed)
            except DatabaseError as exc:
                if every <= 0:
                    raise
                # Under `make run` a busy SQLite file must not stop the trickle (honcho would stop all).
                logger.warning("simulate_mutations: this round failed (%s); trying again later", exc)
                recorded = 0
            if options["verbosity"] > 0:
                self.stdout.write(f"{recorded} mutations recorded in {time.monotonic() - started:.1f} s.")
            if every <= 0:
                return
            seed = None if seed is None else seed + 1
            time.sleep(every)
