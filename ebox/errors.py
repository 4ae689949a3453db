"""The eBox service's failures, and what an HTTP answer or a network error means in their terms.

`EboxTransientError` is worth retrying (possibly after `retry_after` seconds); `EboxRejected` means the
service refused the request for good.
"""

import requests
import urllib3


class EboxError(Exception):
    pass


class EboxTransientError(EboxError):
    """The service was unreachable, overloaded or failing: the same request may succeed later.

    `maybe_stored` is False only when the failure proves the service stored nothing (the connection was
    never made, a token step failed, a 401, a 429, a 503 with Retry-After: refused before the body was
    read); a time-out after the body left, a reset connection or another 5xx may hide a stored message.
    """

    def __init__(self, message: str, retry_after: float | None = None, *, maybe_stored: bool = True):
        super().__init__(message)
        self.retry_after = retry_after
        self.maybe_stored = maybe_stored


class EboxRejected(EboxError):
    """The service refused the request: sending it again unchanged will not help."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


def retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def json_of(response: requests.Response) -> dict | list:
    try:
        return response.json()
    except ValueError:
        return {}


def never_connected(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the service: the connection was refused, timed out
    or its name did not resolve. A reset or a read time-out may come after the body was received."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.ReadTimeout):
        return False
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def refused_unread(response: requests.Response) -> bool:
    # A 429, or a 503 asking to come back later: the gateway turned the request away before reading it.
    return response.status_code == 429 or (response.status_code == 503 and retry_after(response) is not None)


def raise_for(response: requests.Response) -> None:
    status = response.status_code
    if status == 429 or status >= 500:
        raise EboxTransientError(
            f"HTTP {status}", retry_after(response), maybe_stored=not refused_unread(response)
        )
    if status >= 400:
        body = json_of(response)
        body = body if isinstance(body, dict) else {}
        raise EboxRejected(str(body.get("code") or f"HTTP {status}"), str(body.get("message") or ""))
