"""How long to wait before asking the eBox service again: one policy for every caller of the service
(the eBox sends and the centre's e-Box import), which honours the service's Retry-After."""

import random

BACKOFF_BASE = 10  # seconds before the second attempt
BACKOFF_MAX = 900
# Below Redis's visibility timeout (3600 s): a retry waiting longer would be handed out twice. The
# publication's lease, not the visibility timeout, is what notices a dead worker (ebox.outbox).
RETRY_AFTER_MAX = 1800


def retry_delay(retries: int, retry_after: float | None = None) -> float:
    """Exponential back-off with jitter; the service's Retry-After, when given, is a floor."""
    delay = min(BACKOFF_MAX, BACKOFF_BASE * 2**retries)
    delay = random.uniform(delay / 2, delay)  # noqa: S311 - jitter, not cryptography
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_MAX))
    return delay
