"""Every deadline the law (or the eBox) sets on a centre, in one place, each with its reference.

A rule is a pure function of dates: the source date in, the due date out. The Échéancier stores what
these return (deadlines.services), so that its lists are read from an index, never recomputed per row.

How a delay is counted (Code judiciaire, art. 52 and 53, which the administrative courts apply to the
delays of the social security laws when the law itself says nothing else): the day of the source act
is not counted, the last day is; when the last day is a Saturday, a Sunday or a legal public holiday,
the delay ends on the next working day. The legal public holidays are the ten national ones (arrêté
royal du 18 avril 1974): the regional and community days (8 May in Brussels, 11 July in Flanders,
27 September for the French Community, 15 November for the German-speaking Community) are not legal
holidays and do not move a deadline, whatever the centre's region. The receipt date of a CPAS Online
request follows the same calendar (cpasonline.rules), which these rules reuse.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from cpasonline.rules import is_working_day

# Loi du 26 mai 2002 concernant le droit à l'intégration sociale, art. 21, § 1er: the centre decides
# within thirty days of the receipt of the request. The social aid of the loi organique des CPAS du
# 8 juillet 1976 knows the same thirty days (art. 58 on the request's registration and the decision's
# delay: the paragraph is to be confirmed against the consolidated text). A CPAS Online request may ask
# for either: the thirty days apply to all.
DECISION_DAYS = 30

# Loi du 26 mai 2002, art. 21, § 3: the decision is notified to the person concerned, by registered
# letter or against a dated acknowledgement of receipt, within eight days of the decision. Loi organique
# des CPAS, art. 62bis, sets the same notification for the social aid (the eight days there: to be
# confirmed); the Charte de l'assuré social (loi du 11 avril 1995, art. 14) says what the notification
# must contain, not its delay.
NOTIFICATION_DAYS = 8

# The notification may be the eBox itself: a document of the eBox message type of decisions delivered
# to the citizen's eBox notifies the dossier's decisions taken by then and not yet notified. The eBox
# notifies with legal effect only for a citizen who accepted it (loi du 27 février 2019 relative à
# l'échange électronique de messages par le biais de l'eBox: the article to be confirmed); a centre
# that also posts a registered letter records its date by hand, the earlier one counting.
NOTIFYING_MESSAGE_TYPES = frozenset({"CPAS_DECISION"})

# Not the law: the eBox keeps a message until its expiry date (the validity of its message type), then
# the citizen can no longer read it. A decision the citizen has not read this many days before the
# expiry must reach them another way: the centre sends it on paper, by post, while the eBox copy still
# proves the first sending. The centre's own e-Box messages expire the same way (read them before).
PAPER_DAYS_BEFORE_EXPIRY = 10


def delay_end(start: date, days: int) -> date:
    """The last day of a delay of `days` days running from `start` (art. 52–53 Code judiciaire)."""
    end = start + timedelta(days=days)
    while not is_working_day(end):
        end += timedelta(days=1)
    return end


def decision_due(received_on: date) -> date:
    """The day by which a CPAS Online request received (legally) on `received_on` must be decided."""
    return delay_end(received_on, DECISION_DAYS)


def notification_due(decided_on: date) -> date:
    """The day by which a decision taken on `decided_on` must be notified to the applicant."""
    return delay_end(decided_on, NOTIFICATION_DAYS)


def expiry_day(expires_at: datetime) -> date:
    """The last day an eBox message can be read: its expiry moment's day in Belgium (exact, not a delay)."""
    return timezone.localtime(expires_at).date()


def paper_due(expires_at: datetime) -> date:
    """The day an unread eBox message should be sent on paper: some days before it expires.

    A working day, brought forward (not pushed back) when it falls on a weekend or a holiday, so that
    the letter leaves before the message is gone.
    """
    day = expiry_day(expires_at) - timedelta(days=PAPER_DAYS_BEFORE_EXPIRY)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
