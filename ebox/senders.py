"""Who publishes for a centre: its own OAuth client, or the platform's as its declared mandatary."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from primaweb.models import Centre

from . import auth
from .models import EboxCredentials


class SenderMissing(Exception):
    """The centre can not publish yet; the message says what its administrator must complete."""


@dataclass(frozen=True)
class Sender:
    organization_id: str  # the centre's BCE: senderOrganizationId
    application_id: str  # senderApplicationId, from the centre's onboarding
    credentials: auth.Credentials


def sender_for(*, centre: Centre) -> Sender:
    """The centre's sender configuration; raises SenderMissing with a message for the worker."""
    row = EboxCredentials.objects.for_centre(centre).first()
    if row is None or not row.sender_application_id:
        raise SenderMissing(
            _(
                "L'accès eBox de ce C.P.A.S. n'est pas configuré (identifiant d'application) : "
                "l'administrateur doit le compléter."
            )
        )
    try:
        if row.client_id:
            credentials = auth.credentials_load(
                client_id=row.client_id,
                private_key_file=row.private_key_file,
                certificate_file=row.certificate_file,
            )
        elif settings.EBOX_PLATFORM_MANDATARY:
            credentials = auth.platform_credentials()
        else:
            raise SenderMissing(
                _(
                    "Ce C.P.A.S. n'a pas de client eBox propre et la plateforme n'est pas son "
                    "mandataire : l'administrateur doit compléter son accès eBox."
                )
            )
    except auth.CredentialsError as exc:
        raise SenderMissing(
            _("La clé ou le certificat eBox est illisible : %(error)s") % {"error": exc}
        ) from exc
    return Sender(
        organization_id=centre.bce_number, application_id=row.sender_application_id, credentials=credentials
    )
