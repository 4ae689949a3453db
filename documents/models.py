import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from primaweb.tenancy import CentreOwned, CentreOwnedQuerySet, CentreOwnedRow

from .validation import MAX_SIZE


class DocumentType(CentreOwned):
    """A kind of document the centre sends; its label is what the citizen sees in the eBox."""

    label_fr = models.CharField(_("libellé en français"), max_length=120)
    label_nl = models.CharField(_("libellé en néerlandais"), max_length=120)
    label_de = models.CharField(_("libellé en allemand"), max_length=120, blank=True)
    ebox_message_type = models.CharField(
        _("type de message eBox"),
        max_length=100,
        blank=True,
        help_text=_("Identifiant messageTypeId de l'eBox"),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("durée de validité (mois)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("De 1 à 36 mois ; vide : le message n'expire pas."),
    )
    reply_authorized = models.BooleanField(
        _("réponse autorisée"),
        default=False,
        help_text=_("Le bénéficiaire peut répondre une fois au message, depuis son eBox."),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("type de document")
        verbose_name_plural = _("types de document")
        ordering = ["label_fr"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "label_fr"], name="document_type_label_unique_in_centre"
            ),
            models.CheckConstraint(
                condition=models.Q(validity_months__isnull=True)
                | models.Q(validity_months__gte=1, validity_months__lte=36),
                name="document_type_validity_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        language = language or get_language() or "fr"
        if language.startswith("nl"):
            return self.label_nl or self.label_fr
        if language.startswith("de"):
            return self.label_de or self.label_fr
        return self.label_fr


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("En attente de conversion")
    CONVERTING = "converting", _("Conversion en cours")
    FAILED = "failed", _("Conversion échouée")
    REGISTERED = "registered", _("Document enregistré")
    SENT = "sent", _("Envoyé vers eBox avec succès")
    READ = "read", _("Lu par le destinataire")


class DocumentSendState(models.TextChoices):
    """How the latest send to the eBox stands, as the eBox app reports it; empty once delivered."""

    SENDING = "sending", _("Envoi en cours")
    FAILED = "failed", _("Envoi échoué")
    NO_EBOX = "no_ebox", _("Bénéficiaire sans eBox")
    TO_VERIFY = "to_verify", _("Envoi à vérifier")


class Document(CentreOwned):
    Status = DocumentStatus
    SendState = DocumentSendState

    # Until it is sent, a document may still be replaced or deleted.
    EDITABLE_STATUSES = (Status.PENDING, Status.CONVERTING, Status.FAILED, Status.REGISTERED)
    IN_CONVERSION = (Status.PENDING, Status.CONVERTING)

    storage_key = models.UUIDField(_("clé de stockage"), default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="documents", verbose_name=_("dossier")
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", verbose_name=_("type de document")
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    send_state = models.CharField(
        _("état du dernier envoi"), max_length=20, choices=SendState.choices, blank=True, default=""
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    original_name = models.CharField(_("nom du fichier"), max_length=80)
    original_extension = models.CharField(_("extension"), max_length=4)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    original = models.FileField(_("fichier d'origine"), max_length=255)
    pdf = models.FileField(_("PDF"), max_length=255, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # The reason as a code and its parameters (documents.failures), shown in the reader's language; the
    # text beside it is for the logs and for rows written before codes were stored.
    failure = models.JSONField(_("raison de l'échec (code)"), default=dict, blank=True)
    failure_reason = models.TextField(_("raison de l'échec"), blank=True)
    # The conversion's lease: waiting, a worker must have taken the document by then; converting, the
    # worker renews it while it works. Run out, the sweep queues the document again (its task was lost
    # or its worker died): the row, not the broker, says what is left to convert.
    lease_until = models.DateTimeField(_("conversion réservée jusqu'au"), null=True, blank=True)
    conversion_timeouts = models.PositiveSmallIntegerField(_("conversions hors délai"), default=0)
    conversion_crashes = models.PositiveSmallIntegerField(_("arrêts du convertisseur"), default=0)
    conversion_errors = models.PositiveSmallIntegerField(_("échecs de conversion inexpliqués"), default=0)
    uploaded_at = models.DateTimeField(_("chargé le"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chargé par")
    )
    converted_at = models.DateTimeField(_("converti le"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    reply_received_at = models.DateTimeField(_("réponse reçue le"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]
        # Partial indexes in the listing's own order: « Gérer les documents » reads a page straight from
        # them whatever the centre's size (bench/bench_documents.py: 1M documents vs 10k).
        indexes = [
            models.Index(
                fields=["centre", "-uploaded_at", "-id"],
                condition=models.Q(deleted_at__isnull=True, archived_at__isnull=True),
                name="document_current_listing",
            ),
            models.Index(
                fields=["centre", "status", "-uploaded_at", "-id"],
                condition=models.Q(deleted_at__isnull=True, archived_at__isnull=True),
                name="document_current_by_status",
            ),
            models.Index(
                fields=["centre", "-uploaded_at", "-id"],
                condition=models.Q(deleted_at__isnull=True, archived_at__isnull=False),
                name="document_archived_listing",
            ),
            models.Index(fields=["dossier", "sha256"], name="document_dossier_sha256"),
            models.Index(
                fields=["lease_until"],
                condition=models.Q(status__in=["pending", "converting"], deleted_at__isnull=True),
                name="document_conversion_lease",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DocumentStatus.values),
                name="document_known_status",
            ),
            models.CheckConstraint(
                condition=models.Q(send_state__in=["", *DocumentSendState.values]),
                name="document_known_send_state",
            ),
            models.CheckConstraint(
                condition=models.Q(size__gt=0, size__lte=MAX_SIZE), name="document_size_within_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.dossier.number})"

    @property
    def shown_status(self):
        """What the worker is shown, as `documents.statuses` derives it for every screen and filter."""
        from .statuses import shown_status

        return shown_status(self)

    @property
    def failure_message(self) -> str:
        from .failures import describe

        return describe(self.failure, self.failure_reason)

    @property
    def is_editable_by_status(self) -> bool:
        """`is_editable` without asking other apps: for lists, where a query per row would not do."""
        return self.deleted_at is None and self.status in self.EDITABLE_STATUSES

    @property
    def is_editable(self) -> bool:
        """Replace and delete are allowed only until the document is sent."""
        if self.deleted_at is not None or self.status not in self.EDITABLE_STATUSES:
            return False
        from .extensions import is_held

        # A send under way reads the PDF as it is: replacing or deleting it now would change what goes.
        return not is_held(self)

    @property
    def is_converting(self) -> bool:
        return self.status in self.IN_CONVERSION

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf) and self.deleted_at is None

    def storage_path(self, name: str) -> str:
        return f"documents/{self.centre_id}/{self.storage_key}/{name}"


class DocumentEvent(CentreOwnedRow):
    """One line of a document's history; kept when the document and its files are deleted."""

    class Kind(models.TextChoices):
        UPLOADED = "uploaded", _("Chargé")
        CONVERTED = "converted", _("Converti en PDF")
        FAILED = "failed", _("Conversion échouée")
        RETRIED = "retried", _("Conversion relancée")
        REPLACED = "replaced", _("Remplacé")
        VIEWED = "viewed", _("Consulté")
        DOWNLOADED = "downloaded", _("Sauvegardé")
        PRINTED = "printed", _("Imprimé")
        ARCHIVED = "archived", _("Archivé")
        UNARCHIVED = "unarchived", _("Désarchivé")
        DELETED = "deleted", _("Supprimé")
        SENT = "sent", _("Envoyé vers eBox")
        SEND_FAILED = "send_failed", _("Envoi échoué")
        READ = "read", _("Lu par le destinataire")
        REPLY_RECEIVED = "reply_received", _("Réponse reçue")

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="events", verbose_name=_("document")
    )
    kind = models.CharField(_("événement"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    details = models.JSONField(_("détails"), default=dict, blank=True)

    # Centre-owned through its document (primaweb.tenancy): read as `document.events`.
    centre_lookup = "document__centre"
    objects = CentreOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement du document")
        verbose_name_plural = _("historique du document")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"

    @property
    def reason_message(self) -> str:
        """Why it failed, in the reader's language (the text of older rows as it was written)."""
        from .failures import describe

        details = self.details or {}
        return describe(details.get("failure"), details.get("reason", ""))
