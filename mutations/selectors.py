"""Reads of the mutations; every one takes the centre."""

from datetime import date

from django.db.models import QuerySet

from primaweb.models import Centre

from .models import Mutation, MutationFeed, MutationKind


def mutations_of_centre(
    *,
    centre: Centre,
    processed: bool | None = False,
    start: date | None = None,
    end: date | None = None,
    kind: str = "",
    niss: str = "",
    dossier_number: str = "",
) -> QuerySet[Mutation]:
    """« Consulter les mutations »: the centre's mutations, newest first, narrowed by the criteria given
    (processed or not, the event's period, the type, the person's NISS, the dossier's number)."""
    mutations = Mutation.objects.for_centre(centre).select_related("dossier", "processed_by")
    if processed is not None:
        mutations = mutations.filter(processed_at__isnull=not processed)
    if start is not None:
        mutations = mutations.filter(occurred_on__gte=start)
    if end is not None:
        mutations = mutations.filter(occurred_on__lte=end)
    if kind:
        mutations = mutations.filter(kind=kind)
    if niss:
        mutations = mutations.filter(niss=niss)
    if dossier_number:
        mutations = mutations.filter(dossier__number__iexact=dossier_number.strip())
    return mutations.order_by("-id")


def unprocessed_count(*, centre: Centre) -> int:
    return Mutation.objects.for_centre(centre).filter(processed_at__isnull=True).count()


def mutations_of_dossier(*, centre: Centre, dossier, limit: int = 50) -> list[Mutation]:
    """The dossier's mutations, the unprocessed first, then the newest."""
    mutations = Mutation.objects.for_centre(centre).filter(dossier=dossier).select_related("processed_by")
    unprocessed = list(mutations.filter(processed_at__isnull=True).order_by("-id")[:limit])
    return unprocessed + list(mutations.filter(processed_at__isnull=False).order_by("-id")[:10])


def feed_of(*, centre: Centre) -> MutationFeed:
    """The centre's feed (types received, where the polling stands); a default one, unsaved, if none yet."""
    return MutationFeed.objects.for_centre(centre).filter().first() or MutationFeed(centre=centre)


def recipient_deceased(*, centre_id: int, niss: str) -> bool:
    """Whether the register reported the death of `niss` to the centre (processed or not)."""
    return Mutation.objects.for_centre(centre_id).filter(niss=niss, kind=MutationKind.DEATH).exists()
