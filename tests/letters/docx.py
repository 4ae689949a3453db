"""DOCX templates built with python-docx, as Word and LibreOffice leave them."""

import io

from docx import Document
from docx.shared import Pt


def template(
    *paragraphs: str, header: str = "", footer: str = "", table: list[list[str]] | None = None
) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    return _bytes(document)


def split_runs(*pieces: tuple[str, bool]) -> bytes:
    """One paragraph whose text is cut into runs as Word saves a field typed at once: each piece its own
    run (`True`: bold), e.g. « {{ benef », « iciaire.n », « om }} »."""
    document = Document()
    paragraph = document.add_paragraph()
    for text, bold in pieces:
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(12)
    return _bytes(document)


def text_of(data: bytes) -> str:
    from letters.filling import _open, _paragraphs

    return "\n".join(paragraph.text for paragraph in _paragraphs(_open(data)))


def _bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
