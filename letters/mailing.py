"""Mass mailing: one letter per dossier of a list, generated, converted by the workers, sent to the eBox.

The rows are the job's truth: each letter (`MailingItem`) moves from « à générer » to « conversion en
cours » (a document of its dossier, queued for conversion), to « envoi en cours » (a publication to the
citizen's eBox), to « envoyé » or « échoué » with its reason. A step (`mailing_step`) moves every letter
it can and is run again by the task until each has an outcome; a step run twice, or by two workers at
once, moves each letter once (row locks, skipped when taken).
"""

import logging

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import failures as document_failures
from documents.models import Document, DocumentType
from documents.validation import FileRefused
from ebox import services as ebox_services
from ebox.models import Publication
from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_record

from . import selectors, services
from .models import LetterTemplate, Mailing, MailingItem

logger = logging.getLogger(__name__)

BATCH = 50
State = MailingItem.State


class MailingRefused(Exception):
    """The mailing can not start; `str()` says why, for the worker."""


def mailing_start(
    *,
    centre: Centre,
    document_type: DocumentType,
    dossier_ids: list[int],
    free_text: str,
    criteria: dict,
    by: User,
    request: HttpRequest | None = None,
) -> Mailing:
    """Records a mailing of one letter per dossier (ids of the centre's dossiers) and queues its job."""
    if document_type.centre_id != centre.pk:
        raise ValueError("The document type must belong to the centre.")
    if (
        not selectors.templates_of(centre=centre, active_only=True)
        .filter(document_type=document_type)
        .exists()
    ):
        raise MailingRefused(_("Aucun modèle de courrier actif pour ce type de document."))
    if not dossier_ids:
        raise MailingRefused(_("Aucun dossier ne correspond à ces critères."))
    with transaction.atomic():
        mailing = Mailing.objects.create(
            centre=centre, document_type=document_type, free_text=free_text, criteria=criteria, created_by=by
        )
        MailingItem.objects.bulk_create(
            [MailingItem(centre=centre, mailing=mailing, dossier_id=pk) for pk in dossier_ids]
        )
        audit_record(
            action=AuditEvent.Action.CREATE,
            by=by,
            centre=centre,
            target=mailing,
            request=request,
            details={"letters": len(dossier_ids), "criteria": criteria},
        )
        _queue(mailing.pk)
    return mailing


def _queue(mailing_id: int) -> None:
    from .tasks import run_mailing

    def wake():
        try:
            run_mailing.delay(mailing_id)
        except Exception:  # noqa: BLE001 - any broker failure; the sweep queues open mailings again
            logger.warning("Could not queue mailing %s; the sweep will", mailing_id, exc_info=True)

    transaction.on_commit(wake)


def mailing_retry_failed(*, mailing: Mailing, by: User, request: HttpRequest | None = None) -> int:
    """Gives each failed letter another go: a letter whose document was registered is sent again, any
    other is generated again. Returns how many."""
    with transaction.atomic():
        failed = list(
            MailingItem.objects.for_centre(mailing.centre_id)
            .select_for_update(of=("self",))
            .filter(mailing=mailing, state=State.FAILED)
            .select_related("document")
        )
        for item in failed:
            registered = item.document is not None and item.document.status in (
                Document.Status.REGISTERED,
                Document.Status.SENT,
                Document.Status.READ,
            )
            item.state = State.CONVERTING if registered else State.PENDING
            if not registered:
                item.document = None
            item.publication, item.error, item.error_params = None, "", {}
            item.updated_at = timezone.now()
            item.save()
        if failed:
            Mailing.objects.for_centre(mailing.centre_id).filter(pk=mailing.pk).update(finished_at=None)
            audit_record(
                action=AuditEvent.Action.CHANGE,
                by=by,
                centre=mailing.centre,
                target=mailing,
                request=request,
                details={"retried": len(failed)},
            )
            _queue(mailing.pk)
    return len(failed)


def _by_id():
    return Mailing.objects.across_centres(reason="a mailing named by the id its scoped service queued")


def mailing_step(*, mailing_id: int, batch: int = BATCH) -> tuple[bool, int]:
    """Moves the mailing's letters as far as they go now. Returns whether every letter has its outcome,
    and how many letters moved."""
    mailing = _by_id().select_related("centre", "document_type", "created_by").get(pk=mailing_id)
    _by_id().filter(pk=mailing_id).update(stepped_at=timezone.now())
    templates = {
        template.language: template
        for template in selectors.templates_of(centre=mailing.centre, active_only=True)
        .filter(document_type=mailing.document_type)
        .order_by("uploaded_at", "pk")  # the latest template of a language wins
    }
    sources: dict[int, bytes] = {}
    moved = sum(
        bool(_generate(pk, mailing, templates, sources)) for pk in _ids(mailing, State.PENDING, batch)
    )
    moved += sum(bool(_publish(pk, mailing)) for pk in _ids(mailing, State.CONVERTING, None))
    moved += sum(bool(_settle(pk, mailing)) for pk in _ids(mailing, State.SENDING, None))
    finished = selectors.mailing_progress(mailing=mailing)["finished"]
    if finished and mailing.finished_at is None:
        Mailing.objects.for_centre(mailing.centre_id).filter(pk=mailing.pk).update(finished_at=timezone.now())
    return finished, moved


def _ids(mailing: Mailing, state: str, limit: int | None) -> list[int]:
    ids = (
        MailingItem.objects.for_centre(mailing.centre_id)
        .filter(mailing=mailing, state=state)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(ids[:limit] if limit else ids)


def _locked(mailing: Mailing, item_id: int, state: str) -> MailingItem | None:
    return (
        MailingItem.objects.for_centre(mailing.centre_id)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("dossier__beneficiary", "dossier__centre", "document", "publication")
        .filter(pk=item_id, state=state)
        .first()
    )


def _fail(item: MailingItem, code: str, **params) -> bool:
    item.state, item.error, item.error_params = State.FAILED, code, params
    item.updated_at = timezone.now()
    item.save()
    return True


def _generate(item_id: int, mailing: Mailing, templates: dict, sources: dict) -> bool:
    try:
        with transaction.atomic():
            item = _locked(mailing, item_id, State.PENDING)
            if item is None:
                return False
            template = _template_for(mailing, item, templates)
            if template is None:
                language = services.letter_languages(centre=mailing.centre, person=item.dossier.beneficiary)
                return _fail(item, "no_template", language="/".join(language))
            if template.pk not in sources:
                sources[template.pk] = services.template_bytes(template)
            try:
                letter = services.letter_render(
                    template=template,
                    dossier=item.dossier,
                    by=mailing.created_by,
                    free_text=mailing.free_text,
                    source=sources[template.pk],
                )
                document = services.letter_save(
                    template=template, dossier=item.dossier, letter=letter, by=mailing.created_by
                )
            except services.FieldsEmpty as empty:
                return _fail(item, "empty_fields", fields=", ".join(f"{{{{ {n} }}}}" for n in empty.names))
            except FileRefused as refusal:
                return _fail(item, "refused", reason=str(refusal))
            item.document, item.language = document, template.language
            item.state, item.updated_at = State.CONVERTING, timezone.now()
            item.save()
            return True
    except Exception:
        logger.exception("Letter %s of mailing %s could not be generated", item_id, mailing.pk)
        with transaction.atomic():
            item = _locked(mailing, item_id, State.PENDING)
            return item is not None and _fail(item, "unexpected")


def _template_for(mailing: Mailing, item: MailingItem, templates: dict) -> LetterTemplate | None:
    for language in services.letter_languages(centre=mailing.centre, person=item.dossier.beneficiary):
        if language in templates:
            return templates[language]
    return None


def _publish(item_id: int, mailing: Mailing) -> bool:
    with transaction.atomic():
        item = _locked(mailing, item_id, State.CONVERTING)
        if item is None:
            return False
        document = item.document
        if document.status == Document.Status.FAILED:
            reason = document_failures.describe(document.failure, document.failure_reason)
            return _fail(item, "conversion", reason=reason)
        if document.status in Document.IN_CONVERSION:
            return False
        try:
            publication = ebox_services.publication_request(
                document=document, language=item.language, by=mailing.created_by
            )
        except ebox_services.PublicationRefused as refused:
            return _fail(item, "publication", reason=str(refused))
        item.publication, item.state, item.updated_at = publication, State.SENDING, timezone.now()
        item.save()
    # The publication's own task may already have settled it (a worker, or at once when run eagerly).
    _settle(item_id, mailing)
    return True


def _settle(item_id: int, mailing: Mailing) -> bool:
    with transaction.atomic():
        item = _locked(mailing, item_id, State.SENDING)
        if item is None:
            return False
        publication = Publication.objects.for_centre(mailing.centre_id).get(pk=item.publication_id)
        if publication.state in (Publication.State.SENT, Publication.State.READ):
            item.state, item.updated_at = State.SENT, timezone.now()
            item.save()
            return True
        if publication.state not in Publication.OPEN_STATES:
            return _fail(
                item, "publication", reason=publication.error_message or publication.get_state_display()
            )
        return False


def mailings_stalled(*, before) -> list[int]:
    """Unfinished mailings whose job has not stepped since `before`: their task was lost."""
    return list(
        Mailing.objects.across_centres(reason="the sweep of every centre's mailings")
        .filter(finished_at__isnull=True, stepped_at__lt=before)
        .values_list("pk", flat=True)
    )
