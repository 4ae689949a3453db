"""The address a request came from, as the reverse proxies we trust saw it.

The lock-out after failed sign-ins (django-axes), the public rate limits and the audit trail all ask this
one function, so that they can never disagree about who is knocking.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str | None:
    """Returns the client's IP address in canonical form, or None when there is no valid one.

    Each trusted proxy appends the address it received the connection from to `X-Forwarded-For`, so the
    client is the `PRIMAWEB_TRUSTED_PROXIES`-th entry counted from the right; everything to its left was
    sent by the client and proves nothing. With no trusted proxy, or when the header is shorter than the
    chain of proxies or its entry is not an address (the request did not come through them all), the
    peer of the connection, `REMOTE_ADDR`, is the only address nobody but the network chose.
    """
    if request is None:
        return None
    trusted = settings.PRIMAWEB_TRUSTED_PROXIES
    if trusted > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
        hops = header.split(",") if header else []
        if len(hops) >= trusted:
            address = _address(hops[-trusted])
            if address is not None:
                return address
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(value: str) -> str | None:
    value = value.strip()
    # Some proxies write the client's port too: "192.0.2.1:5678", "[2001:db8::1]:5678".
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
