"""Fault injection for the publisher API: latency, 500/503/429 answers, dropped connections, and a 503
or a dropped connection after a publication was stored (the lost answer a client can not tell from a
failure). A 503 or 429 before handling carries Retry-After, as a gateway turning a request away unread
does; a 503 after storing does not.

Values come from the `FaultSettings` row (editable in the admin), overridden key by key by the Django
setting `EBOX_SIMULATOR_FAULTS` (a dict with the model's field names), read on every request. With a
`seed`, the draws repeat from one process start (or `random_reset()`) to the next; each process keeps its
own sequence, so determinism holds for one server process.
"""

import contextlib
import random
import socket
import threading
import time
from dataclasses import dataclass, fields

from django.conf import settings
from django.http import HttpRequest

from . import errors
from .models import FaultSettings


@dataclass(frozen=True)
class Faults:
    latency_ms: int = 0
    drop_share: float = 0
    error_500_share: float = 0
    error_503_share: float = 0
    throttle_share: float = 0
    retry_after_seconds: int = 1
    fail_after_store_share: float = 0
    drop_after_store_share: float = 0
    seed: int | None = None
    api_version: str = ""  # "" follows the EBOX_API_VERSION setting

    @property
    def honours_idempotency_key(self) -> bool:
        """v3 answers a repeated Idempotency-Key with 409; 2.1 ignores the header and publishes again."""
        return (self.api_version or getattr(settings, "EBOX_API_VERSION", "2.1")) != "2.1"


class ConnectionDropped(Exception):
    """Raised after the server's socket was shut down; also what a Django test client sees."""


_lock = threading.Lock()
_random: dict = {"seed": None, "source": random.Random()}


def current() -> Faults:
    row = FaultSettings.objects.filter(pk=1).first()
    values = {f.name: getattr(row, f.name) for f in fields(Faults)} if row else {}
    overrides = getattr(settings, "EBOX_SIMULATOR_FAULTS", None) or {}
    unknown = set(overrides) - {f.name for f in fields(Faults)}
    if unknown:
        raise ValueError(f"EBOX_SIMULATOR_FAULTS has unknown keys: {sorted(unknown)}")
    return Faults(**{**values, **overrides})


def random_reset() -> None:
    """Starts the seeded sequence again (the next draw re-seeds)."""
    with _lock:
        _random["seed"] = None
        _random["source"] = random.Random()


def _draw(seed: int | None) -> float:
    with _lock:
        if seed is not None and _random["seed"] != seed:
            _random["seed"], _random["source"] = seed, random.Random(seed)
        elif seed is None and _random["seed"] is not None:
            _random["seed"], _random["source"] = None, random.Random()
        return _random["source"].random()


def _server_socket(request: HttpRequest):
    """The client connection's socket when the WSGI server lets us reach it (gunicorn, runserver)."""
    environ = request.META
    if "gunicorn.socket" in environ:
        return environ["gunicorn.socket"]
    try:
        # runserver (wsgiref): wsgi.input is Django's LimitedStream over the socket's reader.
        return environ["wsgi.input"]._read.__self__.raw._sock
    except (AttributeError, KeyError):
        return None


def _drop(request: HttpRequest, why: str = "fault injection: connection dropped before any answer") -> None:
    connection = _server_socket(request)
    if connection is not None:
        with contextlib.suppress(OSError):  # the client may have gone already
            connection.shutdown(socket.SHUT_RDWR)
    raise ConnectionDropped(why)


def before_handling(request: HttpRequest, faults: Faults) -> None:
    """Sleeps the latency, then may drop the connection or raise a 500/503/429 ApiError — always before
    the request changes anything, so a retry is safe."""
    if faults.latency_ms:
        time.sleep(faults.latency_ms / 1000)
    draw = _draw(faults.seed)
    bands = (
        (faults.drop_share, None),
        (faults.error_500_share, errors.ApiError(500, "INTERNAL_ERROR", "Simulated internal error")),
        (
            faults.error_503_share,
            errors.ApiError(
                503,
                "SERVICE_UNAVAILABLE",
                "Simulated unavailability",
                headers={"Retry-After": str(faults.retry_after_seconds)},
            ),
        ),
        (
            faults.throttle_share,
            errors.ApiError(
                429,
                "TOO_MANY_REQUESTS",
                "Simulated rate limit",
                headers={"Retry-After": str(faults.retry_after_seconds)},
            ),
        ),
    )
    threshold = 0.0
    for share, error in bands:
        threshold += share
        if draw < threshold:
            if error is None:
                _drop(request)
            raise error


def after_store(request: HttpRequest, faults: Faults) -> None:
    """May answer a 503, or drop the connection, although the publication is stored: the lost answer."""
    if faults.fail_after_store_share and _draw(faults.seed) < faults.fail_after_store_share:
        raise errors.ApiError(503, "SERVICE_UNAVAILABLE", "Simulated unavailability after storing")
    if faults.drop_after_store_share and _draw(faults.seed) < faults.drop_after_store_share:
        _drop(request, "fault injection: connection dropped after storing the publication")
