"""Hostile uploads, made here byte by byte (never downloaded): small files that cost a parser far more than
their size suggests. The tests import the functions; `python -m tests.hostile_files DIRECTORY` writes them all
to DIRECTORY, to try by hand against a running server.

Each function returns the file's bytes; the names say what the file does to a reader.
"""

from __future__ import annotations

import io
import sys
import zipfile
import zlib
from pathlib import Path

# The attacks of issue 11, in the sizes it reports.
PDF_OUTER_DRAWS = 1_000
PDF_INNER_DRAWS = 300
PDF_TEXT_LINES = 200
DOCX_EMPTY_PARAGRAPHS_BYTES = 10 * 1024 * 1024
XLSX_FAR_ROW = 30_000_000

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    "{overrides}</Types>"
)
_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
)
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# PDF ---------------------------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of `objects` (numbered from 1; object 1 is the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(content: bytes, dictionary: bytes = b"") -> bytes:
    packed = zlib.compress(content, 9)
    return b"<< %s /Filter /FlateDecode /Length %d >>\nstream\n" % (dictionary, len(packed)) + packed + b"\nendstream"


def pdf_nested_forms(outer: int = PDF_OUTER_DRAWS, inner: int = PDF_INNER_DRAWS, lines: int = PDF_TEXT_LINES) -> bytes:
    """About 1.2 KB: the page draws form XObject /A `outer` times, /A draws /B `inner` times and /B holds
    `lines` lines of text — 60 million lines to a text extractor, from a file smaller than this docstring."""
    text = b"BT /F1 10 Tf 12 TL 72 720 Td" + b" (Ensure that plans improve) '" * lines + b" ET"
    form = b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << %s >>"
    font = b"/Font << /F1 6 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R "
        b"/Resources << /XObject << /A 4 0 R >> >> >>",
        _stream(b"/B Do\n" * inner, form % b"/XObject << /B 5 0 R >>"),
        _stream(text, form % font),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(b"/A Do\n" * outer),
    ]
    return _pdf(objects)


def pdf_decompression_bomb(megabytes: int = 48) -> bytes:
    """One page whose content stream (`megabytes` of empty text objects) packs to about 50 KB."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            _stream(b"BT ET " * (megabytes * 1024 * 1024 // 6)),
        ]
    )


# Word ----------------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx(body: bytes) -> bytes:
    override = (
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    )
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(overrides=override).encode(),
            "_rels/.rels": _RELATIONSHIPS.format(
                f'<Relationship Id="rId1" Type="{_OFFICE_DOCUMENT}" Target="word/document.xml"/>'
            ).encode(),
            "word/document.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="'
            f'{_WORD_NS}"><w:body>'.encode()
            + body
            + b"</w:body></w:document>",
        }
    )


def docx_empty_paragraphs(unpacked_bytes: int = DOCX_EMPTY_PARAGRAPHS_BYTES) -> bytes:
    """About 16 KB: a Word document whose body is `unpacked_bytes` of empty paragraphs (1.7 million of them)."""
    return _docx(b"<w:p/>" * (unpacked_bytes // 6))


def docx_zip_bomb(megabytes: int = 120) -> bytes:
    """A Word document that unpacks to `megabytes` (one paragraph of spaces), over the 100 MB any report needs."""
    return _docx(b"<w:p><w:r><w:t>" + b" " * (megabytes * 1024 * 1024) + b"</w:t></w:r></w:p>")


def docx_with_doctype() -> bytes:
    """A Word document whose XML declares a document type with entities (the start of 'billion laughs')."""
    body = b"<w:p><w:r><w:t>&c;</w:t></w:r></w:p>"
    data = _docx(body)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = members["word/document.xml"].replace(
        b"?><w:document",
        b'?><!DOCTYPE w:document [<!ENTITY a "Ensure that plans improve. "><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document',
        1,
    )
    return _zip(members)


# Spreadsheets --------------------------------------------------------------------------------------


def _cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    overrides = (
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_MAIN_NS}" xmlns:r="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Action plan" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(overrides=overrides).encode(),
            "_rels/.rels": _RELATIONSHIPS.format(
                f'<Relationship Id="rId1" Type="{_OFFICE_DOCUMENT}" Target="xl/workbook.xml"/>'
            ).encode(),
            "xl/workbook.xml": workbook.encode(),
            "xl/_rels/workbook.xml.rels": _RELATIONSHIPS.format(
                f'<Relationship Id="rId1" Type="{_WORKSHEET}" Target="worksheets/sheet1.xml"/>'
            ).encode(),
            "xl/worksheets/sheet1.xml": sheet_xml,
        }
    )


def plan_sheet(rows: str, *, doctype: str = "", dimension: str = "A1:B2") -> bytes:
    header = f'<row r="1">{_cell("A1", "Recommendation")}{_cell("B1", "Action")}</row>'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}<worksheet xmlns="{_MAIN_NS}">'
        f'<dimension ref="{dimension}"/><sheetData>{header}{rows}</sheetData></worksheet>'
    ).encode()


def xlsx_far_row(row: int = XLSX_FAR_ROW) -> bytes:
    """About 1 KB zipped (5 KB as the issue built it): a plan with one action in row 2 and one more cell at
    row `row` — every blank row in between is one for the reader to walk through."""
    action = f'<row r="2">{_cell("A2", "1")}{_cell("B2", "Review every plan")}</row>'
    far = f'<row r="{row}">{_cell(f"B{row}", "Far away")}</row>'
    return xlsx_with_sheet(plan_sheet(action + far, dimension=f"A1:B{row}"))


ENTITY_DOCTYPE = '<!DOCTYPE worksheet [<!ENTITY greeting "Review every plan">]>'


def xlsx_with_doctype(doctype: str = ENTITY_DOCTYPE) -> bytes:
    """A plan whose sheet XML declares a document type (`doctype`, defining the entity `greeting`) and uses it."""
    action = f'<row r="2">{_cell("A2", "1")}{_cell("B2", "&greeting;")}</row>'
    return xlsx_with_sheet(plan_sheet(action, doctype=doctype))


def xlsx_many_cells(rows: int = 3000, columns: int = 1000) -> bytes:
    """About 100 KB zipped, 45 MB unpacked (under the 50 MB check): `rows` rows of `columns` numbers to the
    right of the plan's columns, each row blank as far as the plan is concerned, and every cell to be parsed."""
    row = "<c><v>1</v></c>" * columns
    body = "".join(f'<row r="{number}"><c r="C{number}"><v>1</v></c>{row}</row>' for number in range(2, rows + 2))
    return xlsx_with_sheet(plan_sheet(body, dimension=f"A1:ALZ{rows + 1}"))


def xlsx_zip_bomb(megabytes: int = 60) -> bytes:
    """A few kilobytes that unpack to `megabytes` of shared strings, over the 50 MB any plan needs."""
    return _zip(
        {"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": b"<sst>" + b"A" * (megabytes << 20) + b"</sst>"}
    )


def csv_blank_lines(megabytes: int = 4) -> bytes:
    """A plan's header row followed by `megabytes` of blank lines (four million of them)."""
    return b"Recommendation,Action\n" + b"\n" * (megabytes * 1024 * 1024)


ALL = {
    "nested-forms.pdf": pdf_nested_forms,
    "decompression-bomb.pdf": pdf_decompression_bomb,
    "empty-paragraphs.docx": docx_empty_paragraphs,
    "zip-bomb.docx": docx_zip_bomb,
    "doctype.docx": docx_with_doctype,
    "far-row.xlsx": xlsx_far_row,
    "doctype.xlsx": xlsx_with_doctype,
    "many-cells.xlsx": xlsx_many_cells,
    "zip-bomb.xlsx": xlsx_zip_bomb,
    "blank-lines.csv": csv_blank_lines,
}


def main(directory: str) -> None:
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in ALL.items():
        data = make()
        (folder / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-files")
