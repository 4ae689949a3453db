"""Letter templates (« Modèles de courrier ») and mass mailings, each letter with its outcome."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primaweb.tenancy import CentreOwned


class Language(models.TextChoices):
    FR = "fr", _("Français")
    NL = "nl", _("Nederlands")
    DE = "de", _("Deutsch")


class LetterTemplate(CentreOwned):
    """A DOCX the centre fills for a dossier; checked on upload (it opens, every field is known)."""

    name = models.CharField(_("nom du modèle"), max_length=120)
    document_type = models.ForeignKey(
        "documents.DocumentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type de document"),
    )
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    file = models.FileField(_("fichier DOCX"), max_length=255)
    file_name = models.CharField(_("nom du fichier"), max_length=80)
    fields = models.JSONField(_("champs"), default=list, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    uploaded_at = models.DateTimeField(_("chargé le"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chargé par"),
    )

    class Meta:
        verbose_name = _("modèle de courrier")
        verbose_name_plural = _("modèles de courrier")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "name", "language"], name="letter_template_unique_name_language"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["fr", "nl", "de"]), name="letter_template_known_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_language_display()})"


class Mailing(CentreOwned):
    """One letter per dossier of a list, each generated, converted and sent to the eBox by a worker."""

    document_type = models.ForeignKey(
        "documents.DocumentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type de document"),
    )
    free_text = models.TextField(_("texte libre"), blank=True)
    criteria = models.JSONField(_("critères"), default=dict, blank=True)
    created_at = models.DateTimeField(_("lancé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("lancé par")
    )
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    # The job's last step: a mailing left unfinished and unstepped is woken by the sweep.
    stepped_at = models.DateTimeField(_("dernière étape le"), default=timezone.now)

    class Meta:
        verbose_name = _("envoi groupé")
        verbose_name_plural = _("envois groupés")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_type} — {self.created_at:%d/%m/%Y %H:%M}"


class MailingItem(CentreOwned):
    """One letter of a mailing: where it stands, and why it failed."""

    class State(models.TextChoices):
        PENDING = "pending", _("À générer")
        CONVERTING = "converting", _("Conversion en cours")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échoué")

    OPEN_STATES = (State.PENDING, State.CONVERTING, State.SENDING)

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="items", verbose_name=_("envoi")
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="+", verbose_name=_("dossier")
    )
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING)
    language = models.CharField(_("langue du courrier"), max_length=2, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    publication = models.ForeignKey(
        "ebox.Publication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("envoi vers l'eBox"),
    )
    # Why the letter failed, as a code of ERRORS and its parameters: shown in the reader's language.
    error = models.CharField(_("raison de l'échec (code)"), max_length=40, blank=True)
    error_params = models.JSONField(_("détails de l'échec"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("courrier d'un envoi groupé")
        verbose_name_plural = _("courriers d'un envoi groupé")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "dossier"], name="mailing_item_one_per_dossier")
        ]
        indexes = [models.Index(fields=["mailing", "state"], name="mailing_item_state")]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_state_display()}"

    @property
    def error_message(self) -> str:
        message = ERRORS.get(self.error)
        if message is None:
            return ""
        return str(message) % {key: str(value) for key, value in self.error_params.items()}


ERRORS = {
    "no_template": _(
        "Aucun modèle de courrier actif de ce type dans la langue du bénéficiaire (%(language)s)."
    ),
    "empty_fields": _(
        "Ces champs ne donnent rien pour ce dossier : %(fields)s. Le courrier n'a pas été produit."
    ),
    "refused": _("Le courrier a été refusé : %(reason)s"),
    "conversion": _("La conversion en PDF a échoué : %(reason)s"),
    "publication": _("L'envoi vers l'eBox a échoué : %(reason)s"),
    "unexpected": _("Erreur inattendue lors de la production du courrier ; réessayez."),
}
