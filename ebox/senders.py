"""Who publishes for a centre: its own OAuth client, or the platform's as its declared mandatary."""

from dataclasses import dataclass

from django.conf import settings

from primaweb.models import Centre

from . import auth
from .failures import Failure
from .models import EboxCredentials


class SenderMissing(Exception):
    """The centre can not publish yet; `failure` says what its administrator must complete."""

    def __init__(self, failure: Failure):
        super().__init__(failure.code)
        self.failure = failure

    def __str__(self) -> str:
        return str(self.failure)


@dataclass(frozen=True)
class Sender:
    organization_id: str  # the centre's BCE: senderOrganizationId
    application_id: str  # senderApplicationId, from the centre's onboarding
    credentials: auth.Credentials


def sender_for(*, centre: Centre) -> Sender:
    """The centre's sender configuration; raises SenderMissing with a message for the worker."""
    row = EboxCredentials.objects.for_centre(centre).first()
    if row is None or not row.sender_application_id:
        raise SenderMissing(Failure("sender_not_configured"))
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
            raise SenderMissing(Failure("sender_without_mandate"))
    except auth.CredentialsError as exc:
        raise SenderMissing(Failure("sender_key_unreadable", {"error": str(exc)})) from exc
    return Sender(
        organization_id=centre.bce_number, application_id=row.sender_application_id, credentials=credentials
    )
