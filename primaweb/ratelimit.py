"""How many times someone may do something in a while: a counter per key, kept in the shared cache.

The cache is Redis in production, so every web process counts the same attempts. Used by CPAS Online's
public form (per client address) and by the admin's « Ajouter une personne existante » (per
administrator).
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
