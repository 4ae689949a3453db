"""The address a request came from, as the reverse proxies we trust saw it.

The lock-out after failed sign-ins (django-axes), the public rate limits and the audit trail all ask this
one function, so that they can never disagree about who is knocking. The audit trail keeps the full
address; the lock-out and the rate limits count a client by `rate_limit_key`, which is its IPv6 /64.
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


# An IPv6 network hands each site (a household, a server) at least a /64, in which a host picks its own
# addresses at will (SLAAC, privacy extensions): counting full addresses would give anyone 2^64 tries.
IPV6_CLIENT_PREFIX = 64


def rate_limit_key(address: str | None) -> str | None:
    """Whom a rate limit or the lock-out counts for `address`: an IPv4 address itself, an IPv6 address by
    its /64 (given as the first address of that /64, so that it is still an address, as django-axes
    stores it). An IPv4 address written as IPv6 (``::ffff:192.0.2.1``) is its IPv4 address: all of
    them share one /64. None for no valid address."""
    if address is None:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_CLIENT_PREFIX), strict=False).network_address)
    return str(ip)


def lockout_address(request: HttpRequest | None) -> str | None:
    """What django-axes locks out (`AXES_CLIENT_IP_CALLABLE`): the client's `rate_limit_key`."""
    return rate_limit_key(client_address(request))


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
