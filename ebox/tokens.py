"""The bearer tokens of the eBox services: asked for with a signed assertion (private_key_jwt), kept in
the shared cache so that every worker uses the same one while it is valid."""

import hashlib

import requests
from django.conf import settings
from django.core.cache import cache

from . import auth
from .errors import EboxRejected, EboxTransientError, json_of, retry_after

# Renew the token this many seconds before the service says it expires, so that it never expires in flight.
TOKEN_MARGIN = 30


def _token_cache_key(credentials: auth.Credentials, scope: str) -> str:
    scope_digest = hashlib.sha256(scope.encode()).hexdigest()[:16]
    return f"ebox:token:{credentials.cache_name}:{scope_digest}"


def forget_token(credentials: auth.Credentials | None = None, scope: str | None = None) -> None:
    credentials = credentials or auth.platform_credentials()
    cache.delete(_token_cache_key(credentials, scope or settings.EBOX_SCOPE))


def access_token(
    session: requests.Session,
    *,
    credentials: auth.Credentials | None = None,
    scope: str | None = None,
    renew: bool = False,
) -> str:
    """A bearer token for `credentials` (the platform's by default) and `scope`, from the shared cache
    while it is still valid for at least TOKEN_MARGIN seconds, else asked for with a fresh signed
    assertion (private_key_jwt). Every worker shares the cache, so they share one token."""
    try:
        credentials = credentials or auth.platform_credentials()
    except auth.CredentialsError as exc:
        raise EboxRejected("invalid_client", str(exc)) from exc
    scope = scope or settings.EBOX_SCOPE
    key = _token_cache_key(credentials, scope)
    if not renew:
        token = cache.get(key)
        if token:
            return token
    assertion = auth.client_assertion(
        credentials, audience=settings.EBOX_TOKEN_AUDIENCE or settings.EBOX_TOKEN_URL
    )
    try:
        response = session.post(
            settings.EBOX_TOKEN_URL,
            data={
                "grant_type": "client_credentials",
                "client_id": credentials.client_id,
                "client_assertion_type": auth.ASSERTION_TYPE,
                "client_assertion": assertion,
                "scope": scope,
            },
            timeout=settings.EBOX_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise EboxTransientError(f"token: {exc.__class__.__name__}: {exc}", maybe_stored=False) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise EboxTransientError(
            f"token: HTTP {response.status_code}", retry_after(response), maybe_stored=False
        )
    body = json_of(response)
    if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
        error = body.get("error", "") if isinstance(body, dict) else ""
        description = body.get("error_description", "") if isinstance(body, dict) else ""
        raise EboxRejected(error or f"HTTP {response.status_code}", description or "token refused")
    token = body["access_token"]
    try:
        lifetime = int(body.get("expires_in") or 300) - TOKEN_MARGIN
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime > 0:
        cache.set(key, token, timeout=lifetime)
    return token
