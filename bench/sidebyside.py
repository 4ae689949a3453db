"""What the side-by-side list benches share, with no side effect at import (import it once Django is set
up): a client signed in to a centre, one page timed in two centres in alternation, and its result line."""

import statistics
import time

from django.test import Client


def signed_in(user, centre) -> Client:
    """A client signed in as `user`, with `centre` chosen."""
    from primaweb.tenancy import CurrentCentreMiddleware

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[CurrentCentreMiddleware.SESSION_KEY] = centre.pk
    session.save()
    return client


def medians_side_by_side(calls: dict, rounds: int) -> dict:
    """`calls`: label → a function that loads the page once. Each is warmed up, then all are called in
    turn `rounds` times, so that the machine's noise falls on every size alike; label → median seconds."""
    times = {label: [] for label in calls}
    for call in calls.values():
        call()
    for _ in range(rounds):
        for label, call in calls.items():
            began = time.perf_counter()
            call()
            times[label].append(time.perf_counter() - began)
    return {label: statistics.median(values) for label, values in times.items()}


def result_line(name: str, small: float, large: float, counts: list[int], target: float, width: int):
    """(ratio, the printed line): met when the large centre's median is within `target` times the small
    one's and both pages ran the same number of SQL queries."""
    ratio = large / small
    verdict = "met" if ratio <= target and counts[0] == counts[1] else "MISSED"
    line = (
        f"  {name:<{width}} {small * 1000:8.1f} {large * 1000:8.1f} {ratio:5.2f}x "
        f"  {counts[0]:>2} / {counts[1]:<2}  {verdict}"
    )
    return ratio, line
