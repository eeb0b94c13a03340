"""Area SEND inspections (the 2023 framework): the outcome, and the table of areas for priority action.

The outcome is not printed as a number: the "Inspection outcome" paragraph words it, and each of the three
outcomes has its own words. The priority actions are a two-column table, "Responsible body | Areas for priority
action"; read as text, the left column's short lines (the council and the integrated care board, wrapped) come
before or in among the lines of the action they are beside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .blocks import LineJoiner
from .headings import is_known_heading
from .results import ExtractedRecommendation

_OUTCOME_HEADING = re.compile(r"^inspection outcome$", re.IGNORECASE)
# Ofsted and CQC's wording of each outcome (Area SEND inspections: framework and handbook, "Inspection outcomes").
_OUTCOMES = (
    ("3", re.compile(r"widespread and/or systemic failings", re.IGNORECASE)),
    ("2", re.compile(r"inconsistent experiences and outcomes", re.IGNORECASE)),
    ("1", re.compile(r"typically lead to positive experiences and outcomes", re.IGNORECASE)),
)
_TABLE_HEADER = re.compile(r"^responsible bod(?:y|ies)\s+areas? for priority action$", re.IGNORECASE)
# The responsible-body column is narrow: its lines are well under the width of the action column's.
_BODY_SHARE = 0.62
_SENTENCE_END = (".", "?", "!", ";")
_OUTCOME_LINES = 12


@dataclass
class PriorityTable:
    """The table's actions, each addressed to the body beside it, and the lines the table took up."""

    recommendations: list[ExtractedRecommendation]
    first_line: int
    end_line: int


def send_outcome(lines: list[str]) -> str | None:
    """'1', '2' or '3' from the words of the "Inspection outcome" paragraph, or None if it is not there."""
    for index, line in enumerate(lines):
        if _OUTCOME_HEADING.match(line.strip()):
            paragraph = " ".join(lines[index + 1 : index + 1 + _OUTCOME_LINES])
            return next((number for number, words in _OUTCOMES if words.search(paragraph)), None)
    return None


def priority_table(lines: list[str], joiner: LineJoiner) -> PriorityTable | None:
    """The areas for priority action with their responsible bodies, if the report has the table."""
    start = next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(" ".join(line.split()))), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and not (lines[end].strip() and is_known_heading(lines[end].strip())):
        end += 1
    cells = [line.strip() for line in lines[start + 1 : end] if line.strip()]
    widest = max((len(cell) for cell in cells), default=0)
    rows: list[tuple[list[str], list[str]]] = []
    for cell in cells:
        is_body = len(cell) <= _BODY_SHARE * widest and not cell.endswith(_SENTENCE_END)
        if is_body and (not rows or _row_complete(rows[-1])):
            rows.append(([cell], []))
        elif is_body:
            rows[-1][0].append(cell)
        elif rows:
            rows[-1][1].append(cell)
    recommendations = [
        ExtractedRecommendation(None, "immediate", joiner.join(body) or None, None, joiner.join(action))
        for body, action in rows
        if action
    ]
    return PriorityTable(recommendations, start, end)


def _row_complete(row: tuple[list[str], list[str]]) -> bool:
    """A row is done once its action has ended a sentence: the next body lines begin the next row."""
    action = row[1]
    return bool(action) and action[-1].endswith(_SENTENCE_END)
