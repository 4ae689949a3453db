"""The simulated population register the IdentifyPerson endpoint answers from.

One row per person known to the (simulated) National Register or the BCSS registers. The phonetic keys
and the birth-date range are stored so that a phonetic search is an indexed lookup (equality on a key,
range on `birth_date_low`), never a scan, even at a million persons.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.be import bis, nn

from . import phonetic
from .incomplete_dates import IncompleteDateError, bounds


class Gender(models.IntegerChoices):
    UNKNOWN = 0, _("Inconnu")
    MALE = 1, _("Masculin")
    FEMALE = 2, _("Féminin")


class CivilState(models.IntegerChoices):
    """The BCSS civil state codes (t_CivilStateCode); the sub-codes 25, 26, 41, 51 are not simulated."""

    SINGLE = 10, _("Célibataire")
    MARRIED = 20, _("Marié(e)")
    WIDOWED = 30, _("Veuf/veuve")
    DIVORCED = 40, _("Divorcé(e)")
    SEPARATED = 50, _("Séparé(e) de corps")
    LEGAL_COHABITATION = 60, _("Cohabitation légale")


class InscriptionRegister(models.IntegerChoices):
    POPULATION = 1, _("Registre de population")
    FOREIGNERS = 2, _("Registre des étrangers")
    WAITING = 3, _("Registre d'attente")


# A person's birth-date range spans at most one year (an unknown month and day), so a search may bound
# `birth_date_low` from below too, which keeps the index range scan short.
MAX_BIRTH_RANGE_DAYS = 366


def validate_niss(value: str) -> None:
    if not (nn.is_valid(value) or bis.is_valid(value)):
        raise ValidationError(
            _("%(value)s n'est ni un numéro de registre national ni un numéro bis valide."),
            params={"value": value},
        )


class RegisteredPerson(models.Model):
    niss = models.CharField(_("NISS"), max_length=11, unique=True, validators=[validate_niss])
    last_name = models.CharField(_("nom"), max_length=100)
    first_names = models.CharField(_("prénoms"), max_length=150, blank=True)
    birth_date = models.CharField(
        _("date de naissance"), max_length=10, help_text=_("AAAA-MM-JJ, AAAA-MM-00 ou AAAA-00-00")
    )
    birth_date_low = models.DateField(_("date de naissance au plus tôt"))
    birth_date_high = models.DateField(_("date de naissance au plus tard"))
    gender = models.PositiveSmallIntegerField(_("sexe"), choices=Gender.choices, default=Gender.UNKNOWN)
    civil_state = models.PositiveSmallIntegerField(
        _("état civil"), choices=CivilState.choices, default=CivilState.SINGLE
    )
    civil_state_since = models.DateField(_("état civil depuis le"), null=True, blank=True)
    partner_niss = models.CharField(_("NISS du partenaire"), max_length=11, blank=True)
    nationality_code = models.PositiveSmallIntegerField(_("nationalité (code INS)"), default=150)
    register = models.PositiveSmallIntegerField(
        _("registre d'inscription"), choices=InscriptionRegister.choices, null=True, blank=True
    )
    birth_place_code = models.PositiveIntegerField(_("lieu de naissance (code INS)"), null=True, blank=True)
    birth_place_name = models.CharField(_("lieu de naissance"), max_length=100, blank=True)
    street_fr = models.CharField(_("rue (français)"), max_length=150, blank=True)
    street_nl = models.CharField(_("rue (néerlandais)"), max_length=150, blank=True)
    street_de = models.CharField(_("rue (allemand)"), max_length=150, blank=True)
    house_number = models.CharField(_("numéro"), max_length=10, blank=True)
    box = models.CharField(_("boîte"), max_length=10, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=4, blank=True)
    municipality_code = models.CharField(_("commune (code INS)"), max_length=5, blank=True)
    decease_date = models.DateField(_("date de décès"), null=True, blank=True)
    phonetic_key = models.CharField(_("clé phonétique"), max_length=40, editable=False)
    phonetic_skeleton = models.CharField(_("squelette phonétique"), max_length=40, editable=False)

    class Meta:
        verbose_name = _("personne inscrite")
        verbose_name_plural = _("personnes inscrites")
        ordering = ["last_name", "first_names"]
        indexes = [
            models.Index(fields=["phonetic_key", "birth_date_low"], name="bcss_person_key_birth"),
            models.Index(fields=["phonetic_skeleton", "birth_date_low"], name="bcss_person_skeleton_birth"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_date_low__lte=models.F("birth_date_high")),
                name="bcss_person_birth_range_ordered",
            ),
            models.CheckConstraint(condition=models.Q(gender__in=[0, 1, 2]), name="bcss_person_gender_code"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_names} ({self.niss})"

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def is_bis(self) -> bool:
        """BIS numbers carry the month plus 20 or 40; they come from the BCSS registers, not the RN."""
        return int(self.niss[2:4]) > 12

    @property
    def origin(self) -> str:
        return "BCSS_KSZ" if self.is_bis else "RN_RR"

    def refresh_derived(self) -> None:
        """Recomputes the phonetic keys and the birth-date range from the name and birth date."""
        self.phonetic_key, self.phonetic_skeleton = phonetic.keys(self.last_name)
        self.birth_date_low, self.birth_date_high = bounds(self.birth_date)

    def clean(self) -> None:
        try:
            self.refresh_derived()
        except IncompleteDateError as exc:
            raise ValidationError({"birth_date": str(exc)}) from exc


class Integration(models.Model):
    """One entry of the BCSS directory of references (« répertoire des références »).

    ManageAccess registers a person for an organisation (the centre's BCE number as its requests carry
    it), a sector (17: CPAS), a legal context and a period; the organisation is then entitled to the
    person's data and receives the changes. `end_date` null is an open period.
    """

    ssin = models.CharField(_("NISS"), max_length=11, db_index=True)
    organisation = models.CharField(_("organisation (numéro BCE)"), max_length=10)
    sector = models.PositiveSmallIntegerField(_("secteur"), default=17)
    legal_context = models.CharField(_("contexte légal"), max_length=100)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("intégration")
        verbose_name_plural = _("intégrations")
        ordering = ["ssin", "start_date"]
        indexes = [models.Index(fields=["organisation", "ssin"], name="bcss_integration_org_ssin")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="bcss_integration_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        end = self.end_date or "…"
        return f"{self.ssin} @ {self.organisation} ({self.start_date} – {end})"


class RecordEntry(models.Model):
    """One period of a person's national-register record stored explicitly (`history.record_change`).

    A generated person's history is derived from the person (see `history`): nothing is stored for the
    million persons of a simulated register. Only a person whose record changed after generation (a
    move, a marriage...) has rows here, one per period of the groups that changed; for those groups the
    rows are the whole history.
    """

    class Group(models.TextChoices):
        ADDRESS = "address", _("adresse")
        CIVIL_STATE = "civil_state", _("état civil")
        HOUSEHOLD = "household", _("composition de ménage")
        NATIONALITY = "nationality", _("nationalité")

    ssin = models.CharField(_("NISS"), max_length=11)
    group = models.CharField(_("groupe"), max_length=20, choices=Group.choices)
    start_date = models.DateField(_("début"))
    data = models.JSONField(_("données"), default=dict)

    class Meta:
        verbose_name = _("période du registre")
        verbose_name_plural = _("périodes du registre")
        ordering = ["ssin", "group", "start_date", "id"]
        indexes = [models.Index(fields=["ssin", "group", "start_date"], name="bcss_record_ssin_group")]

    def __str__(self) -> str:
        return f"{self.ssin} {self.group} {self.start_date}"


class MutationKind(models.TextChoices):
    """The changes of the register a centre can receive (the pull service's t_MutationType)."""

    MOVE = "MOVE", _("Changement d'adresse")
    DEATH = "DEATH", _("Décès")
    MARRIAGE = "MARRIAGE", _("Mariage")
    DIVORCE = "DIVORCE", _("Divorce")
    BIRTH = "BIRTH", _("Naissance dans le ménage")
    NATIONALITY = "NATIONALITY", _("Changement de nationalité")


class RegisterMutation(models.Model):
    """A change the register recorded for a person, as the mutation pull service delivers it.

    The id is the delivery order: a centre's cursor is the last id it received. `data` holds the
    type's own content (the new address, the partner, the child, the nationality).
    """

    ssin = models.CharField(_("NISS"), max_length=11, db_index=True)
    kind = models.CharField(_("type"), max_length=12, choices=MutationKind.choices)
    occurred_on = models.DateField(_("date de l'événement"))
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    data = models.JSONField(_("contenu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("mutation du registre")
        verbose_name_plural = _("mutations du registre")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.ssin} {self.occurred_on}"
