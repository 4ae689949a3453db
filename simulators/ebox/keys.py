"""The public keys a publisher registered (its certificates, public keys or a JWKS), as JOSE keys.

A certificate's key gets the certificate's SHA-256 thumbprint (base64url) as its key id, a bare public
key its RFC 7638 thumbprint, a JWKS entry its own `kid`: an assertion's `kid` picks among them.
"""

import base64
import json
import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from joserfc.jwk import ECKey, KeySet, RSAKey

PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.S)


class KeysInvalid(ValueError):
    pass


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jose(public_key, kid: str | None = None):
    for key_type in (RSAKey, ECKey):
        try:
            key = key_type.import_key(public_key)
        except Exception:  # noqa: BLE001, S112 - try the next key type
            continue
        return key_type.import_key(public_key, {"kid": kid or key.thumbprint()})
    raise KeysInvalid("only RSA and EC keys are supported")


def key_set(text: str) -> KeySet:
    """The registered keys; raises KeysInvalid for anything that is not PEM or a JWKS."""
    text = (text or "").strip()
    if not text:
        return KeySet([])
    if text.startswith("{"):
        try:
            keys = KeySet.import_key_set(json.loads(text))
        except Exception as exc:  # noqa: BLE001 - any malformed JWKS is the same mistake
            raise KeysInvalid(f"not a valid JWKS: {exc}") from exc
        if any(key.is_private for key in keys.keys):
            raise KeysInvalid("a JWKS registered here holds public keys only")
        return keys
    found = []
    for match in PEM_BLOCK.finditer(text):
        block, kind = match.group(0).encode("ascii", "replace"), match.group(1)
        try:
            if kind == "CERTIFICATE":
                certificate = x509.load_pem_x509_certificate(block)
                found.append(
                    _jose(certificate.public_key(), _b64url(certificate.fingerprint(hashes.SHA256())))
                )
            elif kind == "PUBLIC KEY":
                found.append(_jose(serialization.load_pem_public_key(block)))
            else:
                raise KeysInvalid(f"{kind}: only certificates and public keys may be registered")
        except ValueError as exc:
            raise KeysInvalid(str(exc)) from exc
    if not found:
        raise KeysInvalid("no PEM certificate or public key found")
    return KeySet(found)
