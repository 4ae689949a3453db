"""Reads of the letters app; each takes the centre."""

from django.db.models import Count, Q, QuerySet

from primaweb.models import Centre

from .models import LetterTemplate, Mailing, MailingItem


def templates_of(*, centre: Centre, active_only: bool = False) -> QuerySet[LetterTemplate]:
    templates = LetterTemplate.objects.for_centre(centre).select_related("document_type", "uploaded_by")
    return templates.filter(is_active=True) if active_only else templates


def templates_for_languages(*, centre: Centre, languages) -> QuerySet[LetterTemplate]:
    return templates_of(centre=centre, active_only=True).filter(language__in=languages)


def mailings_of(*, centre: Centre) -> QuerySet[Mailing]:
    return Mailing.objects.for_centre(centre).select_related("document_type", "created_by")


def mailing_items(*, mailing: Mailing) -> QuerySet[MailingItem]:
    return (
        MailingItem.objects.for_centre(mailing.centre_id)
        .filter(mailing=mailing)
        .select_related("dossier__beneficiary", "document", "publication")
        .order_by("pk")
    )


def mailing_progress(*, mailing: Mailing) -> dict:
    """Counts by outcome, and whether every letter has one; what the progress bar shows."""
    counts = (
        MailingItem.objects.for_centre(mailing.centre_id)
        .filter(mailing=mailing)
        .aggregate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(state=MailingItem.State.SENT)),
            failed=Count("pk", filter=Q(state=MailingItem.State.FAILED)),
        )
    )
    done = counts["sent"] + counts["failed"]
    total = counts["total"]
    return {
        **counts,
        "done": done,
        "percent": round(100 * done / total) if total else 100,
        "finished": done == total,
    }
