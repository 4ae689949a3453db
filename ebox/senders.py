"""Who publishes for a centre: its own OAuth client, or the platform's as its declared mandatary."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

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


class BoxUnavailable(Exception):
    """Primaweb holds no credentials that open the centre's own e-Box; the message says what to complete."""


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


def box_credentials_for(*, centre: Centre) -> auth.Credentials:
    """The credentials that open the centre's own (enterprise) e-Box in the consultation API.

    The service reads the box from the token: it is the organisation of the client's certificate, and a
    request names no other. So only the centre's own OAuth client opens it, or the platform's when the
    platform's certificate is the centre's (EBOX_PLATFORM_BCE); a platform that is merely the centre's
    mandatary publishes for it but never reads its box. Raises BoxUnavailable otherwise.
    """
    row = EboxCredentials.objects.for_centre(centre).first()
    try:
        if row is not None and row.client_id:
            return auth.credentials_load(
                client_id=row.client_id,
                private_key_file=row.private_key_file,
                certificate_file=row.certificate_file,
            )
        if centre.bce_number and centre.bce_number == settings.EBOX_PLATFORM_BCE:
            return auth.platform_credentials()
    except auth.CredentialsError as exc:
        raise BoxUnavailable(
            _("La clé ou le certificat eBox est illisible : %(error)s") % {"error": exc}
        ) from exc
    raise BoxUnavailable(
        _(
            "L'e-Box du C.P.A.S. ne s'ouvre qu'avec son propre client eBox (son certificat) : "
            "l'administrateur doit compléter son accès eBox."
        )
    )
