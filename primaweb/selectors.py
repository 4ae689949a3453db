"""Reads shared by several views. Every selector takes the centre or the user."""

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent, Centre, Membership, User


def membership_for_user(*, user: User, centre_id: int) -> Membership | None:
    return (
        Membership.objects.across_centres(reason="the user's own memberships, on every request")
        .select_related("centre")
        .filter(user=user, centre_id=centre_id, is_active=True)
        .first()
    )


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.across_centres(reason="the user's own memberships, to choose a centre")
        .select_related("centre")
        .filter(user=user, is_active=True)
        .order_by("centre__name_fr")
    )


def centre_members(*, centre: Centre, role: str | None = None) -> QuerySet[Membership]:
    members = Membership.objects.for_centre(centre).filter(is_active=True, user__is_active=True)
    if role:
        members = members.filter(role=role)
    return members.select_related("user").order_by("user__last_name", "user__first_name")


def administered_centres(*, user: User) -> QuerySet[Centre]:
    # The admin asks this of every visitor, signed in or not: an anonymous or disabled one administers none.
    if not user.is_authenticated or not user.is_active:
        return Centre.objects.none()
    if user.is_superuser:
        return Centre.objects.all()
    return Centre.objects.filter(
        pk__in=Membership.objects.across_centres(reason="the centres a user administers")
        .filter(user=user, role=Membership.Role.ADMINISTRATOR, is_active=True)
        .values("centre_id")
    )


def account_managed_by(*, account: User, administrator: User) -> bool:
    """Whether `administrator` may change `account`'s identity, password and activation.

    Only when the account belongs to no other centre than the ones they administer and holds no
    platform-wide power: what would take effect in another centre is that centre's (or a superuser's).
    """
    if administrator.is_superuser:
        return True
    if account.is_staff or account.is_superuser:
        return False
    return not (
        account.memberships.across_centres(reason="does the account belong to another centre")
        .exclude(centre__in=administered_centres(user=administrator))
        .exists()
    )


def centres_of_user(*, user: User) -> QuerySet[Centre]:
    """Every centre where `user` has or had an access: the centres a change to the account touches."""
    return Centre.objects.filter(
        pk__in=Membership.objects.across_centres(reason="every centre an account belongs to")
        .filter(user=user)
        .values("centre_id")
    )


def audit_events(
    *,
    centre: Centre,
    action: str = "",
    user_query: str = "",
    object_query: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.for_centre(centre).select_related("user")
    if action:
        events = events.filter(action=action)
    if user_query:
        events = events.filter(
            Q(username__icontains=user_query)
            | Q(user__first_name__icontains=user_query)
            | Q(user__last_name__icontains=user_query)
        )
    if object_query:
        matches = Q(object_repr__icontains=object_query) | Q(object_id=object_query)
        digits = "".join(character for character in object_query if character.isdigit())
        if len(digits) == 11:
            # A NISS, typed with or without its dots: the consultations that showed this person.
            matches |= Q(details__persons__icontains=digits)
        events = events.filter(matches)
    zone = timezone.get_current_timezone()
    if date_from:
        events = events.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        events = events.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=zone))
    return events


def audit_event_parts(*, centre: Centre, events: QuerySet[AuditEvent]) -> list[QuerySet[AuditEvent]]:
    """`events` (of `centre`'s trail) split by origin: the centre's own, then its members' sign-ins
    (which belong to no centre). Each part is read from the (centre, at, id) index in the trail's
    order; the whole, scoped with an OR, is not (primaweb.pagination: `parts`)."""
    return [events.filter(centre=centre), events.filter(centre__isnull=True)]


def centre_of_commune(*, commune_nis: str) -> Centre | None:
    """The centre of a commune, found from its NIS code (postal codes are not unique)."""
    return Centre.objects.filter(nis_code=commune_nis).order_by("pk").first()


def centre_with_technical_bcss_user(*, bce_number: str = "") -> Centre | None:
    """The first centre (or the one with `bce_number`) that has a technical BCSS user configured."""
    centres = Centre.objects.exclude(bcss_technical_user_niss="").exclude(bcss_technical_user_email="")
    if bce_number:
        centres = centres.filter(bce_number=bce_number)
    return centres.order_by("pk").first()
