"""The citizen's federal sign-in (FAS / CSAM) over OpenID Connect: the only proof of a citizen's NISS.

Off unless configured (`CPAS_ONLINE_OIDC_*` settings from the environment): CPAS Online then asks the
citizen to type their identity. Authorization code flow with PKCE and a state bound to the browser's
session; the NISS is read from the provider's userinfo endpoint, reached server to server over TLS with
the access token. No database access here: the views keep the state, the services read the register.
"""

from dataclasses import dataclass

from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from requests import RequestException


class FederalSignInFailed(Exception):
    """The provider refused, did not answer, or gave no usable NISS."""


@dataclass(frozen=True)
class Started:
    url: str  # where to send the citizen's browser
    state: str
    code_verifier: str


def configured() -> bool:
    return bool(
        settings.CPAS_ONLINE_OIDC_AUTHORIZATION_URL
        and settings.CPAS_ONLINE_OIDC_TOKEN_URL
        and settings.CPAS_ONLINE_OIDC_USERINFO_URL
        and settings.CPAS_ONLINE_OIDC_CLIENT_ID
    )


def build_session(*, redirect_uri: str) -> OAuth2Session:
    """One client per sign-in; tests mount an HTTP adapter on it."""
    return OAuth2Session(
        client_id=settings.CPAS_ONLINE_OIDC_CLIENT_ID,
        client_secret=settings.CPAS_ONLINE_OIDC_CLIENT_SECRET or None,
        scope=settings.CPAS_ONLINE_OIDC_SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def start(*, redirect_uri: str) -> Started:
    """The provider's authorization URL, with a fresh state and PKCE verifier for the caller to keep."""
    code_verifier = generate_token(48)
    url, state = build_session(redirect_uri=redirect_uri).create_authorization_url(
        settings.CPAS_ONLINE_OIDC_AUTHORIZATION_URL, code_verifier=code_verifier
    )
    return Started(url=url, state=state, code_verifier=code_verifier)


def finish(*, redirect_uri: str, authorization_response: str, state: str, code_verifier: str) -> str:
    """The NISS the provider vouches for, from the callback URL; raises `FederalSignInFailed`."""
    http = build_session(redirect_uri=redirect_uri)
    timeout = settings.CPAS_ONLINE_OIDC_TIMEOUT
    try:
        http.fetch_token(
            settings.CPAS_ONLINE_OIDC_TOKEN_URL,
            authorization_response=authorization_response,
            state=state,
            code_verifier=code_verifier,
            timeout=timeout,
        )
        response = http.get(settings.CPAS_ONLINE_OIDC_USERINFO_URL, timeout=timeout)
        response.raise_for_status()
        claims = response.json()
    except (AuthlibBaseError, RequestException, ValueError) as exc:
        raise FederalSignInFailed(str(exc)) from exc
    niss = str(claims.get(settings.CPAS_ONLINE_OIDC_NISS_CLAIM) or "").strip()
    if not (niss.isdigit() and len(niss) == 11):
        raise FederalSignInFailed("no national register number in the userinfo claims")
    return niss
