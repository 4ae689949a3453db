"""The e-mails Primaweb writes to people (an invitation, a CPAS Online acknowledgement), worded one way."""

from collections.abc import Callable, Sequence

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def email_compose(
    *, to: str, languages: Sequence[str], subject: Callable[[], str], template: str, context: dict
) -> EmailMessage:
    """An e-mail to `to` written in each of `languages`, in that order (French and Dutch for a Brussels
    centre): `subject()` and `template` rendered with `context` in each language, the subjects joined by
    « / », the bodies separated by a line. The caller attaches files and sends it (`send()` raises what the
    mail server answers: `OSError` or `smtplib.SMTPException`)."""
    subjects, bodies = [], []
    for language in languages:
        with translation.override(language):
            subjects.append(str(subject()))
            bodies.append(render_to_string(template, context))
    return EmailMessage(" / ".join(subjects), "\n\n----------\n\n".join(bodies), to=[to])
