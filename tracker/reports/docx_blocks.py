"""The Word document's building blocks: real tables whose header rows repeat on each page and whose rows are kept
whole, RAG cells in word and colour, paragraphs numbered as the committee paper numbers them."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row

from tracker.domain.report import Paragraph
from tracker.domain.vocabulary import RAG_WORDS, rag_key

RAG_SHADING = {"red": "F6D7D2", "amber": "FCD6C3", "green": "CCE2D8", "blue": "D2E2F1", "none": "FFFFFF"}
HEADER_SHADING = "E8E8E8"
# A table cell: one line, or several shown one under the other.
Cell = str | list[str]


def _shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row: _Row) -> None:
    """Mark the row as a header row: Word repeats it at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _keep_row_together(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)


def _write_cell(cell: _Cell, lines: list[str], *, bold: bool = False, size: float | None = None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold if index == 0 else False
        if size:
            run.font.size = Pt(size)
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


def table(
    document: Document,
    headers: list[str] | None,
    rows: Sequence[Sequence[Cell]],
    *,
    widths: list[float] | None = None,
    rag_column: int | None = None,
    rags: list[str] | None = None,
    size: float = 9.5,
    caption: str | None = None,
) -> Table:
    """A real Word table: shaded header row that repeats (none if `headers` is None), rows kept whole,
    RAG cells in word and colour."""
    if caption:
        document.add_paragraph(caption, style="Caption" if "Caption" in document.styles else None).runs[0].bold = True
    table = document.add_table(rows=0, cols=len(headers) if headers else len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    if headers:
        header_row = table.add_row()
        _repeat_header(header_row)
        for cell, text in zip(header_row.cells, headers, strict=True):
            _write_cell(cell, [text], bold=True, size=size)
            _shade(cell, HEADER_SHADING)
    for index, values in enumerate(rows):
        row = table.add_row()
        _keep_row_together(row)
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            lines = value if isinstance(value, list) else [value]
            rag = rags[index] if rags is not None and column == rag_column else None
            _write_cell(cell, [line for line in lines if line != ""] or [""], bold=rag is not None, size=size)
            if rag is not None:
                _shade(cell, RAG_SHADING[rag])
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def numbered(document: Document, paragraphs: list[Paragraph], level: int = 2) -> None:
    """Paragraphs numbered as the committee paper numbers them (2.1, 2.2), with a hanging indent; the author's
    subheadings are headings one level below the section's."""
    for para in paragraphs:
        if para.heading:
            document.add_heading(para.text, level=level)
            continue
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(1.5)
        paragraph.paragraph_format.first_line_indent = Cm(-1.5)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(1.5))
        paragraph.add_run(f"{para.number}\t{para.text}")
        for bullet in para.bullets:
            item = document.add_paragraph(bullet, style="List Bullet")
            item.paragraph_format.left_indent = Cm(2.1)


def key_paragraph(document: Document) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run("Key to RAG ratings: ").bold = True
    for index, (_value, word, meaning) in enumerate(rag_key()):
        paragraph.add_run(word).bold = True
        paragraph.add_run(f" – {meaning}{'; ' if index < len(RAG_WORDS) - 1 else ''}")
    for run in paragraph.runs:
        run.font.size = Pt(9)
