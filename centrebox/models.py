"""The centre's own e-Box: the messages imported from it, their labels, and who may see which type."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from primaweb.models import Language
from primaweb.tenancy import CentreOwned

CITIZEN_REPLY = "CITIZEN_REPLY"


def _in_language(fr: str, nl: str, de: str, language: str | None) -> str:
    language = (language or get_language() or "fr")[:2]
    return {"nl": nl, "de": de}.get(language) or fr


class MessageTypeName(models.Model):
    """A message type that reaches centres' e-Boxes, named in the three languages (the platform's
    catalogue, kept by its administrators: every centre may receive every type listed)."""

    code = models.CharField(_("type de message (messageTypeId)"), max_length=60, unique=True)
    label_fr = models.CharField(_("libellé en français"), max_length=120)
    label_nl = models.CharField(_("libellé en néerlandais"), max_length=120)
    label_de = models.CharField(_("libellé en allemand"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("type de message de l'e-Box")
        verbose_name_plural = _("types de message de l'e-Box")
        ordering = ["label_fr"]

    def __str__(self) -> str:
        return f"{self.label()} ({self.code})"

    def label(self, language: str | None = None) -> str:
        return _in_language(self.label_fr, self.label_nl, self.label_de, language)


class SenderName(models.Model):
    """An institution writing to centres' e-Boxes (by its BCE number), named in the three languages."""

    identifier = models.CharField(_("N° BCE de l'expéditeur"), max_length=60, unique=True)
    name_fr = models.CharField(_("nom en français"), max_length=200)
    name_nl = models.CharField(_("nom en néerlandais"), max_length=200)
    name_de = models.CharField(_("nom en allemand"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("expéditeur de l'e-Box")
        verbose_name_plural = _("expéditeurs de l'e-Box")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return f"{self.name()} ({self.identifier})"

    def name(self, language: str | None = None) -> str:
        return _in_language(self.name_fr, self.name_nl, self.name_de, language)


class CentreLabel(CentreOwned):
    """A label members attach to received messages (« attribution de libellés »)."""

    name = models.CharField(_("libellé"), max_length=60)

    class Meta:
        verbose_name = _("libellé")
        verbose_name_plural = _("libellés")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="centrelabel_unique_name")]

    def __str__(self) -> str:
        return self.name


class CentreMessage(CentreOwned):
    """One message of the centre's e-Box, imported once whatever how often the import runs."""

    message_id = models.CharField(_("identifiant du message eBox"), max_length=100)
    message_type = models.CharField(_("type de message"), max_length=60, blank=True, db_index=True)
    subject = models.CharField(_("objet"), max_length=400, blank=True)
    language = models.CharField(_("langue"), max_length=2, blank=True)
    sender = models.CharField(_("expéditeur"), max_length=60, blank=True, db_index=True)
    sender_is_citizen = models.BooleanField(_("envoyé par un citoyen"), default=False)
    sender_application = models.CharField(_("application de l'expéditeur"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("reçu le"), db_index=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    original_message_id = models.CharField(_("en réponse au message"), max_length=100, blank=True)
    publication = models.ForeignKey(
        "ebox.Publication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("envoi auquel il répond"),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document auquel il répond"),
    )
    body = models.TextField(_("contenu"), blank=True)
    body_media_type = models.CharField(_("format du contenu"), max_length=100, blank=True)
    body_fetched_at = models.DateTimeField(_("contenu récupéré le"), null=True, blank=True)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lu par"),
    )
    labels = models.ManyToManyField(
        CentreLabel, blank=True, related_name="messages", verbose_name=_("libellés")
    )
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)

    class Meta:
        verbose_name = _("message de l'e-Box du C.P.A.S.")
        verbose_name_plural = _("messages de l'e-Box du C.P.A.S.")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The inbox's pages in its order (keyset by received_at, then id).
            models.Index(fields=["centre", "-received_at", "-id"], name="centremessage_centre_received"),
            # The search's choice of types: one index probe per type (selectors.present_types).
            models.Index(fields=["centre", "message_type"], name="centremessage_centre_type"),
        ]
        constraints = [
            # The import's idempotency rests on this: a message is stored once per centre.
            models.UniqueConstraint(fields=["centre", "message_id"], name="centremessage_once_per_centre"),
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id

    @property
    def is_reply(self) -> bool:
        return self.message_type == CITIZEN_REPLY

    @property
    def is_unlinked_reply(self) -> bool:
        return self.is_reply and self.document_id is None

    @property
    def language_label(self) -> str:
        return Language(self.language).label if self.language in Language.values else self.language


class InboxCursor(CentreOwned):
    """Where the next import of a centre's e-Box starts: the latest receipt date fully imported."""

    received_after = models.DateTimeField(_("reçus après"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("dernier import"), null=True, blank=True)

    class Meta:
        verbose_name = _("curseur d'import")
        verbose_name_plural = _("curseurs d'import")
        constraints = [models.UniqueConstraint(fields=["centre"], name="inboxcursor_one_per_centre")]


class InboxGrant(CentreOwned):
    """The centre administrator's grant: may a member open the centre's e-Box, and which types."""

    membership = models.ForeignKey(
        "primaweb.Membership", on_delete=models.CASCADE, related_name="+", verbose_name=_("accès")
    )
    may_open_ebox = models.BooleanField(_("peut ouvrir l'e-Box du C.P.A.S."), default=False)
    message_types = models.JSONField(_("types de message"), default=list, blank=True)

    class Meta:
        verbose_name = _("accès à l'e-Box du C.P.A.S.")
        verbose_name_plural = _("accès à l'e-Box du C.P.A.S.")
        constraints = [models.UniqueConstraint(fields=["membership"], name="inboxgrant_one_per_membership")]

    def __str__(self) -> str:
        return str(self.membership)
