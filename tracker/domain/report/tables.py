"""Tables an officer types or pastes into the report's further appendices: rows on lines, cells separated by tabs
(as a spreadsheet copies them) or, for a table typed by hand, by "|"; the first row is the header."""

from __future__ import annotations

from typing import Final

TYPED_SEPARATOR: Final = "|"


class TableError(ValueError):
    """The text is not a table; the message says which row is wrong and how to put it right."""


def _cells(line: str, separator: str) -> list[str]:
    cells = [cell.strip() for cell in line.split(separator)]
    if separator == TYPED_SEPARATOR and len(cells) > 1:
        # "| a | b |" as well as "a | b": a leading and trailing bar are a frame, not empty cells.
        if not cells[0]:
            cells = cells[1:]
        if cells and not cells[-1]:
            cells = cells[:-1]
    return cells


def parse_table(text: str) -> tuple[list[str], list[list[str]]]:
    """The header row and the body rows; blank lines are skipped.

    A spreadsheet copies a row whose last cells are empty with its tabs, so trailing empty cells beyond the header's
    width are dropped; a row with fewer cells, or more cells with text in them, is refused, never padded or cut.
    """
    lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]
    if not lines:
        raise TableError("Enter the table: one row on each line, with the header row first")
    separator = "\t" if any("\t" in line for line in lines) else TYPED_SEPARATOR
    rows = [_cells(line, separator) for line in lines]
    width = len(rows[0])
    while width > 1 and not rows[0][width - 1] and all(len(row) < width or not row[width - 1] for row in rows):
        width -= 1
    if width < 2:
        raise TableError(
            "A table needs at least 2 columns: paste the cells from a spreadsheet, or type them separated by “|”"
        )
    for number, row in enumerate(rows, start=1):
        if len(row) > width and not any(row[width:]):
            del row[width:]
        if len(row) != width:
            raise TableError(
                f"Row {number} has {len(row)} {'cell' if len(row) == 1 else 'cells'} but the header row has {width}: "
                "give every row the same number of cells (an empty cell is two separators side by side)"
            )
    return rows[0], rows[1:]
