"""Who Primaweb is to the eBox: OAuth2 client credentials proved by a signed JWT (private_key_jwt).

The social security's authorisation server (REST/oauth/v3/token) authenticates a client by a JWT it
signed with the key of its certificate (RFC 7523): `iss` = `sub` = the client id, `aud` = the audience
the server announces (https://oauth.socialsecurity.be in production), a fresh `jti`, and a short `exp`.
The header's `kid` is the certificate's SHA-256 thumbprint (base64url, as `x5t#S256`), so that a server
holding several certificates of the client knows which one to check.

No database here: credentials come from the settings (files or PEM text in the environment) or from a
centre's own `EboxCredentials`, and are plain dataclasses.
"""

import base64
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from authlib.oauth2.rfc7523 import private_key_jwt_sign
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.conf import settings
from joserfc.jwk import ECKey, RSAKey

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# An assertion is used once, at once: two minutes cover clock skew without leaving a replayable window.
ASSERTION_SECONDS = 120


class CredentialsError(Exception):
    """The key or the certificate is missing or unreadable: a deployment mistake, not a passing failure."""


@dataclass(frozen=True)
class Credentials:
    client_id: str
    private_key: str  # PEM
    certificate: str = ""  # PEM; gives the `kid`

    @property
    def cache_name(self) -> str:
        return self.client_id


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"eBox {what} {path}: {exc}") from exc


def credentials_load(
    *,
    client_id: str,
    private_key: str = "",
    private_key_file: str = "",
    certificate: str = "",
    certificate_file: str = "",
) -> Credentials:
    """Credentials from PEM text or, failing that, from files; raises CredentialsError when unusable."""
    if not client_id:
        raise CredentialsError("eBox: no client id")
    key_pem = private_key or (_read(private_key_file, "private key") if private_key_file else "")
    if not key_pem:
        raise CredentialsError(f"eBox client {client_id}: no private key")
    cert_pem = certificate or (_read(certificate_file, "certificate") if certificate_file else "")
    credentials = Credentials(client_id=client_id, private_key=key_pem, certificate=cert_pem)
    _signing_key(credentials.private_key)  # fail now, with a clear message, rather than at the token call
    if cert_pem:
        key_id(credentials)
    return credentials


def platform_credentials() -> Credentials:
    """The platform's own OAuth client (EBOX_CLIENT_ID with its key and certificate)."""
    return credentials_load(
        client_id=settings.EBOX_CLIENT_ID,
        private_key=settings.EBOX_PRIVATE_KEY,
        private_key_file=settings.EBOX_PRIVATE_KEY_FILE,
        certificate=settings.EBOX_CERTIFICATE,
        certificate_file=settings.EBOX_CERTIFICATE_FILE,
    )


@lru_cache(maxsize=16)
def _signing_key(pem: str) -> RSAKey | ECKey:
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise CredentialsError(f"eBox private key: {exc}") from exc
    for key_type in (RSAKey, ECKey):
        try:
            return key_type.import_key(key)
        except Exception:  # noqa: BLE001, S112 - try the next key type
            continue
    raise CredentialsError("eBox private key: only RSA and EC keys can sign the assertion")


@lru_cache(maxsize=16)
def _thumbprint(certificate_pem: str) -> str:
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CredentialsError(f"eBox certificate: {exc}") from exc
    return _b64url(certificate.fingerprint(hashes.SHA256()))


def key_id(credentials: Credentials) -> str:
    """The certificate's SHA-256 thumbprint; without a certificate, the key's RFC 7638 thumbprint."""
    if credentials.certificate:
        return _thumbprint(credentials.certificate)
    return _signing_key(credentials.private_key).thumbprint()


def client_assertion(credentials: Credentials, *, audience: str, now: int | None = None) -> str:
    """A signed, single-use JWT proving the client's identity to the token endpoint."""
    key = _signing_key(credentials.private_key)
    issued_at = int(time.time()) if now is None else now
    algorithm = "RS256" if isinstance(key, RSAKey) else "ES256"
    return private_key_jwt_sign(
        key,
        client_id=credentials.client_id,
        token_endpoint=audience,
        alg=algorithm,
        header={"kid": key_id(credentials), "typ": "JWT"},
        issued_at=issued_at,
        expires_at=issued_at + ASSERTION_SECONDS,
    )
