"""Fields of a DOCX letter template: found, checked and filled. Bytes in, bytes out; no database.

A field is written `{{ name }}` anywhere in the document: body, tables (nested too), text boxes, headers
and footers. Word often cuts what was typed at once into several runs (a spelling mark, an edit, a
language change in the middle of `{{ beneficiaire.nom }}`): the runs a field spans are merged into the
first of them, which keeps its formatting, before the value replaces the field; the runs around it keep
theirs.
"""

import io
import re
import zipfile
from collections.abc import Iterator, Mapping

from docx import Document as open_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


class TemplateUnreadable(Exception):
    """The bytes are not a DOCX that python-docx opens."""


def _open(data: bytes):
    try:
        return open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise TemplateUnreadable(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - lxml and python-docx raise many kinds on a broken file
        raise TemplateUnreadable(str(exc)) from exc


def _parts(document) -> Iterator:
    """The main document, then each header and footer part once (sections may share them)."""
    yield document.part
    seen = set()
    for relationship in document.part.rels.values():
        if relationship.reltype in (RT.HEADER, RT.FOOTER) and not relationship.is_external:
            part = relationship.target_part
            if part.partname not in seen:
                seen.add(part.partname)
                yield part


def _paragraphs(document) -> Iterator[Paragraph]:
    # Every w:p of every part: the body's, the tables' at any depth, the text boxes', the headers'.
    for part in _parts(document):
        for element in part.element.iter(qn("w:p")):
            yield Paragraph(element, part)


def fields_in(data: bytes) -> list[str]:
    """The names of the fields the template holds, in order of first appearance; raises
    `TemplateUnreadable` for bytes python-docx cannot open."""
    names: dict[str, None] = {}
    for paragraph in _paragraphs(_open(data)):
        text = "".join(run.text for run in paragraph.runs)
        for match in FIELD.finditer(text):
            names.setdefault(match.group(1), None)
    return list(names)


def _fill(paragraph: Paragraph, values: Mapping[str, str]) -> None:
    runs = paragraph.runs
    texts = [run.text for run in runs]
    full = "".join(texts)
    if "{{" not in full:
        return
    starts, lengths = [], [len(text) for text in texts]
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text)
    # From the last field back: a replacement never moves the offsets of the fields before it.
    for match in reversed(list(FIELD.finditer(full))):
        name = match.group(1)
        if name not in values:
            continue
        first = _run_at(starts, lengths, match.start())
        last = _run_at(starts, lengths, match.end() - 1)
        before = texts[first][: match.start() - starts[first]]
        after = texts[last][match.end() - starts[last] :]
        if first == last:
            texts[first] = before + values[name] + after
        else:
            texts[first] = before + values[name]
            for index in range(first + 1, last):
                texts[index] = ""
            texts[last] = after
    for run, text in zip(runs, texts, strict=True):
        if run.text != text:
            run.text = text  # a newline becomes a line break (w:br) in the same run


def _run_at(starts: list[int], lengths: list[int], position: int) -> int:
    """The run holding the character at `position` of the paragraph's text (as it was read)."""
    for index, (start, length) in enumerate(zip(starts, lengths, strict=True)):
        if start <= position < start + length:
            return index
    raise ValueError(position)


def fill(data: bytes, values: Mapping[str, str]) -> bytes:
    """The template with every field named in `values` replaced by its value (others are left as they
    are); raises `TemplateUnreadable` for bytes python-docx cannot open."""
    document = _open(data)
    for paragraph in _paragraphs(document):
        _fill(paragraph, values)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
