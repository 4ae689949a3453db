"""Writes of the letters app: the centre's templates, and one letter written for a dossier.

A template is checked before anything is stored: the upload rules of any document (documents.validation:
a DOCX that really is one, no macros, within the size limit), then python-docx must open it and every
field must be one the catalogue knows (letters.fields). A letter is the template filled for a dossier; it
becomes a document of the dossier through the documents pipeline (conversion by the workers, history,
« Envoyer vers eBox »).
"""

import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from documents.models import Document, DocumentType
from documents.services import document_preview_pdf, document_upload
from documents.validation import FileRefused, validate_upload
from dossiers.models import Dossier
from primaweb.models import AuditEvent, Centre, User
from primaweb.services import audit_record

from . import fields, filling
from .models import LetterTemplate


class TemplateRefused(Exception):
    """The file can not be a letter template; `str()` is the reason for the administrator."""


class TemplateNameTaken(TemplateRefused):
    """Another template of the centre has this name in this language."""


class FieldsEmpty(Exception):
    """Fields of the template yield nothing for this dossier; the worker may confirm to write anyway."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names

    def __str__(self) -> str:
        return _(
            "Ces champs ne donnent rien pour ce dossier : %(fields)s. Le courrier n'a pas été produit ; "
            "complétez le dossier, ou confirmez pour le produire avec ces champs vides."
        ) % {"fields": ", ".join(f"{{{{ {name} }}}}" for name in self.names)}


def template_check(*, name: str, data: bytes) -> list[str]:
    """The fields of a file that may be a template; raises `TemplateRefused` with the reason otherwise."""
    if not name.lower().endswith(".docx"):
        raise TemplateRefused(_("Un modèle de courrier doit être un fichier DOCX (Word ou LibreOffice)."))
    try:
        validate_upload(name=name, data=data)
    except FileRefused as refusal:
        raise TemplateRefused(str(refusal)) from refusal
    try:
        names = filling.fields_in(data)
    except filling.TemplateUnreadable as exc:
        raise TemplateRefused(_("Le fichier DOCX est endommagé : il ne s'ouvre pas.")) from exc
    unknown = fields.unknown_fields(names)
    if unknown:
        raise TemplateRefused(
            _("Champ inconnu dans le modèle : %(unknown)s. Champs disponibles : %(known)s.")
            % {
                "unknown": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
                "known": ", ".join(f"{{{{ {name} }}}}" for name in fields.FIELDS),
            }
        )
    return names


def template_save(
    *,
    centre: Centre,
    name: str,
    language: str,
    document_type: DocumentType,
    by: User | None,
    file_name: str = "",
    data: bytes | None = None,
    template: LetterTemplate | None = None,
    is_active: bool = True,
    request: HttpRequest | None = None,
) -> LetterTemplate:
    """Adds a template (`template` None, `data` required) or changes one (a new file replaces its own).

    Raises `TemplateRefused` with the reason, naming any unknown field, before anything is stored.
    """
    if document_type.centre_id != centre.pk or (template is not None and template.centre_id != centre.pk):
        raise ValueError("The template and its document type must belong to the centre.")
    if template is None and data is None:
        raise TemplateRefused(_("Choisissez le fichier DOCX du modèle."))
    taken = LetterTemplate.objects.for_centre(centre).filter(name=name, language=language)
    if taken.exclude(pk=template.pk if template else None).exists():
        raise TemplateNameTaken(_("Un modèle de ce nom existe déjà dans cette langue."))
    names = template_check(name=file_name, data=data) if data is not None else None
    stored = None
    if data is not None:
        stored = default_storage.save(f"letters/{centre.pk}/{uuid.uuid4()}.docx", ContentFile(data))
    try:
        with transaction.atomic():
            creating = template is None
            template = template or LetterTemplate(centre=centre)
            old_file = template.file.name if stored and not creating else ""
            template.name, template.language = name, language
            template.document_type, template.is_active = document_type, is_active
            if stored:
                template.file.name, template.file_name, template.fields = stored, file_name, names
                template.uploaded_by = by
            template.save()
            audit_record(
                action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.CHANGE,
                by=by,
                centre=centre,
                target=template,
                request=request,
            )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    if old_file:
        transaction.on_commit(lambda: default_storage.delete(old_file))
    return template


def template_bytes(template: LetterTemplate) -> bytes:
    with default_storage.open(template.file.name, "rb") as handle:
        return handle.read()


def letter_languages(*, centre: Centre, person) -> tuple[str, ...]:
    """The languages a letter to the person may be written in: for a Brussels centre the person's own
    (French or Dutch) when known, else either; elsewhere the centre's language."""
    if centre.is_bilingual:
        return (person.language,) if person.language in ("fr", "nl") else ("fr", "nl")
    return (centre.language or "fr",)


@dataclass(frozen=True)
class Letter:
    name: str
    data: bytes
    language: str
    values: dict[str, str]
    empty: list[str]


def letter_render(
    *,
    template: LetterTemplate,
    dossier: Dossier,
    by: User | None,
    free_text: str = "",
    allow_empty: bool = False,
    source: bytes | None = None,
) -> Letter:
    """The template filled for the dossier. Raises `FieldsEmpty` when a field yields nothing (no legal
    address, no free text...) unless `allow_empty`: a letter is never produced half-filled unasked."""
    if template.centre_id != dossier.centre_id:
        raise ValueError("The template and the dossier must belong to the same centre.")
    filled = fields.values_for(
        names=template.fields,
        dossier=dossier,
        centre=dossier.centre,
        author=by,
        language=template.language,
        free_text=free_text,
    )
    if filled.empty and not allow_empty:
        raise FieldsEmpty(filled.empty)
    data = filling.fill(source if source is not None else template_bytes(template), filled.values)
    name = f"{slugify(template.name)[:50] or 'courrier'}-{dossier.number}.docx"
    return Letter(name=name, data=data, language=template.language, values=filled.values, empty=filled.empty)


def letter_preview(*, letter: Letter) -> bytes:
    """The letter's PDF, from the same converter as the documents; raises what `document_preview_pdf`
    raises."""
    return document_preview_pdf(name=letter.name, data=letter.data)


def letter_save(
    *,
    template: LetterTemplate,
    dossier: Dossier,
    letter: Letter,
    by: User,
    request: HttpRequest | None = None,
) -> Document:
    """Stores the letter as a document of the dossier (its type the template's), queued for conversion."""
    return document_upload(
        centre=dossier.centre,
        dossier=dossier,
        name=letter.name,
        data=letter.data,
        document_type=template.document_type,
        by=by,
        allow_duplicate=True,
        request=request,
    )
