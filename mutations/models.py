"""Mutations of the National Register received for the persons a centre follows, and each centre's feed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primaweb.tenancy import CentreOwned


class MutationKind(models.TextChoices):
    """The mutation types a centre can receive (« Type de mutations »)."""

    MOVE = "MOVE", _("Changement d'adresse")
    DEATH = "DEATH", _("Décès")
    MARRIAGE = "MARRIAGE", _("Mariage")
    DIVORCE = "DIVORCE", _("Divorce")
    BIRTH = "BIRTH", _("Naissance dans le ménage")
    NATIONALITY = "NATIONALITY", _("Changement de nationalité")


# The feed's flag for each type, in the order of the screen.
KIND_FIELDS = {
    MutationKind.MOVE: "receive_move",
    MutationKind.DEATH: "receive_death",
    MutationKind.MARRIAGE: "receive_marriage",
    MutationKind.DIVORCE: "receive_divorce",
    MutationKind.BIRTH: "receive_birth",
    MutationKind.NATIONALITY: "receive_nationality",
}


class MutationFeed(CentreOwned):
    """A centre's subscription to the register's mutations: the types it receives and where it stands.

    `cursor` is the id of the last mutation stored: the next poll asks from there. It moves only in the
    transaction that stores the batch, so a failed or refused batch is asked again, never skipped.
    """

    receive_move = models.BooleanField(_("Changement d'adresse"), default=True)
    receive_death = models.BooleanField(_("Décès"), default=True)
    receive_marriage = models.BooleanField(_("Mariage"), default=True)
    receive_divorce = models.BooleanField(_("Divorce"), default=True)
    receive_birth = models.BooleanField(_("Naissance dans le ménage"), default=True)
    receive_nationality = models.BooleanField(_("Changement de nationalité"), default=True)
    cursor = models.PositiveBigIntegerField(_("dernière mutation reçue"), default=0)
    polled_at = models.DateTimeField(_("dernière relève le"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("dernière relève réussie le"), null=True, blank=True)
    error = models.TextField(_("erreur de la dernière relève"), blank=True)
    refusal = models.TextField(_("dernier lot refusé"), blank=True)
    refused_at = models.DateTimeField(_("lot refusé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("type de mutations")
        verbose_name_plural = _("types de mutations")
        constraints = [models.UniqueConstraint(fields=["centre"], name="mutation_feed_one_per_centre")]

    def __str__(self) -> str:
        return str(_("Mutations reçues"))

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, field in KIND_FIELDS.items() if getattr(self, field)]


class Mutation(CentreOwned):
    """One mutation of the register, for a person the centre has a dossier for; stored once."""

    class Outcome(models.TextChoices):
        PROCESSED = "processed", _("Traitée")
        ADDRESS_UPDATED = "address_updated", _("Adresse légale mise à jour")
        DOSSIER_CLOSED = "dossier_closed", _("Dossier clôturé")

    register_id = models.PositiveBigIntegerField(_("identifiant au registre"))
    niss = models.CharField(_("NISS"), max_length=11)
    kind = models.CharField(_("type"), max_length=12, choices=MutationKind.choices)
    occurred_on = models.DateField(_("date de l'événement"))
    recorded_at = models.DateTimeField(_("enregistrée au registre le"))
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    data = models.JSONField(_("contenu"), default=dict, blank=True)
    # No index of their own: (centre, dossier, -id) serves the dossier's mutations, and the indexes a
    # foreign key gets by default would only slow the import down.
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dossier"),
        db_index=False,
    )
    processed_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traitée par"),
        db_index=False,
    )
    outcome = models.CharField(_("suite donnée"), max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("mutation")
        verbose_name_plural = _("mutations")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "register_id"], name="mutation_stored_once"),
            models.CheckConstraint(
                condition=models.Q(processed_at__isnull=True) | ~models.Q(outcome=""),
                name="mutation_processed_has_outcome",
            ),
        ]
        # « Consulter les mutations » reads its pages newest first (keyset on id) from these.
        indexes = [
            models.Index(fields=["centre", "-id"], name="mutation_centre_id"),
            models.Index(
                fields=["centre", "-id"],
                name="mutation_centre_unprocessed",
                condition=models.Q(processed_at__isnull=True),
            ),
            models.Index(fields=["centre", "niss", "-id"], name="mutation_centre_niss"),
            models.Index(fields=["centre", "dossier", "-id"], name="mutation_centre_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.niss} {self.occurred_on:%d/%m/%Y}"

    @property
    def is_processed(self) -> bool:
        return self.processed_at is not None

    @property
    def persons(self) -> list[str]:
        """The NISS of the persons a screen showing this mutation consults: the person it is about, and
        the partner of a marriage or the child of a birth its details show (templates/mutations/_content)."""
        data = self.data or {}
        others = {MutationKind.MARRIAGE: [data.get("partner")], MutationKind.BIRTH: [data.get("child")]}
        others = others.get(self.kind, [])
        return [self.niss, *(niss for niss in others if niss and niss != self.niss)]

    @property
    def address_lines(self) -> list[str]:
        if self.kind != MutationKind.MOVE:
            return []
        data = self.data
        street = " ".join(p for p in (data.get("street", ""), data.get("house_number", "")) if p)
        if data.get("box"):
            street = f"{street} {_('bte')} {data['box']}"
        return [street, f"{data.get('postal_code', '')} {data.get('municipality', '')}".strip()]
