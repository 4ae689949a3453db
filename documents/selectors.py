from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from stdnum.be import nn

from dossiers.models import Dossier
from primaweb.models import Centre

from .models import Document, DocumentType
from .statuses import NEEDS_ATTENTION, ShownStatus, shown_status_q


def document_types_of_centre(*, centre: Centre) -> QuerySet[DocumentType]:
    return DocumentType.objects.for_centre(centre).filter(is_active=True).order_by("label_fr")


def documents_of_centre(
    *,
    centre: Centre,
    dossier: Dossier | None = None,
    niss: str = "",
    document_type: DocumentType | None = None,
    status: str = "",
    archived: bool = False,
) -> QuerySet[Document]:
    """« Gérer les documents »: the centre's documents not deleted, archived or not, newest first.

    One query per page whatever its size: the dossier, beneficiary and type come joined.
    """
    # « Archivé » is a status like the others: choosing it lists the archived documents.
    archived = archived or status == ShownStatus.ARCHIVED
    documents = (
        Document.objects.for_centre(centre)
        .filter(deleted_at__isnull=True, archived_at__isnull=not archived)
        .select_related("dossier__beneficiary", "document_type", "uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
    if dossier is not None:
        documents = documents.filter(dossier=dossier)
    if niss:
        # With the centre, the lookup uses the (centre, niss) unique index instead of scanning persons.
        documents = documents.filter(
            dossier__beneficiary__centre=centre, dossier__beneficiary__niss=nn.compact(niss)
        )
    if document_type is not None:
        documents = documents.filter(document_type=document_type)
    if status:
        documents = documents.filter(shown_status_q(status))
    return documents


def document_of_centre(*, centre: Centre) -> QuerySet[Document]:
    """Documents of the centre, deleted ones included (their history stays reachable)."""
    return Document.objects.for_centre(centre).select_related(
        "dossier__beneficiary", "document_type", "uploaded_by"
    )


def duplicate_in_dossier(*, dossier: Dossier, sha256: str) -> Document | None:
    """The dossier's current document with these very bytes, if any."""
    return (
        Document.objects.for_centre(dossier.centre_id)
        .filter(dossier=dossier, sha256=sha256, deleted_at__isnull=True)
        .first()
    )


def documents_by_id() -> QuerySet[Document]:
    """Every centre's documents, for the conversion tasks and the eBox app: they name a document by the
    id that a scoped service queued."""
    return Document.objects.across_centres(reason="a document named by the id a scoped service queued")


def conversions_due(*, now=None) -> QuerySet[Document]:
    """Documents whose conversion is owed and that nobody holds: waiting past their lease (their task was
    lost, or the broker could not be reached) or converting past it (their worker died)."""
    now = now or timezone.now()
    return Document.objects.across_centres(reason="beat: every centre's conversions due").filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True),
        status__in=Document.IN_CONVERSION,
        deleted_at__isnull=True,
    )


def document_for_sending(*, centre, pk: int, lock: bool = False) -> Document:
    """One document of `centre` (a centre or its id) with what sending it needs: its beneficiary, type and
    centre. `lock` holds the document's row (not the joined ones) until the caller's transaction ends."""
    documents = Document.objects.for_centre(centre).select_related(
        "dossier__beneficiary", "document_type", "centre"
    )
    if lock:
        documents = documents.select_for_update(of=("self",))
    return documents.get(pk=pk)


def conversions_stuck(*, since) -> int:
    """How many documents, in every centre, wait for a conversion whose lease ran out before `since`: the
    sweep should have taken them back long ago (`manage.py health`)."""
    return (
        Document.objects.across_centres(reason="health check of every centre's conversions")
        .filter(status__in=Document.IN_CONVERSION, deleted_at__isnull=True, lease_until__lt=since)
        .count()
    )


def documents_needing_attention(*, centre: Centre) -> list[tuple[ShownStatus, int]]:
    """The home page's « à traiter »: how many current documents fail to convert or to send, or wait for a
    person to check their send, per status (statuses with none are left out)."""
    current = Document.objects.for_centre(centre).filter(deleted_at__isnull=True, archived_at__isnull=True)
    counts = current.aggregate(
        **{status.value: Count("pk", filter=shown_status_q(status)) for status in NEEDS_ATTENTION}
    )
    return [(status, counts[status.value]) for status in NEEDS_ATTENTION if counts[status.value]]
