"""What a PDF could do once opened: script, automatic actions, attached files, interactive content.

Pure functions over an opened `pypdf.PdfReader` and its bytes, no Django. `active_content()` answers the
refusal code of `documents.validation` for the first kind of active content found, or None for a PDF
that only shows pages (and links the reader clicks).

Two looks, so that a file must fool both:
- pypdf's object walk: every object of the cross-reference table, those inside compressed object
  streams included, plus the trailer, with names already decoded (« /J#61vaScript » is /JavaScript);
- a search of the raw bytes for the same names, which catches what the walk would not reach (an object
  left out of the table, that another reader would still find by scanning the file).
A PDF is also refused when HTML or script markup appears in it: a browser sniffing the content would
take such a polyglot for a web page.
"""

import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Codes from the most to the least specific: a file with several kinds is refused for the first.
JAVASCRIPT = "pdf_javascript"
EMBEDDED_FILE = "pdf_embedded_file"
INTERACTIVE = "pdf_interactive"
DANGEROUS_ACTION = "pdf_dangerous_action"
AUTOMATIC_ACTION = "pdf_automatic_action"
HTML = "pdf_html"
_ORDER = (HTML, JAVASCRIPT, EMBEDDED_FILE, INTERACTIVE, DANGEROUS_ACTION, AUTOMATIC_ACTION)

# Keys and name values that are active wherever they appear.
_KEYS = {
    "/JS": JAVASCRIPT,
    "/JavaScript": JAVASCRIPT,  # the document's JavaScript name tree
    "/EmbeddedFiles": EMBEDDED_FILE,
    "/EF": EMBEDDED_FILE,  # the embedded stream of a file specification
    "/RichMediaContent": INTERACTIVE,
    "/RichMediaSettings": INTERACTIVE,
    "/XFA": INTERACTIVE,  # an XML form, with its own scripts
    "/AA": AUTOMATIC_ACTION,  # actions run on opening, closing, showing a page, entering a field...
}
_NAMES = {
    "/JavaScript": JAVASCRIPT,
    "/EmbeddedFile": EMBEDDED_FILE,
    "/FileAttachment": EMBEDDED_FILE,
    "/RichMedia": INTERACTIVE,
    "/RichMediaExecute": INTERACTIVE,
    "/3D": INTERACTIVE,  # 3D annotations run their own scripts
    "/Rendition": INTERACTIVE,
    "/Movie": INTERACTIVE,
    "/Sound": INTERACTIVE,
    "/Launch": DANGEROUS_ACTION,
    "/SubmitForm": DANGEROUS_ACTION,
    "/ImportData": DANGEROUS_ACTION,
    "/GoToR": DANGEROUS_ACTION,  # opens another file of the reader's disk or network
    "/GoToE": DANGEROUS_ACTION,
}
# A link or bookmark the reader clicks may go to a page, to a web or mail address (the reader shows it
# and asks), or run a menu command of the reader. Nothing else.
_CLICK_ACTIONS = {"/GoTo", "/URI", "/Named"}
# A /URI to anything else is a file: a relative path (LibreOffice writes links to local files so), a
# file:// or a \\server\share, which a reader may open, and a Windows machine connects to with the
# citizen's credentials.
_LINK_SCHEMES = ("http://", "https://", "mailto:")
# On opening, only going to a page: word processors write it to open at the first page or at a zoom,
# and it does nothing a reader's own page navigation does not. A web address opened without a click
# would tell the sender that, when and from where the citizen opened the letter.
_OPEN_ACTIONS = {"/GoTo"}

_RAW_NAMES = re.compile(
    rb"/(JavaScript|JS|EmbeddedFiles?|RichMedia(?:Content|Settings|Execute)?|XFA|AA|Launch|SubmitForm"
    rb"|ImportData|GoToR|GoToE|FileAttachment)(?=[\s/<>\[\]()%{}]|$)"
)
_RAW_CODES = {
    **{name.lstrip("/").encode(): code for name, code in (_KEYS | _NAMES).items()},
    b"JavaScript": JAVASCRIPT,
}
_HTML_MARKUP = re.compile(rb"<\s*(?:html|script|body|iframe|svg|object|embed|!doctype)\b", re.IGNORECASE)

MAX_DEPTH = 100  # nesting of direct objects; deeper is no genuine PDF


class Unreadable(Exception):
    """pypdf could not read an object: what it hides cannot be known."""


def active_content(reader: PdfReader, data: bytes) -> str | None:
    """The refusal code for the first kind of active content of the PDF, or None when it has none.

    Raises `Unreadable` when an object of the file cannot be read (a hostile file may hide a script
    in what pypdf gives up on).
    """
    found = set()
    if _HTML_MARKUP.search(data):
        found.add(HTML)
    for match in _RAW_NAMES.finditer(data):
        found.add(_RAW_CODES[match.group(1)])
    found |= _walk(reader)
    return next((code for code in _ORDER if code in found), None)


def _walk(reader: PdfReader) -> set[str]:
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    roots = [reader.trailer]
    for generation, numbers in reader.xref.items():
        roots.extend(IndirectObject(number, generation, reader) for number in numbers)
    roots.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    stack: list[tuple[object, int]] = [(root, 0) for root in roots]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except Exception as exc:  # pypdf raises nearly any type on a hostile object
                raise Unreadable(str(exc)) from exc
            depth = 0
        if depth > MAX_DEPTH:
            raise Unreadable("objects nested too deeply")
        if isinstance(item, DictionaryObject):
            found |= _dictionary_findings(item)
            stack.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, ArrayObject):
            stack.extend((value, depth + 1) for value in item)
        elif isinstance(item, NameObject) and item in _NAMES:
            found.add(_NAMES[item])
    return found


def _dictionary_findings(dictionary: DictionaryObject) -> set[str]:
    found = {_KEYS[key] for key in dictionary if key in _KEYS}
    if "/OpenAction" in dictionary:
        found |= _action_findings(dictionary["/OpenAction"], allowed=_OPEN_ACTIONS, code=AUTOMATIC_ACTION)
    if "/A" in dictionary:
        found |= _action_findings(dictionary["/A"], allowed=_CLICK_ACTIONS, code=DANGEROUS_ACTION)
    return found


def _action_findings(action: object, *, allowed: set[str], code: str) -> set[str]:
    """`code` when the action, or one it chains to with /Next, is of a type outside `allowed`."""
    found: set[str] = set()
    pending = [action]
    seen: set[int] = set()
    while pending and len(seen) < 1000:
        current = pending.pop()
        try:
            current = current.get_object() if isinstance(current, IndirectObject) else current
        except Exception as exc:
            raise Unreadable(str(exc)) from exc
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ArrayObject):
            # An explicit destination ([page /Fit]) where an action is expected; a /Next array lists
            # actions. Either way every dictionary in it is looked at.
            pending.extend(item for item in current if isinstance(item, DictionaryObject | IndirectObject))
        elif isinstance(current, DictionaryObject) and ("/S" in current or "/Next" in current):
            kind = current.get("/S")
            if kind not in allowed or (kind == "/URI" and not _is_web_address(current.get("/URI"))):
                found.add(code)
            if "/Next" in current:
                pending.append(current["/Next"])
    return found


def _is_web_address(value: object) -> bool:
    try:
        value = value.get_object() if isinstance(value, IndirectObject) else value
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    except Exception as exc:
        raise Unreadable(str(exc)) from exc
    return text.strip().lower().startswith(_LINK_SCHEMES)
