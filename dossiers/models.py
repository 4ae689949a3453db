from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from primaweb.display import date_display, niss_display
from primaweb.tenancy import CentreOwned

from . import codes


class Person(CentreOwned):
    """A person known to the centre, with the legal data the BCSS gave when last consulted."""

    niss = models.CharField(_("NISS"), max_length=11)
    last_name = models.CharField(_("nom"), max_length=200)
    first_names = models.CharField(_("prénom(s)"), max_length=200, blank=True)
    birth_date = models.CharField(
        _("date de naissance"), max_length=10, blank=True, help_text=_("AAAA-MM-JJ, 00 si inconnu")
    )
    gender = models.CharField(_("sexe"), max_length=1, blank=True)
    civil_state = models.CharField(_("état civil"), max_length=3, blank=True)
    nationality_code = models.CharField(_("nationalité (code INS)"), max_length=3, blank=True)
    register = models.CharField(_("registre d'inscription"), max_length=2, blank=True)
    birth_place = models.CharField(_("lieu de naissance"), max_length=200, blank=True)
    decease_date = models.CharField(_("date de décès"), max_length=10, blank=True)

    legal_street = models.CharField(_("rue (adresse légale)"), max_length=200, blank=True)
    legal_house_number = models.CharField(_("numéro (adresse légale)"), max_length=20, blank=True)
    legal_box = models.CharField(_("boîte (adresse légale)"), max_length=20, blank=True)
    legal_postal_code = models.CharField(_("code postal (adresse légale)"), max_length=10, blank=True)
    legal_municipality = models.CharField(_("localité (adresse légale)"), max_length=200, blank=True)
    legal_municipality_code = models.CharField(
        _("code INS de la commune (adresse légale)"), max_length=5, blank=True
    )
    legal_country = models.CharField(_("pays (adresse légale)"), max_length=100, blank=True)

    effective_street = models.CharField(_("rue"), max_length=200)
    effective_house_number = models.CharField(_("numéro"), max_length=20)
    effective_box = models.CharField(_("boîte"), max_length=20, blank=True)
    effective_postal_code = models.CharField(_("code postal"), max_length=10)
    effective_locality = models.CharField(_("localité"), max_length=200)
    effective_country = models.CharField(_("pays"), max_length=100, blank=True, default="Belgique")

    bcss_consulted_at = models.DateTimeField(_("consulté à la BCSS le"), default=timezone.now)
    # The language in which the centre writes to the person: a Brussels centre writes French or Dutch,
    # as the person chose. Empty: not known yet.
    language = models.CharField(
        _("langue de correspondance"),
        max_length=2,
        blank=True,
        choices=[("fr", _("Français")), ("nl", _("Nederlands")), ("de", _("Deutsch"))],
    )

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_names"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "niss"], name="person_one_per_niss_and_centre")
        ]
        # « Dossiers du C.P.A.S. » and the search by name, in name order (ties: the person's id).
        indexes = [models.Index(fields=["centre", "last_name", "id"], name="person_centre_name_id")]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_names}".strip()

    @property
    def niss_display(self) -> str:
        return niss_display(self.niss)

    @property
    def birth_date_display(self) -> str:
        return date_display(self.birth_date)

    @property
    def gender_display(self) -> str:
        return codes.label(codes.GENDERS, self.gender)

    @property
    def civil_state_display(self) -> str:
        return codes.label(codes.CIVIL_STATES, self.civil_state)

    @property
    def nationality_display(self) -> str:
        return codes.label(codes.COUNTRIES, self.nationality_code)

    @property
    def register_display(self) -> str:
        return codes.label(codes.REGISTERS, self.register)

    @property
    def legal_address_lines(self) -> list[str]:
        street = " ".join(p for p in (self.legal_street, self.legal_house_number) if p)
        if self.legal_box:
            box = _("bte")
            street = f"{street} {box} {self.legal_box}"
        town = " ".join(p for p in (self.legal_postal_code, self.legal_municipality) if p)
        return [line for line in (street, town, self.legal_country) if line]

    @property
    def effective_address_lines(self) -> list[str]:
        street = f"{self.effective_street} {self.effective_house_number}".strip()
        if self.effective_box:
            box = _("bte")
            street = f"{street} {box} {self.effective_box}"
        town = f"{self.effective_postal_code} {self.effective_locality}".strip()
        return [line for line in (street, town, self.effective_country) if line]


class DossierCounter(CentreOwned):
    """The last dossier number given in a centre: numbers only go up, so none is ever reused."""

    last_number = models.PositiveIntegerField(_("dernier numéro"), default=0)

    class Meta:
        verbose_name = _("compteur de dossiers")
        verbose_name_plural = _("compteurs de dossiers")
        constraints = [models.UniqueConstraint(fields=["centre"], name="dossier_counter_one_per_centre")]


class Dossier(CentreOwned):
    class Integration(models.TextChoices):
        """Where the beneficiary stands in the BCSS directory of references (ManageAccess)."""

        PENDING = "pending", _("intégration BCSS en cours")
        INTEGRATED = "integrated", _("intégré à la BCSS")
        TO_REDO = "to_redo", _("intégration BCSS à refaire")
        UNREGISTERING = "unregistering", _("désinscription BCSS en cours")
        UNREGISTER_TO_REDO = "unregister_to_redo", _("désinscription BCSS à refaire")
        UNREGISTERED = "unregistered", _("désinscrit de la BCSS")

    number = models.CharField(_("numéro de dossier"), max_length=11)
    beneficiary = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("bénéficiaire principal")
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("créé par")
    )
    closed_at = models.DateTimeField(_("clôturé le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clôturé par"),
    )
    closing_reason = models.CharField(_("motif de clôture"), max_length=300, blank=True)
    integration_state = models.CharField(
        _("intégration BCSS"), max_length=20, choices=Integration.choices, default=Integration.PENDING
    )
    integration_start = models.DateField(_("intégré à la BCSS depuis le"), null=True, blank=True)
    integration_error = models.CharField(_("erreur d'intégration BCSS"), max_length=300, blank=True)
    integration_attempted_at = models.DateTimeField(
        _("dernière tentative d'intégration"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        # « Dossiers du C.P.A.S. » reads its pages (newest first, keyset by created_at then id) from it.
        indexes = [
            models.Index(fields=["centre", "-created_at", "-id"], name="dossier_centre_created"),
            # The beat sweep looks for the dossiers whose integration is still to be done.
            models.Index(
                fields=["integration_state"],
                name="dossier_integration_unsettled",
                condition=~models.Q(integration_state__in=["integrated", "unregistered"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="dossier_number_unique_in_centre"),
            models.UniqueConstraint(fields=["centre", "beneficiary"], name="dossier_one_per_beneficiary"),
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9A-Z]{1,11}$"), name="dossier_number_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.beneficiary}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def integration_settled(self) -> bool:
        return self.integration_state in (self.Integration.INTEGRATED, self.Integration.UNREGISTERED)

    @property
    def integration_needs_retry(self) -> bool:
        return self.integration_state in (self.Integration.TO_REDO, self.Integration.UNREGISTER_TO_REDO)


class LegalAddressHistory(CentreOwned):
    """A legal address a person had before it was replaced (a move the register reported, confirmed)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="legal_address_history", verbose_name=_("personne")
    )
    street = models.CharField(_("rue"), max_length=200, blank=True)
    house_number = models.CharField(_("numéro"), max_length=20, blank=True)
    box = models.CharField(_("boîte"), max_length=20, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    municipality = models.CharField(_("localité"), max_length=200, blank=True)
    municipality_code = models.CharField(_("code INS de la commune"), max_length=5, blank=True)
    country = models.CharField(_("pays"), max_length=100, blank=True)
    replaced_at = models.DateTimeField(_("remplacée le"), default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("remplacée par")
    )
    moved_on = models.DateField(_("déménagement le"), null=True, blank=True)
    source = models.CharField(_("origine du changement"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("ancienne adresse légale")
        verbose_name_plural = _("anciennes adresses légales")
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return " ".join(self.lines)

    @property
    def lines(self) -> list[str]:
        street = " ".join(p for p in (self.street, self.house_number) if p)
        if self.box:
            street = f"{street} {_('bte')} {self.box}"
        town = " ".join(p for p in (self.postal_code, self.municipality) if p)
        return [line for line in (street, town, self.country) if line]
