"""Word (.docx) to text with python-docx: paragraphs and tables in body order, list numbers and bullets kept."""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Protocol, cast

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import _Element

from tracker.domain.archives import DamagedArchive, declares_doctype, unpacked_size

from .cleaning import BULLET
from .errors import UnreadableDocument

logger = logging.getLogger(__name__)

# A .docx is a ZIP of XML; refuse archives that unpack to far more than any report (a "zip bomb"), and XML
# with a document type declaration (entities). A long report with pictures unpacks to a few megabytes.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
DAMAGED = "The Word document is damaged and cannot be read: save it again and upload the new copy"


def read_docx_text(data: bytes) -> str:
    """The text of a .docx file; raises UnreadableDocument with the reason if it cannot be read."""
    _check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_body_lines(document))
    except MemoryError:
        raise  # the reader's bound (tracker.sandbox), not a damaged file
    except Exception as error:  # python-docx and lxml raise many types on malformed files
        logger.info("Word document could not be read: %r", error)
        raise UnreadableDocument(DAMAGED) from error


def _check_archive(data: bytes) -> None:
    try:
        too_large = unpacked_size(data) > MAX_UNPACKED_BYTES
        doctype = not too_large and declares_doctype(data)
    except DamagedArchive as error:
        raise UnreadableDocument(DAMAGED) from error
    if too_large:
        raise UnreadableDocument(
            "The Word document was not read because it unpacks to far more data than any report holds"
        )
    if doctype:
        raise UnreadableDocument(
            "The Word document holds XML declarations that Word never writes: open it in Word, "
            "save it as a new .docx and upload that"
        )


def _body_lines(document: Document) -> Iterator[str]:
    numbering = _ListNumbering(document)
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, document)
            yield numbering.prefix(paragraph) + paragraph.text
        elif element.tag == qn("w:tbl"):
            yield from _table_lines(Table(element, document))


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # python-docx repeats a merged cell once per grid column it spans.
            if cell._tc is not previous:
                cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
            previous = cell._tc
        yield "\t".join(cells)


class _ListNumbering:
    """Rebuilds the numbers and bullets Word draws for list paragraphs, which are not in the text."""

    def __init__(self, document: Document) -> None:
        self.formats: dict[tuple[str, str], tuple[str, int]] = {}
        self.counters: defaultdict[tuple[str, str], int] = defaultdict(int)
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.iterchildren(qn("w:abstractNum"))}
        for num in root.iterchildren(qn("w:num")):
            abstract_id = num.find(qn("w:abstractNumId"))
            levels = abstract.get(abstract_id.get(qn("w:val"))) if abstract_id is not None else None
            for level in levels.iterchildren(qn("w:lvl")) if levels is not None else ():
                self.formats[(num.get(qn("w:numId")), level.get(qn("w:ilvl")))] = _level_format(level)

    def prefix(self, paragraph: Paragraph) -> str:
        """'• ' or '3. ' for a list paragraph, indented by its level; '' otherwise."""
        key = _numbering_key(paragraph)
        if key is None:
            return ""
        indent = "  " * int(key[1]) if key[1].isdigit() else ""
        number_format, start = self.formats.get(key, ("bullet", 1))
        if number_format != "decimal":
            return f"{indent}{BULLET} "
        self.counters[key] += 1
        return f"{indent}{start + self.counters[key] - 1}. "


def _level_format(level: _Element) -> tuple[str, int]:
    number_format = level.find(qn("w:numFmt"))
    start = level.find(qn("w:start"))
    value = number_format.get(qn("w:val"), "bullet") if number_format is not None else "bullet"
    first = start.get(qn("w:val"), "1") if start is not None else "1"
    return value, int(first) if first.isdigit() else 1


class _DecimalValue(Protocol):
    val: int


class _NumberingProperties(Protocol):
    """A <w:numPr> as python-docx reads it; its stubs type the optional children as their descriptor class."""

    numId: _DecimalValue | None
    ilvl: _DecimalValue | None


def _numbering_key(paragraph: Paragraph) -> tuple[str, str] | None:
    properties = paragraph._p.pPr
    num_pr = cast(_NumberingProperties | None, properties.numPr) if properties is not None else None
    if num_pr is None and paragraph.style is not None:
        style_properties = paragraph.style.element.pPr
        num_pr = cast(_NumberingProperties | None, style_properties.numPr) if style_properties is not None else None
    # numId 0 is Word's way of switching numbering off for one paragraph.
    if num_pr is None or num_pr.numId is None or num_pr.numId.val == 0:
        return None
    level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    return str(num_pr.numId.val), str(level)
