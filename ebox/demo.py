"""The eBox side of `make run`: a demo certificate for the platform's OAuth client, each demo centre's
sender configuration, and the onboarding requests the simulated eBox registers them from.

The first demo centre holds its own OAuth client (its own certificate): it publishes as itself, and its
credentials open its own e-Box in the consultation API, which the import of « e-Box du C.P.A.S. » reads.
The other centres publish through the platform's client as their declared mandatary; a mandatary does
not read their boxes. Key pairs are generated into var/ (never committed) the first time; a deployment
gives its own key and certificate through the settings instead, and this seeder then leaves them alone.
"""

import datetime
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from documents.selectors import document_types_of_centre

from .models import EboxCredentials

# The platform's own organisation in the demo (its certificate's OU), mandatary of the demo centres.
DEMO_PLATFORM_BCE = "0123456056"


def onboarding_file() -> Path:
    return Path(settings.VAR_DIR) / "ebox" / "onboarding.json"


def demo_key_pair(*, key_file: Path, certificate_file: Path, organization_bce: str) -> None:
    """Writes an RSA key and a self-signed certificate naming the organisation, if not there yet."""
    if key_file.exists() and certificate_file.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Primaweb (demonstration)"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"CBE={organization_bce}"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    certificate_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _own_client(centre) -> dict:
    """The centre's own OAuth client: its key pair in var/ebox/, named in its eBox access."""
    client_id = f"cpas-{centre.bce_number}"
    key_file = Path(settings.VAR_DIR) / "ebox" / f"{client_id}-key.pem"
    certificate_file = Path(settings.VAR_DIR) / "ebox" / f"{client_id}-cert.pem"
    demo_key_pair(key_file=key_file, certificate_file=certificate_file, organization_bce=centre.bce_number)
    EboxCredentials.objects.for_centre(centre).filter(client_id="").update(
        client_id=client_id, private_key_file=str(key_file), certificate_file=str(certificate_file)
    )
    return {
        "clientId": client_id,
        "organizationId": centre.bce_number,
        "certificate": certificate_file.read_text(),
        "mandataryFor": [],
        "configurations": [],
    }


def seed_ebox_senders(centres) -> None:
    """The first demo centre publishes with its own client, the others through the platform's client as
    their mandatary; `onboarding.json` holds the requests that register both in the simulated eBox."""
    own_key = not settings.EBOX_PRIVATE_KEY and not settings.EBOX_CERTIFICATE
    certificate_file = Path(settings.EBOX_CERTIFICATE_FILE)
    if own_key:
        demo_key_pair(
            key_file=Path(settings.EBOX_PRIVATE_KEY_FILE),
            certificate_file=certificate_file,
            organization_bce=DEMO_PLATFORM_BCE,
        )
    configurations = []
    for centre in centres:
        credentials, _created = EboxCredentials.objects.for_centre(centre).get_or_create(
            centre=centre, defaults={"sender_application_id": f"primaweb.cpas-{centre.bce_number}"}
        )
        types = document_types_of_centre(centre=centre).values_list("ebox_message_type", flat=True)
        configurations += [
            {
                "senderOrganizationId": centre.bce_number,
                "senderApplicationId": credentials.sender_application_id,
                "messageTypeId": message_type,
                "recipientType": "citizen",
            }
            for message_type in sorted(set(types) - {""})
        ]
    certificate = settings.EBOX_CERTIFICATE or (
        certificate_file.read_text() if certificate_file.exists() else ""
    )
    own = [_own_client(centre) for centre in centres[:1]]
    platform = {
        "clientId": settings.EBOX_CLIENT_ID,
        "organizationId": DEMO_PLATFORM_BCE,
        "certificate": certificate,
        "mandataryFor": sorted(centre.bce_number for centre in centres[1:]),
        "configurations": configurations,
    }
    path = onboarding_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([platform, *own], indent=2))
