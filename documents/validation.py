"""The upload rules: which files a worker may attach to a dossier.

Pure functions over a name and bytes: no database, no models, no disk. `validate_upload()` either
returns a `ValidatedFile` or raises `FileRefused`, whose `code` is stable (forms and tests may rely on
it) and whose `message` is the sentence shown to the user, in the active language. The rules follow the
Primaweb manual (a name of at most 80 characters, DOC, DOCX, RTF, ODT or PDF up to 1.5 MB) and add what
the conversion to PDF and the citizen's eBox need: content that really is what its extension says,
with no password, no macros, no active PDF content (script, automatic or launching actions, attached
files, interactive forms or media, HTML markup), no more than MAX_PDF_PAGES pages, and nothing that
expands absurdly once unpacked (archive members, or pictures whose declared size would take
LibreOffice gigabytes to lay out).
"""

import hashlib
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

from .pdf_content import active_content
from .sniffing import Problem, sniff

MAX_SIZE = 1_572_864  # 1.5 MB (1.5 × 1024 × 1024)
MAX_NAME_LENGTH = 80
# A document sent to a citizen's eBox is a letter, a decision or a report with its annexes: a few pages,
# a few dozen for a social inquiry with its evidence. 500 pages is ten times the longest a CPAS sends,
# and bounds what every later step (page walks here, the citizen's reader, the eBox's own checks)
# must go through: a 1.5 MB PDF can declare 12,000 empty pages.
MAX_PDF_PAGES = 500
ALLOWED_EXTENSIONS = ("doc", "docx", "rtf", "odt", "pdf")

MESSAGES = {
    "name_empty": _("Le nom du fichier est vide."),
    "name_too_long": _("Le nom du fichier ne peut dépasser %(max)s caractères (il en compte %(length)s)."),
    "name_has_path": _(
        "Le nom du fichier ne peut pas contenir de chemin (« / », « \\ », « .. » ou une lettre de lecteur)."
    ),
    "name_has_control_characters": _("Le nom du fichier contient des caractères invisibles ou de contrôle."),
    "extension_missing": _(
        "Le nom du fichier n'a pas d'extension. Formats acceptés : DOC, DOCX, RTF, ODT et PDF."
    ),
    "extension_not_allowed": _(
        "Les fichiers .%(ext)s ne sont pas acceptés. Formats acceptés : DOC, DOCX, RTF, ODT et PDF."
    ),
    "empty": _("Le fichier est vide."),
    "too_large": _("Le fichier dépasse la taille maximale de 1,5 Mo."),
    "content_mismatch": _("Le contenu du fichier ne correspond pas à son extension (.%(ext)s)."),
    "corrupt": _("Le fichier est endommagé ou illisible."),
    "encrypted": _("Le fichier est protégé par un mot de passe ou chiffré."),
    "macros": _("Les documents contenant des macros ne sont pas acceptés."),
    "archive_too_large": _(
        "Le fichier prendrait une taille anormale une fois décompressé ; il est refusé par sécurité."
    ),
    "archive_too_many_members": _(
        "Le fichier contient un nombre anormal d'éléments internes ; il est refusé par sécurité."
    ),
    "pdf_no_pages": _("Le PDF ne contient aucune page."),
    "pdf_javascript": _("Les PDF contenant du JavaScript ne sont pas acceptés."),
    "pdf_embedded_file": _("Les PDF contenant des fichiers joints ne sont pas acceptés."),
    "pdf_interactive": _(
        "Les PDF contenant un formulaire XFA ou du contenu multimédia interactif ne sont pas acceptés."
    ),
    "pdf_dangerous_action": _(
        "Les PDF contenant des actions qui lancent un programme, ouvrent un autre fichier ou envoient "
        "des données ne sont pas acceptés."
    ),
    "pdf_automatic_action": _(
        "Les PDF qui déclenchent des actions automatiques (à l'ouverture du document, d'une page ou "
        "d'un champ) ne sont pas acceptés."
    ),
    "pdf_html": _("Le fichier contient du code HTML ou un script ; il est refusé par sécurité."),
    "image_too_large": _(
        "Le fichier contient une image démesurée (%(megapixels)s millions de pixels, au plus %(max)s "
        "millions) ; réduisez-la avant de charger le document."
    ),
    "pdf_too_many_pages": _(
        "Le PDF compte %(pages)s pages ; un document ne peut en compter plus de %(max)s."
    ),
}

# Bidirectional embeddings, overrides and isolates: « rapport\u202efdp.exe » displays as « rapportexe.pdf ».
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_DRIVE = re.compile(r"^[A-Za-z]:")


def _interpolate(message, params: Mapping) -> str:
    return str(message) % params if params else str(message)


# Lazy all the way: the sentence is translated when shown, in the language active then, not when the
# refusal is raised (a Celery worker or a test may raise it under another language).
_interpolate_lazy = lazy(_interpolate, str)


class FileRefused(Exception):
    """An upload refused by one of the rules.

    `code` is a stable string (a key of MESSAGES); `params` the values put in the message; `message` a
    lazy string whose str() is the sentence, with params interpolated, in the active language.
    """

    def __init__(self, code: str, params: Mapping | None = None, *, message=None):
        super().__init__(code)
        self.code = code
        self.params = dict(params or {})
        self.message = _interpolate_lazy(message if message is not None else MESSAGES[code], self.params)

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class ValidatedFile:
    name: str  # the file name as the user gave it, validated (no path parts)
    extension: str  # lower case, one of ALLOWED_EXTENSIONS
    content_type: str  # the MIME type the content was recognised as, canonical for the format
    size: int
    sha256: str  # hex digest of the content
    pages: int | None  # number of pages for a PDF, else None


def validate_upload(*, name: str, data: bytes) -> ValidatedFile:
    """Checks an uploaded file against every rule, name first, then size, then content.

    Returns a `ValidatedFile` for a DOC, DOCX, RTF, ODT or PDF file whose name is safe to show and
    store, whose size is within MAX_SIZE, and whose content is a readable file of the kind its
    extension says, without password or macros. Raises `FileRefused` with the first rule broken.
    Never writes anything anywhere.
    """
    extension = _check_name(name)
    if not data:
        raise FileRefused("empty")
    if len(data) > MAX_SIZE:
        raise FileRefused("too_large", {"size": len(data), "max": MAX_SIZE})
    try:
        content_type = sniff(extension, data)
    except Problem as problem:
        raise FileRefused(problem.code, {"ext": extension, **problem.params}) from problem
    pages = check_pdf(data) if extension == "pdf" else None
    return ValidatedFile(
        name=name,
        extension=extension,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
    )


def check_pdf(data: bytes) -> int:
    """The number of pages of a PDF that pypdf opens, that is not encrypted, that has at least one page
    and at most MAX_PDF_PAGES, and that has no active content (see `documents.pdf_content`). Raises
    `FileRefused` (corrupt, encrypted, pdf_no_pages, pdf_too_many_pages or one of the pdf_* codes of
    active content) otherwise.

    The citizen's reader gets these bytes as they are: refusing is the only way to be sure nothing in
    them runs, where a rewrite would have to prove that it dropped everything a reader might act on."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Even a PDF whose user password is empty is refused: the citizen's reader and our tools would
        # still have to deal with its restrictions.
        if reader.is_encrypted:
            raise FileRefused("encrypted")
        # pypdf counts the pages by walking the page tree, not by trusting its /Count.
        pages = len(reader.pages)
        active = active_content(reader, data)
    except FileRefused:
        raise
    except Exception as exc:  # Unreadable, and nearly any exception type pypdf raises on a hostile file
        raise FileRefused("corrupt") from exc
    if active:
        raise FileRefused(active)
    if pages < 1:
        raise FileRefused("pdf_no_pages")
    if pages > MAX_PDF_PAGES:
        raise FileRefused("pdf_too_many_pages", {"pages": pages, "max": MAX_PDF_PAGES})
    return pages


def _check_name(name: str) -> str:
    """The lower-cased extension of a name that passes the name rules; raises `FileRefused` otherwise."""
    if not name or not name.strip():
        raise FileRefused("name_empty")
    # Control characters (NUL, newline, DEL, C1), lone surrogates, and bidi controls that make a name
    # display as something it is not.
    if any(unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS for char in name):
        raise FileRefused("name_has_control_characters")
    # With no separator allowed, the name is a single path component: only "." and ".." could still
    # walk the tree, and a leading drive letter ("C:rapport.pdf") is a path on Windows.
    if "/" in name or "\\" in name or name in (".", "..") or _DRIVE.match(name):
        raise FileRefused("name_has_path")
    if len(name) > MAX_NAME_LENGTH:
        raise FileRefused("name_too_long", {"max": MAX_NAME_LENGTH, "length": len(name)})
    stem, dot, extension = name.rpartition(".")
    if not dot or not extension:
        raise FileRefused("extension_missing")
    if extension.lower() not in ALLOWED_EXTENSIONS:
        raise FileRefused("extension_not_allowed", {"ext": extension})
    if not stem.strip():
        raise FileRefused("name_empty")  # ".pdf": an extension with no name before it
    return extension.lower()
