from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primaweb.tenancy import CentreOwned


class Deadline(CentreOwned):
    """One deadline of the Échéancier: what is due, by when, from which date, on which request or message.

    Rows are derived (deadlines.services) from their source each time it changes, and by a periodic
    sweep for the changes made without a signal: they are a stored, indexed copy of what deadlines.rules
    computes, so that the Échéancier reads a page of them from an index. A deadline met (the decision
    recorded, the message read...) keeps its row with `met_on` set and leaves the lists.
    """

    class Kind(models.TextChoices):
        DECIDE = "decide", _("Décider la demande CPAS Online")
        NOTIFY = "notify", _("Notifier la décision")
        PAPER = "paper", _("Envoyer par courrier papier (message eBox non lu)")
        EBOX_EXPIRY = "ebox_expiry", _("Expiration d'un message eBox non lu")
        CENTRE_EXPIRY = "centre_expiry", _("Expiration d'un message de l'e-Box du C.P.A.S.")

    kind = models.CharField(_("échéance"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("à faire au plus tard le"))
    source_date = models.DateField(_("date d'origine"))
    subject = models.CharField(_("objet"), max_length=400, blank=True)
    # Whose deadline it is, when one worker has it in hand (see deadlines.services); none: the centre's.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assistant social"),
    )
    online_request = models.ForeignKey(
        "cpasonline.OnlineRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande CPAS Online"),
    )
    publication = models.ForeignKey(
        "ebox.Publication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publication eBox"),
    )
    centre_message = models.ForeignKey(
        "centrebox.CentreMessage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("message de l'e-Box du C.P.A.S."),
    )
    # Where the worker acts on it, besides its source: the document sent, the request's dossier.
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier"),
    )
    met_on = models.DateField(_("respectée le"), null=True, blank=True)
    # Set when a worker met it by an action of their own (« Courrier papier envoyé »).
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("respectée par"),
    )
    updated_at = models.DateTimeField(_("mise à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        ordering = ["due_on", "id"]
        indexes = [
            # The Échéancier's pages (keyset by due_on, then id) of the open deadlines: the centre's, and
            # one worker's.
            models.Index(
                fields=["centre", "due_on", "id"],
                condition=models.Q(met_on__isnull=True),
                name="deadline_centre_open_due",
            ),
            models.Index(
                fields=["centre", "worker", "due_on", "id"],
                condition=models.Q(met_on__isnull=True),
                name="deadline_worker_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["decide", "notify", "paper", "ebox_expiry", "centre_expiry"]),
                name="deadline_known_kind",
            ),
            # Exactly one source, the one its kind derives from.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind__in=["decide", "notify"],
                        online_request__isnull=False,
                        publication__isnull=True,
                        centre_message__isnull=True,
                    )
                    | models.Q(
                        kind__in=["paper", "ebox_expiry"],
                        online_request__isnull=True,
                        publication__isnull=False,
                        centre_message__isnull=True,
                    )
                    | models.Q(
                        kind="centre_expiry",
                        online_request__isnull=True,
                        publication__isnull=True,
                        centre_message__isnull=False,
                    )
                ),
                name="deadline_one_source",
            ),
            # One deadline of a kind per source: a refresh updates it, never adds a second.
            models.UniqueConstraint(
                fields=["kind", "online_request"],
                condition=models.Q(online_request__isnull=False),
                name="deadline_once_per_request",
            ),
            models.UniqueConstraint(
                fields=["kind", "publication"],
                condition=models.Q(publication__isnull=False),
                name="deadline_once_per_publication",
            ),
            models.UniqueConstraint(
                fields=["kind", "centre_message"],
                condition=models.Q(centre_message__isnull=False),
                name="deadline_once_per_centre_message",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.due_on:%d/%m/%Y}"

    @property
    def source_date_label(self):
        return {
            self.Kind.DECIDE: _("réception légale le"),
            self.Kind.NOTIFY: _("décision prise le"),
            self.Kind.PAPER: _("expire le"),
            self.Kind.EBOX_EXPIRY: _("envoyé le"),
            self.Kind.CENTRE_EXPIRY: _("reçu le"),
        }[self.kind]

    @property
    def persons(self) -> list[str]:
        """The NISS of the persons a screen showing this deadline consults: the applicant, the recipient,
        the citizen who wrote to the centre's e-Box (as the e-Box list counts them)."""
        found = []
        if self.online_request_id and self.online_request.niss:
            found.append(self.online_request.niss)
        if self.publication_id:
            found.append(self.publication.recipient_niss)
        if self.centre_message_id and self.centre_message.sender_is_citizen and self.centre_message.sender:
            found.append(self.centre_message.sender)
        return found

    @property
    def source_url(self) -> str:
        """Where the worker acts on it: the request, the document sent, the centre's message."""
        if self.online_request_id:
            return reverse("cpasonline:detail", args=[self.online_request_id])
        if self.centre_message_id:
            return reverse("centrebox:message", args=[self.centre_message_id])
        if self.document_id:
            return reverse("documents:detail", args=[self.document_id])
        return ""


class DigestPreference(CentreOwned):
    """A worker's choice to receive, once a day, the Échéancier's summary by e-mail."""

    membership = models.OneToOneField(
        "primaweb.Membership",
        on_delete=models.CASCADE,
        related_name="deadline_digest",
        verbose_name=_("accès"),
    )
    enabled = models.BooleanField(_("recevoir le résumé quotidien par e-mail"), default=False)
    # The day of the last summary sent (or being sent): the daily task claims a day once.
    last_sent_on = models.DateField(_("dernier résumé envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("résumé quotidien de l'Échéancier")
        verbose_name_plural = _("résumés quotidiens de l'Échéancier")
        indexes = [
            models.Index(
                fields=["last_sent_on"], condition=models.Q(enabled=True), name="digest_enabled_last_sent"
            )
        ]

    def __str__(self) -> str:
        return str(self.membership)
