import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primaweb.models import Language
from primaweb.tenancy import CentreOwned


class PublicationState(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENDING = "sending", _("Envoi en cours")
    SENT = "sent", _("Envoyé")
    READ = "read", _("Lu")
    NO_DIGITAL_USER = "no_digital_user", _("Bénéficiaire sans eBox")
    FAILED = "failed", _("Envoi échoué")
    TO_VERIFY = "to_verify", _("Envoi à vérifier")


class Publication(CentreOwned):
    """One document sent (or being sent) to one citizen's eBox.

    The row is the queue's truth (an outbox): a pending publication is sent by a worker woken by the
    broker, or by the sweep when that wake-up was lost. `lease_until` bounds how long a worker (or the
    broker, for a queued one) may hold it before the sweep takes it back.

    On the eBox API 2.1 the idempotency key is ignored by the service: an attempt whose answer was lost
    after the body left may have delivered a message, so it becomes « envoi à vérifier » for a person to
    settle, never a blind second send. On v3 the key makes any retry safe.
    """

    State = PublicationState

    # A worker may still send these.
    OPEN_STATES = (State.PENDING, State.SENDING)
    # Not settled: the document is held and no new send may start (a « à vérifier » one may be delivered).
    UNSETTLED_STATES = (State.PENDING, State.SENDING, State.TO_VERIFY)
    RETRYABLE_STATES = (State.FAILED, State.NO_DIGITAL_USER)

    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("document"),
    )
    recipient_niss = models.CharField(_("NISS du destinataire"), max_length=11)
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("objet"), max_length=400)
    idempotency_key = models.UUIDField(
        _("clé d'idempotence"), default=uuid.uuid4, unique=True, editable=False
    )
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING)
    message_id = models.CharField(_("identifiant du message eBox"), max_length=100, blank=True)
    expiration_date = models.CharField(_("date d'expiration"), max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # The reason as a code and its parameters (ebox.failures), shown in the reader's language; the text
    # beside it is for the logs and for rows written before codes were stored.
    failure = models.JSONField(_("raison (code)"), default=dict, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    lease_until = models.DateTimeField(_("réservé jusqu'au"), null=True, blank=True)
    # Set just before the current attempt's request leaves: from then on it may have been delivered.
    body_sent_at = models.DateTimeField(_("requête partie le"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifié par"),
    )
    resolved_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication eBox")
        verbose_name_plural = _("publications eBox")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["state", "sent_at"], name="publication_state_sent"),
            models.Index(fields=["state", "lease_until"], name="publication_state_lease"),
            # « Envois vers l'eBox » in its order (keyset by requested_at, then id), all or of one state.
            models.Index(fields=["centre", "-requested_at", "-id"], name="publication_centre_requested"),
            models.Index(fields=["centre", "state", "-requested_at", "-id"], name="publication_centre_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=PublicationState.values),
                name="publication_known_state",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="publication_known_language"
            ),
            # Sent or read means the eBox gave a message id, or a person checked the delivery of a send
            # whose answer was lost (« Marquer comme envoyé »).
            models.CheckConstraint(
                condition=~models.Q(state__in=["sent", "read"])
                | ~models.Q(message_id="")
                | models.Q(resolved_by__isnull=False),
                name="publication_sent_has_message_id",
            ),
            # A double click must not queue the same document twice, nor a new send start while an
            # earlier one may have been delivered.
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(state__in=["pending", "sending", "to_verify"]),
                name="publication_one_open_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_niss} ({self.get_state_display()})"

    @property
    def error_message(self) -> str:
        from documents.failures import describe

        return describe(self.failure, self.last_error)

    @property
    def can_retry(self) -> bool:
        return self.state in self.RETRYABLE_STATES

    @property
    def to_verify(self) -> bool:
        return self.state == self.State.TO_VERIFY


class EboxCredentials(CentreOwned):
    """How one centre publishes to the eBox, as its onboarding gave it.

    The eBox accepts a message only from its sender (the OAuth client whose certificate carries the
    centre's BCE) or from a declared mandatary of it. A centre either has its own OAuth client (client id
    and the paths of its key and certificate on the server) or leaves them empty, and the platform's
    client publishes for it as its mandatary (setting EBOX_PLATFORM_MANDATARY). `sender_application_id`
    is always the centre's own: onboarding registers it, with the message types, for the centre's BCE.
    """

    sender_application_id = models.CharField(
        _("identifiant d'application eBox (senderApplicationId)"),
        max_length=200,
        help_text=_("Donné par l'onboarding eBox du C.P.A.S."),
    )
    client_id = models.CharField(
        _("identifiant du client OAuth"),
        max_length=200,
        blank=True,
        help_text=_("Vide : la plateforme publie pour le C.P.A.S., comme son mandataire déclaré."),
    )
    private_key_file = models.CharField(
        _("fichier de la clé privée"),
        max_length=500,
        blank=True,
        help_text=_("Chemin sur le serveur de la clé privée du certificat du C.P.A.S. (PEM)."),
    )
    certificate_file = models.CharField(
        _("fichier du certificat"),
        max_length=500,
        blank=True,
        help_text=_("Chemin sur le serveur du certificat du C.P.A.S. (PEM)."),
    )

    class Meta:
        verbose_name = _("accès eBox")
        verbose_name_plural = _("accès eBox")
        constraints = [
            models.UniqueConstraint(fields=["centre"], name="ebox_credentials_one_per_centre"),
            # A centre's own client signs with its own key.
            models.CheckConstraint(
                condition=models.Q(client_id="") | ~models.Q(private_key_file=""),
                name="ebox_credentials_client_has_key",
            ),
        ]

    def __str__(self) -> str:
        return self.client_id or self.sender_application_id

    def clean(self) -> None:
        if self.client_id and not self.private_key_file:
            raise ValidationError(
                {"private_key_file": _("Un client OAuth propre au C.P.A.S. signe avec sa propre clé privée.")}
            )
