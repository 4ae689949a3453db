"""The demo data of `make run`: two centres (one in Brussels), a social worker and an administrator each."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from .models import Centre, Membership, User
from .services import membership_grant

DEMO_PASSWORD = "Primaweb-demo-2026"  # noqa: S105 (printed on purpose: demo accounts only)


@dataclass(frozen=True)
class DemoCentre:
    key: str
    name_fr: str
    name_nl: str
    bce_number: str
    nis_code: str
    street: str
    postal_code: str
    phone: str
    email: str
    bcss_technical_user_niss: str
    bcss_technical_user_email: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    niss: str
    centres: tuple[tuple[str, str], ...]


CENTRES = (
    DemoCentre(
        "namur",
        "CPAS de Namur",
        "OCMW Namen",
        "0212345668",
        "92094",
        "Rue de Dave 165",
        "5100",
        "081 33 70 11",
        "info@cpas-namur.example",
        "70010100188",
        "bcss@cpas-namur.example",
    ),
    DemoCentre(
        "ixelles",
        "CPAS d'Ixelles",
        "OCMW Elsene",
        "0207654333",
        "21009",
        "Chaussée de Boondael 92",
        "1050",
        "02 641 54 11",
        "info@cpas-ixelles.example",
        "70010100386",
        "bcss@cpas-ixelles.example",
    ),
)
USERS = (
    DemoUser("as.namur", "Claire", "Dumont", "85073003427", (("namur", Membership.Role.SOCIAL_WORKER),)),
    DemoUser("admin.namur", "Marc", "Lejeune", "79120512315", (("namur", Membership.Role.ADMINISTRATOR),)),
    DemoUser("as.ixelles", "Sofie", "Peeters", "90020199803", (("ixelles", Membership.Role.SOCIAL_WORKER),)),
    DemoUser(
        "admin.ixelles", "Youssef", "El Amrani", "82111012318", (("ixelles", Membership.Role.ADMINISTRATOR),)
    ),
    # Works for both centres, to show the role-selection screen after login.
    DemoUser(
        "as.multi",
        "Anne",
        "Van den Bergh",
        "88051507401",
        (("namur", Membership.Role.SOCIAL_WORKER), ("ixelles", Membership.Role.SOCIAL_WORKER)),
    ),
)


# Apps built on the core add their own demo data for the demo centres (registered in their ready()).
_seeders: list[Callable[[list[Centre]], None]] = []


def register_seeder(seeder: Callable[[list[Centre]], None]) -> None:
    if seeder not in _seeders:
        _seeders.append(seeder)


@transaction.atomic
def seed_demo() -> tuple[list[Centre], list[User]]:
    """Creates or refreshes the demo centres and users; running it twice changes nothing."""
    centres = {}
    for spec in CENTRES:
        centre = Centre.objects.filter(bce_number=spec.bce_number).first() or Centre(
            bce_number=spec.bce_number
        )
        for field in (
            "name_fr",
            "name_nl",
            "nis_code",
            "street",
            "postal_code",
            "phone",
            "email",
            "bcss_technical_user_niss",
            "bcss_technical_user_email",
        ):
            setattr(centre, field, getattr(spec, field))
        centre.full_clean()  # also sets the working language from the commune
        centre.save()
        centres[spec.key] = centre
    users = []
    for spec in USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "niss": spec.niss,
                "email": f"{spec.username}@primaweb.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for key, role in spec.centres:
            membership_grant(user=user, centre=centres[key], role=role)
        users.append(user)
    for seeder in _seeders:
        seeder(list(centres.values()))
    return list(centres.values()), users


def demo_logins() -> list[tuple[User, list[Membership]]]:
    """The demo accounts that exist, each with its profiles, in the order of USERS (for the sign-in page and
    the banner of `make run`)."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=[spec.username for spec in USERS], is_active=True)
    }
    memberships: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.across_centres(reason="the public list of the demo accounts, every centre")
        .filter(user__in=users.values())
        .select_related("centre")
        .order_by("pk")
    ):
        memberships.setdefault(membership.user_id, []).append(membership)
    present = [users[spec.username] for spec in USERS if spec.username in users]
    return [(user, memberships.get(user.pk, [])) for user in present]
