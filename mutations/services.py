"""Writes of the mutations: polling the register, storing batches, and the worker's follow-up.

What a caller may rely on:
- a batch is stored whole or not at all, and the centre's cursor moves in the same transaction: a failed
  or refused batch is asked again at the next poll, never skipped;
- a mutation delivered twice is stored once (the constraint `mutation_stored_once`);
- mutations of persons the centre has no dossier for, or of types it does not receive, are not stored
  (logged with their register ids, never their NISS);
- nothing here is lost when the register is down: the cursor stays, the error is kept for the screens.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import legal_address
from dossiers import selectors as dossier_selectors
from dossiers import services as dossier_services
from dossiers.models import Dossier
from ebox import holds as ebox_holds
from ebox.failures import Failure
from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_record

from . import register
from .models import KIND_FIELDS, Mutation, MutationFeed, MutationKind

logger = logging.getLogger(__name__)
PAGE_SIZE = 500
MAX_PAGES_PER_POLL = 20


class MutationRefused(Exception):
    """The action does not apply to this mutation (already processed, not a move, ...)."""


@dataclass
class PollResult:
    stored: int = 0
    duplicates: int = 0
    ignored: int = 0
    pages: int = 0
    more: bool = False
    refusal: str = ""


def feed_ensure(*, centre: Centre) -> MutationFeed:
    feed, _created = MutationFeed.objects.for_centre(centre).get_or_create(centre=centre)
    return feed


def feed_types_update(*, centre: Centre, kinds: list[str], by: User, request: HttpRequest | None = None):
    """« Type de mutations »: the types the centre receives from now on."""
    with transaction.atomic():
        feed = MutationFeed.objects.for_centre(centre).select_for_update().filter().first()
        feed = feed or MutationFeed(centre=centre)
        for kind, field in KIND_FIELDS.items():
            setattr(feed, field, kind in kinds)
        feed.save()
        audit_record(
            action=AuditEvent.Action.CHANGE,
            by=by,
            centre=centre,
            target=feed,
            request=request,
            details={"event": "mutation_types", "kinds": sorted(kinds)},
        )
    return feed


def batch_store(*, centre: Centre, batch: register.Batch, cursor: int, kinds: list[str]) -> PollResult:
    """Stores `batch`, asked from `cursor`, and moves the centre's cursor to its end, in one transaction.

    Returns what was stored; a batch asked from a cursor that moved meanwhile (another poll stored it)
    stores nothing."""
    result = PollResult(pages=1, more=batch.more)
    with transaction.atomic():
        feed = MutationFeed.objects.for_centre(centre).select_for_update().get()
        if feed.cursor != cursor:
            return PollResult(pages=1, more=True)
        wanted = [m for m in batch.mutations if m.kind in kinds]
        dossiers = dossier_selectors.dossier_numbers_by_niss(
            centre=centre, nisses=sorted({m.niss for m in wanted})
        )
        known = set(
            Mutation.objects.for_centre(centre)
            .filter(register_id__in=[m.register_id for m in wanted])
            .values_list("register_id", flat=True)
        )
        rows, ignored = [], []
        for received in wanted:
            dossier = dossiers.get(received.niss)
            if dossier is None:
                ignored.append(received.register_id)
            elif received.register_id in known:
                result.duplicates += 1
            else:
                known.add(received.register_id)
                rows.append(
                    Mutation(
                        centre=centre,
                        register_id=received.register_id,
                        niss=received.niss,
                        kind=received.kind,
                        occurred_on=received.occurred_on,
                        recorded_at=received.recorded_at,
                        data=received.data,
                        dossier=dossier,
                    )
                )
        Mutation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        result.stored = len(rows)
        result.ignored = len(ignored) + len(batch.mutations) - len(wanted)
        feed.cursor = max(batch.next_cursor, cursor)
        feed.succeeded_at = feed.polled_at = timezone.now()
        feed.error = ""
        feed.save(update_fields=["cursor", "succeeded_at", "polled_at", "error"])
    if ignored:
        logger.info(
            "Mutations: centre %s ignored %s mutations of persons without a dossier (register ids %s)",
            centre.pk,
            len(ignored),
            ignored[:20],
        )
    return result


def _note(centre: Centre, **fields) -> None:
    MutationFeed.objects.for_centre(centre).update(polled_at=timezone.now(), **fields)


def mutations_poll(*, centre: Centre, max_pages: int = MAX_PAGES_PER_POLL) -> PollResult:
    """Asks the register for the centre's new mutations, page after page, and stores them.

    Raises `register.RegisterUnavailable` when the register is down (the error is kept on the feed, for
    the screens, and the cursor stays). A malformed batch is refused whole: its reason is kept on the
    feed and logged, the cursor stays, and the poll stops there (returns what was stored before).
    """
    total = PollResult()
    feed = feed_ensure(centre=centre)
    if not centre.bce_number or not feed.kinds:
        return total
    for _page in range(max_pages):
        cursor = MutationFeed.objects.for_centre(centre).values_list("cursor", flat=True).get()
        try:
            batch = register.fetch(
                organisation=centre.bce_number, cursor=cursor, kinds=feed.kinds, max_results=PAGE_SIZE
            )
        except register.RegisterUnavailable as exc:
            _note(centre, error=str(exc)[:1000])
            raise
        except register.MalformedBatch as exc:
            logger.error("Mutations: centre %s refused a batch from cursor %s: %s", centre.pk, cursor, exc)
            _note(centre, refusal=exc.reason[:1000], refused_at=timezone.now(), error="")
            total.refusal = exc.reason
            return total
        result = batch_store(centre=centre, batch=batch, cursor=cursor, kinds=feed.kinds)
        total.stored += result.stored
        total.duplicates += result.duplicates
        total.ignored += result.ignored
        total.pages += 1
        total.more = result.more
        if not result.more:
            break
    return total


def _take(mutation: Mutation) -> Mutation:
    mutation = Mutation.objects.for_centre(mutation.centre_id).select_for_update().get(pk=mutation.pk)
    if mutation.processed_at is not None:
        raise MutationRefused(_("Cette mutation a déjà été traitée."))
    return mutation


def _done(
    mutation: Mutation, *, by: User, outcome: str, request: HttpRequest | None, details: dict | None = None
) -> Mutation:
    mutation.processed_at = timezone.now()
    mutation.processed_by = by
    mutation.outcome = outcome
    mutation.save(update_fields=["processed_at", "processed_by", "outcome"])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        by=by,
        centre=mutation.centre,
        target=mutation,
        request=request,
        details={"event": "mutation_processed", "outcome": outcome, **(details or {})},
    )
    return mutation


@transaction.atomic
def mutation_mark_processed(*, mutation: Mutation, by: User, request: HttpRequest | None = None) -> Mutation:
    """« Marquer comme traité »; raises MutationRefused when it already is."""
    return _done(_take(mutation), by=by, outcome=Mutation.Outcome.PROCESSED, request=request)


@transaction.atomic
def mutation_accept_move(*, mutation: Mutation, by: User, request: HttpRequest | None = None) -> Mutation:
    """The worker confirms a move: the dossier's legal address becomes the register's new one (the old
    one kept in the person's history) and the mutation is processed."""
    mutation = _take(mutation)
    if mutation.kind != MutationKind.MOVE:
        raise MutationRefused(_("Seul un changement d'adresse met à jour l'adresse légale."))
    data = mutation.data
    dossier = mutation.dossier
    legal_address.person_legal_address_update(
        person=dossier.beneficiary,
        address={
            "street": data.get("street", ""),
            "house_number": data.get("house_number", ""),
            "box": data.get("box", ""),
            "postal_code": data.get("postal_code", ""),
            "municipality": data.get("municipality", ""),
            "municipality_code": data.get("municipality_code", ""),
            "country": "Belgique",
        },
        by=by,
        moved_on=mutation.occurred_on,
        source="mutation du registre national",
        request=request,
    )
    return _done(mutation, by=by, outcome=Mutation.Outcome.ADDRESS_UPDATED, request=request)


def deceased_reason() -> Failure:
    return Failure("recipient_deceased")


@transaction.atomic
def mutation_accept_death(
    *, mutation: Mutation, by: User, reason: str, request: HttpRequest | None = None
) -> tuple[Mutation, int, bool]:
    """The worker confirms a death: the dossier is closed for `reason` (unless it already is) and every
    pending eBox send to the person is held « à vérifier ». Returns the mutation, how many sends were
    held, and whether someone else had already closed the dossier: its closing reason then stays, and the
    one typed here is kept in the mutation's entry of the log."""
    mutation = _take(mutation)
    if mutation.kind != MutationKind.DEATH:
        raise MutationRefused(_("Seul un décès propose de clôturer le dossier."))
    # Locked before it is looked at: a dossier someone closes meanwhile is seen closed, not closed twice.
    dossier = Dossier.objects.for_centre(mutation.centre_id).select_for_update().get(pk=mutation.dossier_id)
    already_closed = dossier.is_closed
    if not already_closed:
        dossier_services.dossier_close(dossier=dossier, user=by, reason=reason, request=request)
    held = ebox_holds.publications_hold_for_recipient(
        centre=mutation.centre, niss=mutation.niss, reason=deceased_reason()
    )
    details = {"reason": reason.strip()[:300], "dossier_already_closed": already_closed}
    mutation = _done(
        mutation, by=by, outcome=Mutation.Outcome.DOSSIER_CLOSED, request=request, details=details
    )
    return mutation, held, already_closed
