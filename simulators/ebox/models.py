"""The simulated eBox's own records: citizens' eBoxes, published messages, and the publisher side.

The simulator keeps everything it needs itself (it never reads Primaweb's tables): a citizen exists here
once they sign in to My eBox, a message once a sender publishes it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.be import bis, nn, vat


def validate_niss(value: str) -> None:
    if not (nn.is_valid(value) or bis.is_valid(value)):
        raise ValidationError(_("%(value)s n'est pas un NISS valide."), params={"value": value})


# The simulator's own copy of the languages (Primaweb's are primaweb.models.Language): the simulators share
# no import with the product, which must run against the real eBox with only its settings changed.
class Language(models.TextChoices):
    FR = "fr", _("Français")
    NL = "nl", _("Néerlandais")
    DE = "de", _("Allemand")


class Citizen(models.Model):
    """A citizen's My eBox; `activated` is what decides NO_DIGITAL_USER for new publications."""

    niss = models.CharField(_("NISS"), max_length=11, unique=True, validators=[validate_niss])
    activated = models.BooleanField(_("eBox activée"), default=False)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    language = models.CharField(
        _("langue de communication"), max_length=2, choices=Language.choices, default=Language.FR
    )
    notifications = models.BooleanField(_("notifications par e-mail"), default=True)
    activated_at = models.DateTimeField(_("activée le"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("désactivée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("citoyen")
        verbose_name_plural = _("citoyens")

    def __str__(self) -> str:
        return self.niss


def validate_bce(value: str) -> None:
    if not (len(value) == 10 and value.isdigit() and value[0] in "01" and vat.is_valid(value)):
        raise ValidationError(_("%(value)s n'est pas un numéro BCE valide."), params={"value": value})


def validate_bce_list(value: str) -> None:
    for bce in value.split():
        validate_bce(bce)


def validate_keys(value: str) -> None:
    from .keys import KeysInvalid, key_set

    try:
        key_set(value)
    except KeysInvalid as exc:
        raise ValidationError(_("Clés publiques illisibles : %(error)s"), params={"error": exc}) from exc


class OAuthClient(models.Model):
    """A publisher registered at onboarding: it proves itself with a JWT signed by the key of one of its
    certificates (private_key_jwt) and may publish for its own organisation and those it is mandatary of.
    """

    client_id = models.CharField(_("identifiant du client"), max_length=100, unique=True)
    name = models.CharField(_("nom"), max_length=200, blank=True)
    organization_bce = models.CharField(
        _("BCE de l'organisation (celle du certificat)"), max_length=10, validators=[validate_bce]
    )
    public_keys = models.TextField(
        _("clés publiques"),
        validators=[validate_keys],
        help_text=_("Certificats ou clés publiques PEM, ou un JWKS : ce qui vérifie la signature du client."),
    )
    mandatary_for = models.TextField(
        _("mandataire des organisations (BCE)"),
        blank=True,
        validators=[validate_bce_list],
        help_text=_("Un numéro BCE par ligne : les organisations pour lesquelles le client peut publier."),
    )

    class Meta:
        verbose_name = _("client OAuth")
        verbose_name_plural = _("clients OAuth")

    def __str__(self) -> str:
        return self.client_id

    def may_send_for(self, bce: str) -> bool:
        return bce == self.organization_bce or bce in self.mandatary_for.split()


class UsedAssertion(models.Model):
    """A client assertion's `jti` already used: the same assertion is never accepted twice."""

    client = models.ForeignKey(OAuthClient, verbose_name=_("client"), on_delete=models.CASCADE)
    jti = models.CharField(_("identifiant de l'assertion (jti)"), max_length=255)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)

    class Meta:
        verbose_name = _("assertion utilisée")
        verbose_name_plural = _("assertions utilisées")
        constraints = [models.UniqueConstraint(fields=["client", "jti"], name="ebox_sim_assertion_once")]

    def __str__(self) -> str:
        return self.jti


class SenderConfiguration(models.Model):
    """What onboarding allowed a sender: one application id with one message type, to one kind of box."""

    class RecipientType(models.TextChoices):
        CITIZEN = "citizen", _("citoyen")
        ENTERPRISE = "enterprise", _("entreprise")

    organization_bce = models.CharField(_("BCE de l'expéditeur"), max_length=10, validators=[validate_bce])
    application_id = models.CharField(_("senderApplicationId"), max_length=200)
    message_type_id = models.CharField(_("messageTypeId"), max_length=100)
    recipient_type = models.CharField(
        _("destinataires"), max_length=10, choices=RecipientType.choices, default=RecipientType.CITIZEN
    )

    class Meta:
        verbose_name = _("configuration d'expéditeur")
        verbose_name_plural = _("configurations d'expéditeur")
        constraints = [
            models.UniqueConstraint(
                fields=["organization_bce", "application_id", "message_type_id", "recipient_type"],
                name="ebox_sim_sender_configuration_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_bce} {self.application_id} {self.message_type_id}"


class AccessToken(models.Model):
    token = models.CharField(_("jeton"), max_length=100, unique=True)
    client = models.ForeignKey(
        OAuthClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="tokens"
    )
    scope = models.CharField(_("portée"), max_length=200)
    expires_at = models.DateTimeField(_("expire le"))

    class Meta:
        verbose_name = _("jeton d'accès")
        verbose_name_plural = _("jetons d'accès")

    def __str__(self) -> str:
        return f"{self.client} ({self.expires_at:%Y-%m-%d %H:%M:%S})"


class Message(models.Model):
    """A published message. `delivered` is false when the recipient had no active eBox (NO_DIGITAL_USER):
    the message is kept (for idempotency and status queries) but shown in no inbox."""

    message_id = models.CharField(_("identifiant du message"), max_length=36, unique=True)
    client = models.ForeignKey(
        OAuthClient, verbose_name=_("client"), on_delete=models.PROTECT, related_name="messages"
    )
    # NULL, not "", for "no key": the unique constraint must not make two keyless messages collide.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("clé d'idempotence"), max_length=255, null=True, blank=True
    )
    sender_organization_id = models.CharField(_("BCE de l'expéditeur"), max_length=10)
    sender_application_id = models.CharField(_("application de l'expéditeur"), max_length=200, blank=True)
    recipient_niss = models.CharField(_("NISS du destinataire"), max_length=11, db_index=True)
    subject = models.CharField(_("objet"), max_length=400)
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    message_type_id = models.CharField(_("type de message"), max_length=100, blank=True)
    reply_authorized = models.BooleanField(_("réponse autorisée"), default=False)
    body = models.TextField(_("corps du message"), blank=True)
    body_main_content = models.BooleanField(_("corps comme contenu principal"), default=False)
    delivered = models.BooleanField(_("distribué dans une eBox"), default=False)
    published_at = models.DateTimeField(_("publié le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "idempotency_key"], name="ebox_sim_unique_idempotency_key_per_client"
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def read_status(self) -> bool:
        return self.read_at is not None

    def is_visible(self, now=None) -> bool:
        return self.delivered and self.expires_at > (now or timezone.now())


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    part_name = models.CharField(_("nom de la partie HTTP"), max_length=20)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    media_type = models.CharField(_("type de média"), max_length=100)
    main_content = models.BooleanField(_("contenu principal"), default=False)
    data = models.BinaryField(_("contenu"))

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["-main_content", "part_name"]

    def __str__(self) -> str:
        return self.file_name


class Reply(models.Model):
    """The citizen's single answer to a message whose sender allowed replies."""

    class Answer(models.TextChoices):
        ACCEPT = "accept", _("J'accepte")
        REFUSE = "refuse", _("Je refuse")
        COMMENT = "comment", _("Commentaire")

    message = models.OneToOneField(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="reply"
    )
    answer = models.CharField(_("réponse"), max_length=10, choices=Answer.choices)
    comment = models.TextField(_("commentaire"), max_length=1000, blank=True)
    replied_at = models.DateTimeField(_("répondu le"), default=timezone.now)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")

    def __str__(self) -> str:
        return self.get_answer_display()


class FaultSettings(models.Model):
    """The one row of fault injection for the publisher API. Shares are probabilities in 0..1, drawn in
    the order: dropped connection, 500, 503, 429 (their sum should stay ≤ 1); `fail_after_store` and
    `drop_after_store` are drawn separately, after a publication is stored. `api_version` chooses whether
    Idempotency-Key is honoured (v3) or ignored (2.1, the real service's behaviour). Django's
    `EBOX_SIMULATOR_FAULTS` setting overrides any field it names (see `faults.py`)."""

    latency_ms = models.PositiveIntegerField(_("latence ajoutée (ms)"), default=0)
    drop_share = models.FloatField(_("part de connexions coupées"), default=0)
    error_500_share = models.FloatField(_("part de réponses 500"), default=0)
    error_503_share = models.FloatField(_("part de réponses 503"), default=0)
    throttle_share = models.FloatField(_("part de réponses 429"), default=0)
    retry_after_seconds = models.PositiveIntegerField(_("Retry-After des réponses 429 (s)"), default=1)
    fail_after_store_share = models.FloatField(_("part de 503 après enregistrement"), default=0)
    drop_after_store_share = models.FloatField(
        _("part de connexions coupées après enregistrement"), default=0
    )
    seed = models.IntegerField(_("graine aléatoire"), null=True, blank=True)
    # The API 2.1 ignores Idempotency-Key (a repeat publishes again); v3 answers 409 with the original.
    api_version = models.CharField(
        _("version de l'API"),
        max_length=5,
        blank=True,
        choices=[("", _("celle de EBOX_API_VERSION")), ("2.1", "2.1"), ("3", "3")],
        default="",
    )

    class Meta:
        verbose_name = _("injection de pannes")
        verbose_name_plural = _("injection de pannes")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        # A singleton: every save writes the one row, even a create() (which would force an insert).
        self.pk = 1
        kwargs.pop("force_insert", None)
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "FaultSettings":
        return cls.objects.get_or_create(pk=1)[0]


class EnterpriseBox(models.Model):
    """A centre's (an organisation's) e-Box, identified by its BCE number; created when first addressed."""

    bce = models.CharField(_("numéro BCE"), max_length=10, unique=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("e-Box d'entreprise")
        verbose_name_plural = _("e-Box d'entreprise")

    def __str__(self) -> str:
        return self.bce


class EnterpriseMessage(models.Model):
    """A message in an enterprise e-Box: dropped by an institution (tester page) or a citizen's reply
    (`sender_citizen_id` set, `original_message_id` = the replied-to message, no sender organisation)."""

    message_id = models.CharField(_("identifiant du message"), max_length=36, unique=True)
    box = models.ForeignKey(
        EnterpriseBox, verbose_name=_("e-Box"), on_delete=models.CASCADE, related_name="messages"
    )
    original_message_id = models.CharField(_("message d'origine"), max_length=36, blank=True, db_index=True)
    sender_organization_id = models.CharField(_("BCE de l'expéditeur"), max_length=10, blank=True)
    sender_application_id = models.CharField(_("application de l'expéditeur"), max_length=200, blank=True)
    sender_citizen_id = models.CharField(_("NISS du citoyen expéditeur"), max_length=11, blank=True)
    message_type_id = models.CharField(_("type de message"), max_length=100)
    subject = models.CharField(_("objet"), max_length=400)
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    body = models.TextField(_("corps du message"), blank=True)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message d'entreprise")
        verbose_name_plural = _("messages d'entreprise")
        ordering = ["received_at", "message_id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def read_status(self) -> bool:
        return self.read_at is not None

    def is_visible(self, now=None) -> bool:
        return self.expires_at > (now or timezone.now())
