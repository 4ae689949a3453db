"""How many times someone may do something in a while: a counter per key, kept in the shared cache.

The cache is Redis in production, so every web process counts the same attempts. Used by CPAS Online's
public form (per client address) and by the admin's « Ajouter une personne existante » (per
administrator).

Kept rather than django-ratelimit: that library's counter is this same fixed window in the cache, but
it is driven by the request (a view decorator, or `is_ratelimited(request, ...)` with key functions of
the request), while these limits are counted inside services that may run without one (the invitation
service per administrator) and on the address `primaweb.network.rate_limit_key` derives (the trusted
proxy count, an IPv6 client by its /64) — one rule shared with the sign-in lock-out and the audit trail.
Ten lines here cost less than a dependency and a second notion of the client's address.
"""

from django.core.cache import cache


def rate_limit_allows(*, key: str, limit: int, window: int = 3600) -> bool:
    """Counts one attempt under `key`; False once more than `limit` were made in `window` seconds."""
    key = f"primaweb:rate:{key}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
