"""The eBox onboarding of the tests: the platform's key and certificate (generated once per run, never
committed), each test centre's sender configuration, and the simulated eBox's record of both."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PLATFORM_CLIENT_ID = "primaweb"
PLATFORM_BCE = "0123456056"
TEST_APPLICATION_ID = "primaweb-test"
# The message types the test document types use (the factory's and the demo's).
TEST_MESSAGE_TYPES = ("CPAS_DECISION", "CPAS_REQUEST", "CPAS_ACKNOWLEDGEMENT", "CPAS_INFORMATION")


@dataclass(frozen=True)
class KeyPair:
    private_key: str  # PEM
    certificate: str  # PEM
    public_key: str  # PEM


@lru_cache(maxsize=8)
def key_pair(name: str = "platform", kind: str = "rsa") -> KeyPair:
    """A private key and a self-signed certificate, made with cryptography once per name and run."""
    key = ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, 2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test {name}")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return KeyPair(
        private_key=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        certificate=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        public_key=key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    )


def use_platform_key(settings) -> None:
    """The platform's client signs with the test key pair (PEM in the settings, as from the environment)."""
    settings.EBOX_CLIENT_ID = PLATFORM_CLIENT_ID
    settings.EBOX_PRIVATE_KEY = key_pair().private_key
    settings.EBOX_CERTIFICATE = key_pair().certificate
    settings.EBOX_TOKEN_AUDIENCE = ""
    settings.EBOX_PLATFORM_MANDATARY = True


def simulator_publisher(
    *, client_id: str = PLATFORM_CLIENT_ID, keys: str | None = None, organization=PLATFORM_BCE
):
    """The publisher as the simulated eBox registered it (created with the test certificate if new)."""
    from simulators.ebox.models import OAuthClient

    client, _created = OAuthClient.objects.get_or_create(
        client_id=client_id,
        defaults={"organization_bce": organization, "public_keys": keys or key_pair().certificate},
    )
    if not client.public_keys:  # the row migration 0002 seeded, from the days of client secrets
        client.organization_bce, client.public_keys = organization, keys or key_pair().certificate
        client.save(update_fields=["organization_bce", "public_keys"])
    return client


def onboard(centre, *, application_id: str = TEST_APPLICATION_ID, message_types=TEST_MESSAGE_TYPES) -> None:
    """The centre's eBox onboarding on both sides: its sender configuration in Primaweb, and in the
    simulated eBox the platform declared its mandatary with the configurations registered."""
    from ebox.models import EboxCredentials
    from simulators.ebox.models import SenderConfiguration

    EboxCredentials.objects.for_centre(centre).get_or_create(
        centre=centre, defaults={"sender_application_id": application_id}
    )
    publisher = simulator_publisher()
    if centre.bce_number not in publisher.mandatary_for.split():
        publisher.mandatary_for = f"{publisher.mandatary_for}\n{centre.bce_number}".strip()
        publisher.save(update_fields=["mandatary_for"])
    for message_type in message_types:
        SenderConfiguration.objects.get_or_create(
            organization_bce=centre.bce_number,
            application_id=application_id,
            message_type_id=message_type,
            recipient_type="citizen",
        )


def own_client(centre, directory) -> str:
    """The centre onboarded with its own OAuth client, on both sides: in Primaweb its access names the
    client and the key and certificate written under `directory`; in the simulated eBox the client's
    certificate is the centre's (its organisation is the centre), so its tokens open the centre's e-Box.
    Returns the client id."""
    from pathlib import Path

    from ebox.models import EboxCredentials
    from simulators.ebox.models import OAuthClient

    client_id, keys = f"cpas-{centre.bce_number}", key_pair(f"centre-{centre.bce_number}")
    directory = Path(directory)
    (directory / f"{client_id}-key.pem").write_text(keys.private_key)
    (directory / f"{client_id}-cert.pem").write_text(keys.certificate)
    EboxCredentials.objects.for_centre(centre).update_or_create(
        centre=centre,
        defaults={
            "client_id": client_id,
            "private_key_file": str(directory / f"{client_id}-key.pem"),
            "certificate_file": str(directory / f"{client_id}-cert.pem"),
        },
        create_defaults={
            "sender_application_id": TEST_APPLICATION_ID,
            "client_id": client_id,
            "private_key_file": str(directory / f"{client_id}-key.pem"),
            "certificate_file": str(directory / f"{client_id}-cert.pem"),
        },
    )
    OAuthClient.objects.update_or_create(
        client_id=client_id,
        defaults={"organization_bce": centre.bce_number, "public_keys": keys.certificate},
    )
    return client_id
