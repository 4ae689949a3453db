from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat

from .append_only import AppendOnlyQuerySet
from .communes import get_commune
from .tenancy import SCOPED, CentreOwned, CentreOwnedQuerySet
from .validators import validate_bce_number, validate_nis_code, validate_niss

# The BCSS's AuthorizedUser/Email holds at most 100 characters (t_EmailAddress).
BCSS_EMAIL_MAX_LENGTH = 100


class Language(models.TextChoices):
    FRENCH = "fr", _("Français")
    DUTCH = "nl", _("Nederlands")
    GERMAN = "de", _("Deutsch")


class User(AbstractUser):
    # The BCSS asks for the NISS and the e-mail of the social worker who consults it (AuthorizedUser).
    niss = models.CharField(
        _("NISS"),
        max_length=11,
        blank=True,
        validators=[validate_niss],
        help_text=_(
            "Onze chiffres. Avec l'adresse e-mail, obligatoire pour consulter la BCSS "
            "(identification des personnes)."
        ),
    )

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.email and len(self.email) > BCSS_EMAIL_MAX_LENGTH:
            raise ValidationError(
                {
                    "email": _("La BCSS n'accepte pas une adresse e-mail de plus de %(max)d caractères.")
                    % {"max": BCSS_EMAIL_MAX_LENGTH}
                }
            )


class Centre(models.Model):
    """A CPAS (centre public d'action sociale), identified by its BCE number."""

    name_fr = models.CharField(_("nom en français"), max_length=200)
    name_nl = models.CharField(_("nom en néerlandais"), max_length=200)
    bce_number = models.CharField(
        _("N° BCE"),
        max_length=10,
        unique=True,
        validators=[validate_bce_number],
        help_text=_("Dix chiffres."),
    )
    nis_code = models.CharField(_("code INS de la commune"), max_length=5, validators=[validate_nis_code])
    language = models.CharField(
        _("langue de travail"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text=_(
            "Laissé vide, la langue de la commune. "
            "Un C.P.A.S. bruxellois travaille en français et en néerlandais."
        ),
    )
    street = models.CharField(_("rue et numéro"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=4, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    # Who the BCSS is told asks when no worker does (CPAS Online's register look-up): a program ID in
    # NISS format and an e-mail, as the centre's BCSS registration gives them (AuthorizedUser).
    bcss_technical_user_niss = models.CharField(
        _("NISS de l'utilisateur technique BCSS"),
        max_length=11,
        blank=True,
        validators=[validate_niss],
        help_text=_(
            "Onze chiffres : l'identifiant (au format NISS) sous lequel le C.P.A.S. consulte la BCSS "
            "sans agent, pour CPAS Online."
        ),
    )
    bcss_technical_user_email = models.EmailField(
        _("adresse e-mail de l'utilisateur technique BCSS"),
        max_length=BCSS_EMAIL_MAX_LENGTH,
        blank=True,
        help_text=_("L'adresse de contact communiquée à la BCSS pour ces consultations."),
    )

    class Meta:
        verbose_name = _("C.P.A.S.")
        verbose_name_plural = _("C.P.A.S.")
        ordering = ["name_fr"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="centre_known_language"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if bool(self.bcss_technical_user_niss) != bool(self.bcss_technical_user_email):
            niss_given = bool(self.bcss_technical_user_niss)
            missing = "bcss_technical_user_email" if niss_given else "bcss_technical_user_niss"
            raise ValidationError(
                {missing: _("L'utilisateur technique BCSS demande à la fois un NISS et une adresse e-mail.")}
            )
        commune = get_commune(self.nis_code) if self.nis_code else None
        if commune is not None:
            if not self.language:
                self.language = commune.languages[0]
            elif self.language not in commune.languages:
                raise ValidationError(
                    {"language": _("La langue de travail ne correspond pas à la commune du C.P.A.S.")}
                )

    @property
    def name(self) -> str:
        return self.name_nl if get_language() == "nl" else self.name_fr

    @property
    def commune(self):
        return get_commune(self.nis_code)

    @property
    def commune_name(self) -> str:
        commune = self.commune
        return commune.name(get_language()) if commune is not None else ""

    @property
    def is_bilingual(self) -> bool:
        commune = self.commune
        return commune is not None and commune.is_brussels

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages in which the centre writes to citizens, main language first."""
        return ("fr", "nl") if self.is_bilingual else (self.language,)

    @property
    def bce_display(self) -> str:
        # The official presentation of an enterprise number: 0212.345.668.
        number = vat.compact(self.bce_number)
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"


class Membership(CentreOwned):
    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", _("Agent social")
        ADMINISTRATOR = "administrator", _("Administrateur du C.P.A.S.")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("utilisateur")
    )
    role = models.CharField(_("profil"), max_length=20, choices=Role.choices, default=Role.SOCIAL_WORKER)
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("accès")
        verbose_name_plural = _("accès")
        ordering = ["centre__name_fr", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "centre"], name="membership_one_per_user_and_centre"),
            models.CheckConstraint(
                condition=models.Q(role__in=["social_worker", "administrator"]), name="membership_known_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.centre} ({self.get_role_display()})"

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR


class Invitation(CentreOwned):
    """« Ajouter une personne existante »: an access offered to an existing account, not yet given.

    What a centre types (a NISS, an e-mail) is a claim about an account that another centre may have
    made up; the access is given only when the account's owner opens the link sent to the account's
    e-mail address while signed in to that very account (`primaweb.invitations`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        WITHDRAWN = "withdrawn", _("Retirée")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("utilisateur")
    )
    role = models.CharField(_("profil"), max_length=20, choices=Membership.Role.choices)
    # Where the link went: the account's address when the invitation was made. A later change of the
    # account's address (by the centre that manages it) voids the link.
    email = models.EmailField(_("adresse e-mail"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # Makes each invitation's link its own: a withdrawn invitation's link never opens a new one.
    key = models.CharField(_("clé"), max_length=64, editable=False)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitée par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    closed_at = models.DateTimeField(_("acceptée ou retirée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "withdrawn"]),
                name="invitation_known_status",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["social_worker", "administrator"]), name="invitation_known_role"
            ),
        ]

    def __str__(self) -> str:
        # The address typed, never the account's name: the inviting centre learns nothing it did not know.
        return f"{self.email} — {self.centre}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and timezone.now() < self.expires_at


class AuditEventQuerySet(AppendOnlyQuerySet, CentreOwnedQuerySet):
    def for_centre(self, centre):
        # Sign-in events belong to no centre: a centre sees those of its own members.
        if centre is None:
            raise ValueError("A centre-owned query needs a centre.")
        members = Membership.objects.for_centre(centre).values("user_id")
        return self.filter(
            models.Q(centre=centre) | models.Q(centre__isnull=True, user_id__in=members)
        )._marked(SCOPED)

    def for_centres(self, centres):
        members = Membership.objects.for_centres(centres).values("user_id")
        return self.filter(
            models.Q(centre__in=centres) | models.Q(centre__isnull=True, user_id__in=members)
        )._marked(SCOPED)


# How the audit log names what `audit_consultation` and the BCSS consultations keep in `details`.
DETAIL_LABELS = {
    "screen": _("Écran"),
    "view": _("Page"),
    "persons": _("Personnes (NISS)"),
    "shown": _("Éléments affichés"),
    "criteria": _("Critères"),
}


class AuditEvent(models.Model):
    """One significant action: who, in which centre, what, on which object, when and from where.

    Written only by `primaweb.services.audit_record`; never changed or deleted afterwards.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Connexion")
        LOGIN_FAILED = "login_failed", _("Échec de connexion")
        LOGOUT = "logout", _("Déconnexion")
        CENTRE_SELECTED = "centre_selected", _("Choix du C.P.A.S.")
        VIEW = "view", _("Consultation")
        CREATE = "create", _("Création")
        CHANGE = "change", _("Modification")
        DELETE = "delete", _("Suppression")
        BCSS_CONSULTATION = "bcss_consultation", _("Consultation de la BCSS")
        SEND = "send", _("Envoi")
        REFUSED = "refused", _("Refus")

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("C.P.A.S.")
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("utilisateur")
    )
    username = models.CharField(_("nom d'utilisateur"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    object_type = models.CharField(_("type d'objet"), max_length=100, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    object_repr = models.CharField(_("objet"), max_length=300, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    at = models.DateTimeField(_("date et heure"), default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()
    # The manager Django uses behind the scenes (`Model.save()`, `_base_manager`): append-only as well,
    # and centre-owned like every base manager of centre data (primaweb.tenancy).
    append_only = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement du journal")
        verbose_name_plural = _("journal des accès")
        base_manager_name = "append_only"
        ordering = ["-at", "-id"]
        # Admin-Logs reads its pages in this order (keyset by at, then id).
        indexes = [models.Index(fields=["centre", "-at", "-id"], name="audit_centre_at_id")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail cannot be deleted.")

    @property
    def details_display(self) -> list[tuple[str, str]]:
        """The details as label and text, lists and mappings spelled out, for the event's page."""
        details = self.details if isinstance(self.details, dict) else {}
        return [
            (str(DETAIL_LABELS.get(key, key)), _detail_text(key, value)) for key, value in details.items()
        ]

    @property
    def summary(self) -> str:
        """What the event was about, in one line: the screen consulted (in the reader's language), the
        object, the search criteria, and how many persons a list showed."""
        details = self.details if isinstance(self.details, dict) else {}
        parts = []
        screen = details.get("screen")
        if isinstance(screen, str) and screen:
            parts.append(gettext(screen))
        if self.object_repr:
            parts.append(self.object_repr)
        criteria = details.get("criteria")
        if isinstance(criteria, dict):
            shown = ", ".join(f"{key}: {value}" for key, value in criteria.items() if value not in ("", None))
            if shown:
                parts.append(shown)
        persons = details.get("persons")
        if isinstance(persons, list) and not self.object_repr and screen:
            count = len(persons)
            parts.append(ngettext("%(count)d personne", "%(count)d personnes", count) % {"count": count})
        return " — ".join(parts)


def _detail_text(key: str, value) -> str:
    if key == "screen" and isinstance(value, str):
        return gettext(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{name}: {_detail_text(name, item)}" for name, item in value.items())
    return str(value)
