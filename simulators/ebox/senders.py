"""Who may publish what: the caller must be the sender or its declared mandatary, and the sender's
application id and message type must be a configuration onboarding registered for it."""

from django.db import transaction

from . import errors
from .models import OAuthClient, SenderConfiguration
from .validation import Publication

# The real service's words (eBox publisher FAQ).
NOT_THE_SENDER = "Invalid sender: user credentials does not match payload"
UNKNOWN_CONFIGURATION = "Invalid message configuration"


def sender_check(*, client: OAuthClient, publication: Publication, recipient_type: str = "citizen") -> None:
    """Raises a 400 INVALID_SENDER ApiError unless `client` may publish this for its sender."""
    sender = publication.sender_organization_id
    if not client.may_send_for(sender):
        raise errors.ApiError(400, errors.INVALID_SENDER, NOT_THE_SENDER)
    known = SenderConfiguration.objects.filter(
        organization_bce=sender,
        application_id=publication.sender_application_id,
        message_type_id=publication.message_type_id,
        recipient_type=recipient_type,
    ).exists()
    if not known:
        raise errors.ApiError(400, errors.INVALID_SENDER, UNKNOWN_CONFIGURATION)


@transaction.atomic
def onboarding_apply(*, request: dict) -> OAuthClient:
    """Registers what an onboarding request asks for: the client with its certificate, the organisation
    it is and those it is mandatary of, and the sender configurations. Running it again updates them.

    `request` = {clientId, organizationId, certificate (PEM or JWKS), mandataryFor: [BCE],
    configurations: [{senderOrganizationId, senderApplicationId, messageTypeId, recipientType}]}.
    Raises ValidationError for anything invalid; nothing is stored then.
    """
    client = OAuthClient.objects.filter(client_id=request.get("clientId", "")).first() or OAuthClient(
        client_id=request.get("clientId", "")
    )
    client.name = client.name or client.client_id
    client.organization_bce = request.get("organizationId", "")
    client.public_keys = request.get("certificate", "")
    client.mandatary_for = "\n".join(request.get("mandataryFor") or [])
    client.full_clean()
    client.save()
    for row in request.get("configurations") or []:
        configuration = SenderConfiguration(
            organization_bce=row.get("senderOrganizationId", ""),
            application_id=row.get("senderApplicationId", ""),
            message_type_id=row.get("messageTypeId", ""),
            recipient_type=row.get("recipientType", SenderConfiguration.RecipientType.CITIZEN),
        )
        configuration.full_clean(validate_constraints=False)
        SenderConfiguration.objects.get_or_create(
            organization_bce=configuration.organization_bce,
            application_id=configuration.application_id,
            message_type_id=configuration.message_type_id,
            recipient_type=configuration.recipient_type,
        )
    return client
