"""The daily summary by e-mail: once a day, to each worker who asked for it, what is due.

The mail names no person (an e-mail leaves the centre's systems): each line is a kind of deadline, its
day and the link to open it in Primaweb, behind the sign-in.

Idempotent per day: the preference's row is claimed for the day (`last_sent_on`) before the mail
leaves, so two beats, or a task run twice, send one summary; a mail server that refuses gives the day
back, and the next run tries again.
"""

import logging
import smtplib
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import selectors
from .models import DigestPreference

logger = logging.getLogger(__name__)
LISTED = 20
# Only a worker who still has access hears of the centre's deadlines: a deactivated membership or account
# stops the summary (its counts and links) as it stops the sign-in.
STILL_A_MEMBER = Q(membership__is_active=True, membership__user__is_active=True)


def digests_due(*, today: date):
    """The preferences whose summary of `today` is still owed (ids, across centres: a beat task)."""
    return (
        DigestPreference.objects.across_centres(reason="the daily summary is owed in every centre")
        .filter(STILL_A_MEMBER, enabled=True)
        .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today))
        .values_list("pk", flat=True)
    )


def _claim(preference_id: int, today: date) -> DigestPreference | None:
    rows = DigestPreference.objects.across_centres(reason="a task re-reads the row it was given").filter(
        Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today),
        STILL_A_MEMBER,
        pk=preference_id,
        enabled=True,
    )
    preference = rows.select_related("membership__user", "membership__centre").first()
    if preference is None or not rows.update(last_sent_on=today):
        return None
    return preference


def _give_back(preference: DigestPreference) -> None:
    """The day the row held before the claim (the claimed row was read before its update)."""
    DigestPreference.objects.for_centre(preference.centre_id).filter(pk=preference.pk).update(
        last_sent_on=preference.last_sent_on
    )


def digest_send(*, preference_id: int, today: date | None = None) -> bool:
    """Sends today's summary of one worker; False when already sent today, off, or nothing to say."""
    today = today or timezone.localdate()
    preference = _claim(preference_id, today)
    if preference is None:
        return False
    membership = preference.membership
    if not membership.user.email:
        return False
    sections = []
    for period, title in (
        (selectors.OVERDUE, _("Dépassées")),
        (selectors.TODAY, _("Aujourd'hui")),
        (selectors.WEEK, _("Dans les sept prochains jours")),
    ):
        mine = selectors.deadlines_due(membership=membership, period=period, mine=True, today=today)
        centre = selectors.deadlines_due(membership=membership, period=period, mine=False, today=today)
        sections.append((title, mine.count(), centre.count(), list(mine[:LISTED])))
    if not any(mine_count or centre_count for _title, mine_count, centre_count, _rows in sections):
        return False
    with translation.override(membership.centre.language or settings.LANGUAGE_CODE):
        subject = _("Primaweb — Échéancier du %(date)s") % {"date": today.strftime("%d/%m/%Y")}
        body = render_to_string(
            "deadlines/digest_email.txt",
            {
                "membership": membership,
                "sections": sections,
                "site_url": settings.SITE_URL,
                "list_url": reverse("deadlines:list"),
            },
        )
    try:
        EmailMessage(subject, body, to=[membership.user.email]).send()
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("Échéancier: summary %s not sent: %s", preference_id, exc)
        _give_back(preference)
        raise
    return True
