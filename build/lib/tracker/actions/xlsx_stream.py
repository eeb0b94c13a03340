"""A one-sheet .xlsx written as its rows arrive and sent as it is written: for exports too big to build first.

openpyxl builds a cell object per value, which for 10,000 actions of 16 columns cost several seconds; this writes
each row's XML straight into the zip entry (deflated as it goes, with data descriptors, so the zip needs no
seeking) and hands the compressed bytes on every few hundred rows. Text is written as inline strings, so a value
that starts with "=" is text, never a formula; dates are Excel day numbers with a date format; styles are a fixed
few (bold grey headers, dates, RAG colours).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape  # &, <, > and quotes: what XML text and attributes need
from typing import Any

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_EPOCH = date(1899, 12, 30)
ROWS_PER_CHUNK = 500
# Characters XML 1.0 cannot carry (control characters other than tab and line breaks): dropped from text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

HEADER_STYLE, DATE_STYLE = 1, 2
# Style index for each RAG word shown in a "rag" column: bold on the tracker's RAG colours.
RAG_COLOURS = {"Red": "F6D7D2", "Amber": "FCD6C3", "Green": "CCE2D8", "Blue": "D2E2F1"}
RAG_STYLES = {word: 3 + index for index, word in enumerate(RAG_COLOURS)}


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # "text", "date" or "rag"


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value: str, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    return f'{styled} t="inlineStr"><is><t xml:space="preserve">{escape(_NOT_XML.sub("", value))}</t></is></c>'


def _cell(value: Any, kind: str) -> str | None:
    """A cell's XML after its reference (`<c r="B2"` is written by the caller), or None for an empty cell."""
    if value is None or value == "":
        return None
    if kind == "date" and isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        return f' s="{DATE_STYLE}"><v>{(day - EXCEL_EPOCH).days}</v></c>'
    if kind == "rag":
        return _text(str(value), RAG_STYLES.get(str(value), 0))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"><v>{value}</v></c>"
    return _text(str(value))


class _Sink:
    """Where the zip is written: bytes wait here until the generator hands them on."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def xlsx_chunks(
    rows: Iterable[Sequence[Any]], columns: Sequence[Column], *, sheet: str, title: str, frozen_columns: int = 0
) -> Iterator[bytes]:
    """The workbook's bytes, a few hundred rows at a time: a header row, then `rows` (values in `columns` order),
    with the header row (and `frozen_columns` columns) frozen and a filter on every column."""
    sink = _Sink()
    letters = [column_letter(index) for index in range(1, len(columns) + 1)]
    kinds = [column.kind for column in columns]
    # typeshed asks a file given to ZipFile for close() too, which ZipFile never calls on a file it did not open.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as package:  # type: ignore[call-overload]
        with package.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(_sheet_start(columns, frozen_columns).encode())
            header = "".join(
                f'<c r="{letter}1"{_text(column.header, HEADER_STYLE)}'
                for letter, column in zip(letters, columns, strict=True)
            )
            part.write(f'<row r="1">{header}</row>'.encode())
            number = 1
            for number, values in enumerate(rows, start=2):  # noqa: B007 - the last row's number is used below
                cells = []
                for letter, kind, value in zip(letters, kinds, values, strict=True):
                    written = _cell(value, kind)
                    if written is not None:
                        cells.append(f'<c r="{letter}{number}"{written}')
                part.write(f'<row r="{number}">{"".join(cells)}</row>'.encode())
                if number % ROWS_PER_CHUNK == 0:
                    yield sink.take()
            filtered = f"A1:{letters[-1]}{number}"
            part.write(f'</sheetData><autoFilter ref="{filtered}"/></worksheet>'.encode())
        for name, xml in _package_parts(sheet, title, filtered).items():
            package.writestr(name, xml)
    yield sink.take()


def _sheet_start(columns: Sequence[Column], frozen_columns: int) -> str:
    top_left = f"{column_letter(frozen_columns + 1)}2"
    split = f'xSplit="{frozen_columns}" ' if frozen_columns else ""
    pane = "bottomRight" if frozen_columns else "bottomLeft"
    widths = "".join(
        f'<col min="{index}" max="{index}" width="{column.width}" customWidth="1"/>'
        for index, column in enumerate(columns, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
        f'<sheetViews><sheetView workbookViewId="0"><pane {split}ySplit="1" topLeftCell="{top_left}" '
        f'activePane="{pane}" state="frozen"/><selection pane="{pane}"/></sheetView></sheetViews>'
        f"<cols>{widths}</cols><sheetData>"
    )


def _package_parts(sheet: str, title: str, filtered: str) -> dict[str, str]:
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    office = "application/vnd.openxmlformats-officedocument"
    absolute = ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", corner) for corner in filtered.split(":"))
    fills = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{colour}"/></patternFill></fill>'
        for colour in ("E5E5E5", *RAG_COLOURS.values())
    )
    rag_styles = "".join(
        f'<xf numFmtId="0" fontId="1" fillId="{3 + index}" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
        for index in range(len(RAG_COLOURS))
    )
    return {
        "[Content_Types].xml": declaration
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{office}.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>",
        "_rels/.rels": declaration + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>',
        "docProps/core.xml": declaration
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title></cp:coreProperties>",
        "xl/workbook.xml": declaration + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets>'
        f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"'{escape(sheet)}'!{absolute}</definedName></definedNames></workbook>",
        "xl/_rels/workbook.xml.rels": declaration + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": declaration + f'<styleSheet xmlns="{MAIN}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        f'<fills count="{2 + 1 + len(RAG_COLOURS)}"><fill><patternFill patternType="none"/></fill>'
        f'<fill><patternFill patternType="gray125"/></fill>{fills}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{3 + len(RAG_COLOURS)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
        'applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        f"{rag_styles}</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }
