"""OAuth2 client credentials for publishers, and the bearer check the publisher API relies on.

As the social security's authorisation server does, a client proves itself with a JWT it signed with the
key of its certificate (private_key_jwt, RFC 7523): `iss` = `sub` = its client id, `aud` = this token
endpoint (or the audience set in EBOX_SIMULATOR_AUDIENCE), a short `exp`, a `jti` used once. The
signature is checked against the public keys registered for the client (certificates, public keys or a
JWKS, in the admin); a `kid` names one of them. A refused client gets the OAuth2 error `invalid_client`.
"""

import base64
import json
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from joserfc import jwt
from joserfc.errors import JoseError

from .. import errors
from ..keys import KeysInvalid, key_set
from ..models import AccessToken, OAuthClient, UsedAssertion

PUBLICATION_SCOPE_SUFFIX = "publicationsender"
CONSULTATION_SCOPE_SUFFIX = "consult"
FEDERATION_SCOPE_SUFFIX = "federation-rest:preference"
# A token may be asked for any of these; the consultation API accepts the first two, publishing only the
# first, the federation's preferences only the last.
TOKEN_SCOPE_SUFFIXES = (PUBLICATION_SCOPE_SUFFIX, CONSULTATION_SCOPE_SUFFIX, FEDERATION_SCOPE_SUFFIX)
CONSULTATION_SCOPE_SUFFIXES = (PUBLICATION_SCOPE_SUFFIX, CONSULTATION_SCOPE_SUFFIX)
DEFAULT_TOKEN_SECONDS = 300
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Asymmetric signatures only: a client has no shared secret here.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
# An assertion is a one-shot proof: one valid for longer than this is refused.
MAX_ASSERTION_SECONDS = 600
CLOCK_SKEW_SECONDS = 30


class AssertionRefused(Exception):
    pass


def token_lifetime() -> int:
    """Read at request time so that a test can shorten it with `override_settings`."""
    return int(getattr(settings, "EBOX_SIMULATOR_TOKEN_SECONDS", DEFAULT_TOKEN_SECONDS))


def _oauth_error(error: str, status: int, description: str) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _unverified(assertion: str) -> tuple[dict, dict]:
    """The header and claims, read before the key that checks them is known."""
    try:
        header, payload, _signature = assertion.split(".")
        return tuple(
            json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in (header, payload)
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise AssertionRefused("The client assertion is not a compact JWS.") from exc


def _expected_audiences(request: HttpRequest) -> set[str]:
    configured = getattr(settings, "EBOX_SIMULATOR_AUDIENCE", "") or ""
    audiences = {request.build_absolute_uri(request.path)}
    audiences.update(configured.split() if isinstance(configured, str) else configured)
    return audiences


def _number(claims: dict, name: str, *, required: bool) -> int | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise AssertionRefused(f"The assertion's '{name}' claim must be a NumericDate.")
    return value


def assertion_verify(assertion: str, *, audiences: set[str], form_client_id: str = "") -> OAuthClient:
    """The client that signed `assertion`, once its signature, claims and single use are checked;
    raises AssertionRefused with the reason otherwise."""
    header, claims = _unverified(assertion)
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise AssertionRefused("The client assertion is not a JWT.")
    issuer = claims.get("iss")
    client = OAuthClient.objects.filter(client_id=issuer).first() if isinstance(issuer, str) else None
    if client is None:
        raise AssertionRefused("Unknown client.")
    if form_client_id and form_client_id != client.client_id:
        raise AssertionRefused("client_id does not match the assertion's issuer.")
    try:
        keys = key_set(client.public_keys)
    except KeysInvalid as exc:
        raise AssertionRefused("The client has no usable registered key.") from exc
    kid = header.get("kid")
    # A key is named by the kid registered with it (a certificate's thumbprint) or by its RFC 7638 one.
    candidates = [key for key in keys.keys if kid in (key.kid, key.thumbprint())] if kid else list(keys.keys)
    if not candidates:
        raise AssertionRefused("No registered key has this key id (kid).")
    for key in candidates:
        try:
            jwt.decode(assertion, key, algorithms=ALGORITHMS)
            break
        except (JoseError, ValueError):
            continue
    else:
        raise AssertionRefused("The assertion's signature does not match the client's registered keys.")
    if claims.get("sub") != client.client_id:
        raise AssertionRefused("The assertion's 'sub' must be the client id.")
    audience = claims.get("aud")
    given = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    given = {item for item in given if isinstance(item, str)}
    if not given & audiences:
        raise AssertionRefused("The assertion's audience ('aud') is not this token endpoint.")
    now = int(timezone.now().timestamp())
    expires = _number(claims, "exp", required=True)
    issued = _number(claims, "iat", required=False)
    not_before = _number(claims, "nbf", required=False)
    if expires <= now:
        raise AssertionRefused("The assertion has expired.")
    if expires - min(issued or now, now) > MAX_ASSERTION_SECONDS:
        raise AssertionRefused(f"The assertion is valid for more than {MAX_ASSERTION_SECONDS} seconds.")
    if max(issued or 0, not_before or 0) > now + CLOCK_SKEW_SECONDS:
        raise AssertionRefused("The assertion is not valid yet.")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 1 <= len(jti) <= 255:
        raise AssertionRefused("The assertion needs a 'jti' of 1 to 255 characters.")
    UsedAssertion.objects.filter(expires_at__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(
                client=client, jti=jti, expires_at=datetime.fromtimestamp(expires, tz=UTC)
            )
    except IntegrityError:
        raise AssertionRefused("This assertion was already used (jti replayed).") from None
    return client


@csrf_exempt  # called by programs, which hold no CSRF token
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    if request.POST.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type", 400, "Only client_credentials is supported.")
    assertion = request.POST.get("client_assertion", "")
    if request.POST.get("client_assertion_type") != ASSERTION_TYPE or not assertion:
        return _oauth_error(
            "invalid_client", 401, "Client authentication by a signed JWT (private_key_jwt) is required."
        )
    try:
        client = assertion_verify(
            assertion,
            audiences=_expected_audiences(request),
            form_client_id=request.POST.get("client_id", ""),
        )
    except AssertionRefused as refused:
        return _oauth_error("invalid_client", 401, str(refused))
    scope = request.POST.get("scope", "").strip()
    if not scope.endswith(TOKEN_SCOPE_SUFFIXES):
        return _oauth_error(
            "invalid_scope",
            400,
            f"The scope must end in one of: {', '.join(TOKEN_SCOPE_SUFFIXES)}.",
        )
    lifetime = token_lifetime()
    access = AccessToken.objects.create(
        token=secrets.token_urlsafe(32),
        client=client,
        scope=scope,
        expires_at=timezone.now() + timedelta(seconds=lifetime),
    )
    return JsonResponse(
        {"access_token": access.token, "token_type": "Bearer", "expires_in": lifetime, "scope": scope}
    )


def bearer_client(
    request: HttpRequest, scope_suffixes: tuple[str, ...] = (PUBLICATION_SCOPE_SUFFIX,)
) -> OAuthClient:
    """The client behind a valid, unexpired bearer token whose scope ends in one of `scope_suffixes`;
    raises a 401 ApiError (no valid token) or a 403 (wrong scope) otherwise."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    access = None
    if scheme.lower() == "bearer" and value.strip():
        access = AccessToken.objects.select_related("client").filter(token=value.strip()).first()
    if access is None or access.expires_at <= timezone.now():
        raise errors.ApiError(
            401,
            errors.UNAUTHORIZED,
            "Invalid, expired or missing token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if not access.scope.endswith(scope_suffixes):
        raise errors.ApiError(
            403, errors.FORBIDDEN, f"The token lacks a scope ending in {' or '.join(scope_suffixes)}"
        )
    return access.client
