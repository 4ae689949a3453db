from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primaweb.communes import get_commune
from primaweb.tenancy import CentreOwned


class Nature(models.TextChoices):
    ENERGY = "energy", _("aide financière frais d'énergie (électricité, gaz, mazout)")
    FINANCIAL = "financial", _("aide financière")
    MEDICAL = "medical", _("aide financière frais médicaux et pharmaceutiques")
    HOUSING = "housing", _("aide au logement et garantie locative")
    DEBT = "debt", _("médiation de dettes")
    REFERENCE_ADDRESS = "reference_address", _("adresse de référence")
    INTEGRATION_INCOME = "integration_income", _("revenu d'intégration")
    OTHER = "other", _("autre")


class Answer(models.TextChoices):
    YES = "yes", _("OUI")
    NO = "no", _("NON")
    # Not answered is the empty string, shown as « / » like the manual.


class Source(models.TextChoices):
    REGISTERS = "registers", _("registres")
    APPLICANT = "applicant", _("demandeur")


class OnlineRequest(CentreOwned):
    """A request for help filed by a citizen on the CPAS Online form, kept for the competent centre."""

    reference = models.CharField(_("référence"), max_length=12, unique=True)
    submitted_at = models.DateTimeField(_("date de soumission"), default=timezone.now, db_index=True)
    received_on = models.DateField(
        _("date de réception légale"),
        help_text=_("Un samedi, un dimanche ou un jour férié, la demande compte du jour ouvrable suivant."),
    )
    language = models.CharField(_("langue du demandeur"), max_length=2, default="fr")
    identity_source = models.CharField(
        _("origine de l'identité"), max_length=10, choices=Source.choices, default=Source.APPLICANT
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.CharField(_("date de naissance"), max_length=10, blank=True)  # yyyy-mm-dd
    niss = models.CharField(_("NISS"), max_length=11, blank=True)
    register = models.CharField(_("registre d'inscription"), max_length=100, blank=True)
    email = models.EmailField(_("adresse e-mail"), max_length=254)
    phone = models.CharField(_("numéro de téléphone"), max_length=30, blank=True)
    street = models.CharField(_("rue"), max_length=200, blank=True)
    house_number = models.CharField(_("numéro"), max_length=20, blank=True)
    box = models.CharField(_("boîte"), max_length=20, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=4)
    commune_nis = models.CharField(_("commune (code INS)"), max_length=5)
    reference_address = models.CharField(_("adresse de référence"), max_length=300, blank=True)
    nature = models.CharField(_("nature de la demande"), max_length=30, choices=Nature.choices)
    description = models.TextField(_("description du demandeur"), max_length=4000, blank=True)
    lives_at_residence = models.CharField(
        _("vit à son adresse de résidence"), max_length=3, choices=Answer.choices, blank=True
    )
    is_student = models.CharField(_("est étudiant"), max_length=3, choices=Answer.choices, blank=True)
    in_facility = models.CharField(
        _("séjourne dans un lieu d'accueil, de placement ou de soins"),
        max_length=3,
        choices=Answer.choices,
        blank=True,
    )
    read_at = models.DateTimeField(_("date de lecture"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lue par"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="online_requests",
        verbose_name=_("dossier"),
    )
    # The decision on the request and its notification, as the worker records them: the Échéancier's
    # deadlines (decide within 30 days, notify within 8) close on these dates.
    decided_on = models.DateField(_("décision prise le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décision enregistrée par"),
    )
    notified_on = models.DateField(_("décision notifiée le"), null=True, blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notification enregistrée par"),
    )
    acknowledgement = models.FileField(_("accusé de réception (PDF)"), upload_to="cpasonline/", blank=True)
    acknowledged_at = models.DateTimeField(_("accusé de réception envoyé le"), null=True, blank=True)
    # The acknowledgement's outbox: the row says what is left to send. A task (or, when its wake-up was
    # lost, the sweep) may take it once the lease is over; a failed attempt sets it to the next try.
    acknowledgement_lease_until = models.DateTimeField(
        _("envoi de l'accusé réservé jusqu'au"), null=True, blank=True
    )
    acknowledgement_attempts = models.PositiveSmallIntegerField(
        _("tentatives d'envoi de l'accusé"), default=0
    )
    acknowledgement_error = models.TextField(_("dernière erreur d'envoi de l'accusé"), blank=True)

    class Meta:
        verbose_name = _("demande CPAS Online")
        verbose_name_plural = _("demandes CPAS Online")
        ordering = ["-submitted_at", "-id"]
        # The list's pages in its order (keyset by submitted_at, then id): unread (read_at IS NULL), or all.
        indexes = [
            models.Index(
                fields=["centre", "read_at", "-submitted_at", "-id"], name="cpasonline_centre_read_id"
            ),
            models.Index(fields=["centre", "-submitted_at", "-id"], name="cpasonline_centre_submitted"),
            # The sweep's question: which acknowledgements are owed and held by nobody.
            models.Index(
                fields=["acknowledgement_lease_until"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="cpasonline_ack_owed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(identity_source__in=["registers", "applicant"]),
                name="cpasonline_known_source",
            ),
            models.CheckConstraint(
                condition=(models.Q(read_at__isnull=True) | models.Q(read_by__isnull=False)),
                name="cpasonline_read_by_someone",
            ),
            models.CheckConstraint(
                condition=(models.Q(decided_on__isnull=True) | models.Q(decided_by__isnull=False)),
                name="cpasonline_decided_by_someone",
            ),
            # A decision is notified once taken, never before it.
            models.CheckConstraint(
                condition=models.Q(notified_on__isnull=True)
                | (
                    models.Q(notified_by__isnull=False, decided_on__isnull=False)
                    & models.Q(notified_on__gte=models.F("decided_on"))
                ),
                name="cpasonline_notified_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def from_registers(self) -> bool:
        return self.identity_source == Source.REGISTERS

    @property
    def commune(self):
        return get_commune(self.commune_nis)

    @property
    def acknowledgement_given_up(self) -> bool:
        from django.conf import settings

        return (
            self.acknowledged_at is None
            and self.acknowledgement_attempts >= settings.CPASONLINE_ACKNOWLEDGEMENT_MAX_ATTEMPTS
        )

    def residence_address(self, language: str | None = None) -> str:
        from .display import address_line

        return address_line(self, language)
