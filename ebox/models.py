import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primaweb.tenancy import CentreOwned


class Publication(CentreOwned):
    """One document sent (or being sent) to one citizen's eBox.

    One publication is one idempotency key, hence at most one message in the eBox whatever the retries.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyé")
        READ = "read", _("Lu")
        NO_DIGITAL_USER = "no_digital_user", _("Bénéficiaire sans eBox")
        FAILED = "failed", _("Envoi échoué")

    class Language(models.TextChoices):
        FR = "fr", _("Français")
        NL = "nl", _("Nederlands")
        DE = "de", _("Deutsch")

    OPEN_STATES = (State.PENDING, State.SENDING)
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

    class Meta:
        verbose_name = _("publication eBox")
        verbose_name_plural = _("publications eBox")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "sent_at"], name="publication_state_sent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["pending", "sending", "sent", "read", "no_digital_user", "failed"]
                ),
                name="publication_known_state",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["fr", "nl", "de"]), name="publication_known_language"
            ),
            # Sent or read means the eBox gave a message id.
            models.CheckConstraint(
                condition=~models.Q(state__in=["sent", "read"]) | ~models.Q(message_id=""),
                name="publication_sent_has_message_id",
            ),
            # A double click must not queue the same document twice.
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="publication_one_open_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_niss} ({self.get_state_display()})"

    @property
    def can_retry(self) -> bool:
        return self.state in self.RETRYABLE_STATES
