"""OAuth2 client credentials for publishers, and the bearer check the publisher API relies on.

The real service wants a JWT signed with the CPAS's certificate (private_key_jwt); the simulator accepts
a plain client secret, in the form or as HTTP Basic, which is enough for the client to prove it obtains
and refreshes a bearer token.
"""

import base64
import binascii
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import errors
from .models import AccessToken, OAuthClient

PUBLICATION_SCOPE_SUFFIX = "publicationsender"
CONSULTATION_SCOPE_SUFFIX = "consult"
# A token may be asked for either scope; the consultation API accepts both, publishing only the first.
TOKEN_SCOPE_SUFFIXES = (PUBLICATION_SCOPE_SUFFIX, CONSULTATION_SCOPE_SUFFIX)
CONSULTATION_SCOPE_SUFFIXES = TOKEN_SCOPE_SUFFIXES
DEFAULT_SCOPE = "scope:document:management:consult:ws-eboxrestentreprise:publicationsender"
DEFAULT_TOKEN_SECONDS = 300


def token_lifetime() -> int:
    """Read at request time so that a test can shorten it with `override_settings`."""
    return int(getattr(settings, "EBOX_SIMULATOR_TOKEN_SECONDS", DEFAULT_TOKEN_SECONDS))


def _oauth_error(error: str, status: int, description: str) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="ebox-simulator"'
    return response


def _credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id, secret
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


# The publisher client Primaweb's default settings use; always known to the simulator, even in a
# database emptied after the migration that seeds it (as transactional tests do).
DEFAULT_CLIENTS = {"primaweb": "primaweb-simulator-secret"}


def client_authenticate(client_id: str, secret: str) -> OAuthClient | None:
    client = OAuthClient.objects.filter(client_id=client_id).first()
    if client is None and client_id in DEFAULT_CLIENTS:
        client, _created = OAuthClient.objects.get_or_create(
            client_id=client_id,
            defaults={"client_secret": DEFAULT_CLIENTS[client_id], "name": "Primaweb (développement)"},
        )
    if client and hmac.compare_digest(client.client_secret.encode(), secret.encode()):
        return client
    return None


@csrf_exempt  # called by programs, which hold no CSRF token
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    if request.POST.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type", 400, "Only client_credentials is supported.")
    client = client_authenticate(*_credentials(request))
    if client is None:
        return _oauth_error("invalid_client", 401, "Unknown client or wrong secret.")
    scope = request.POST.get("scope", "").strip()
    if not scope.endswith(TOKEN_SCOPE_SUFFIXES):
        return _oauth_error(
            "invalid_scope",
            400,
            f"The scope must end in '{PUBLICATION_SCOPE_SUFFIX}' or '{CONSULTATION_SCOPE_SUFFIX}'.",
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
