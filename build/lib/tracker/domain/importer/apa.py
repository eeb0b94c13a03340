"""Annual performance assessment letters (2005–2009): grades 1–4 and the areas for development.

The letter to the director grades the council's children's services in a table ("Assessment judgement area |
APA grade": 4 outstanding, 3 good, 2 adequate, 1 inadequate) for overall effectiveness, the five Every Child
Matters outcomes and capacity to improve. Then each area has a section: "Grade N", "Major strengths" and
"Important weaknesses and areas for development". Each area for development is a recommendation whose theme
is the area it is listed under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import LineJoiner, read_blocks
from .results import ExtractedJudgement, ExtractedRecommendation

# The areas an APA letter grades, in its order, each with the words that name it.
AREAS = (
    (
        "Overall effectiveness of children's services",
        r"overall effectiveness(?: of (?:the council's )?children's services)?",
    ),
    ("Being healthy", r"being healthy"),
    ("Staying safe", r"staying safe"),
    ("Enjoying and achieving", r"enjoying and achieving"),
    ("Making a positive contribution", r"making a positive contribution"),
    ("Achieving economic well-being", r"achieving economic well-?being"),
    (
        "Capacity to improve, including the management of children's services",
        r"(?:the council's )?capacity to improve(?:,? including the management of children's services)?",
    ),
)
OVERALL = AREAS[0][0]
_GRADE = re.compile(r"^(?:apa )?grade:?\s*(?P<grade>[1-4])\b", re.IGNORECASE)
_AREA_LINE = [
    (name, re.compile(rf"^{pattern}\s*(?:[:–-]\s*)?(?:(?:apa )?grade:?\s*)?(?P<grade>[1-4])?\s*$", re.IGNORECASE))
    for name, pattern in AREAS
]
_DEVELOPMENT = re.compile(
    r"^(?:important weaknesses and )?(?:key )?areas? for (?:development|improvement)"
    r"(?: and (?:improvement|development))?:?$",
    re.IGNORECASE,
)
_STRENGTHS = re.compile(r"^(?:major |key )?strengths:?$", re.IGNORECASE)
_TABLE_HEAD = re.compile(r"^assessment judgement area\s+apa grade$", re.IGNORECASE)
_SIGN_OFF = re.compile(r"^(?:yours (?:sincerely|faithfully)|annex\b)", re.IGNORECASE)
# A table row whose area wrapped: its last line carries the grade.
_WRAPPED_TABLE_ROWS = 3


@dataclass
class ApaLetter:
    """What an APA letter grades and asks for."""

    judgements: list[ExtractedJudgement] = field(default_factory=list)
    overall: str | None = None
    recommendations: list[ExtractedRecommendation] = field(default_factory=list)


def read_apa_letter(lines: list[str], joiner: LineJoiner) -> ApaLetter:
    """The grades (from the table, else from each section's "Grade N") and the areas for development."""
    grades = _table_grades(lines) or _section_grades(lines)
    letter = ApaLetter(
        judgements=[ExtractedJudgement(area, grade) for area, grade in grades.items() if area != OVERALL],
        overall=grades.get(OVERALL),
    )
    letter.recommendations = _areas_for_development(lines, joiner)
    return letter


def _clean(line: str) -> str:
    return " ".join(line.replace("’", "'").split())


def _area_named(line: str) -> tuple[str, str | None] | None:
    for name, pattern in _AREA_LINE:
        match = pattern.match(line)
        if match:
            return name, match.group("grade")
    return None


def _table_grades(lines: list[str]) -> dict[str, str]:
    start = next((i for i, line in enumerate(lines) if _TABLE_HEAD.match(_clean(line))), None)
    if start is None:
        return {}
    grades: dict[str, str] = {}
    rows = [_clean(line) for line in lines[start + 1 :] if line.strip()]
    index = 0
    while index < len(rows) and len(grades) < len(AREAS):
        # A wrapped area: "Capacity to improve, including the management of" / "children's services 3".
        for span in range(1, _WRAPPED_TABLE_ROWS + 1):
            named = _area_named(" ".join(rows[index : index + span]))
            if named and named[1]:
                grades[named[0]] = named[1]
                index += span
                break
        else:
            break
    return grades


def _section_grades(lines: list[str]) -> dict[str, str]:
    grades: dict[str, str] = {}
    area = None
    for line in (_clean(line) for line in lines):
        named = _area_named(line)
        if named:
            area = named[0]
            if named[1]:
                grades.setdefault(area, named[1])
            continue
        grade = _GRADE.match(line)
        if grade and area:
            grades.setdefault(area, grade.group("grade"))
    return grades


def _areas_for_development(lines: list[str], joiner: LineJoiner) -> list[ExtractedRecommendation]:
    found: list[ExtractedRecommendation] = []
    area: str | None = None
    collecting: list[str] | None = None
    for line in lines:
        text = _clean(line)
        named = _area_named(text)
        ends = named or _STRENGTHS.match(text) or _SIGN_OFF.match(text) or _DEVELOPMENT.match(text)
        if ends and collecting is not None:
            found.extend(_items(collecting, area, joiner))
            collecting = None
        if named:
            area = named[0]
        elif _DEVELOPMENT.match(text):
            collecting = []
        elif collecting is not None:
            collecting.append(line)
    if collecting is not None:
        found.extend(_items(collecting, area, joiner))
    return found


def _items(lines: list[str], area: str | None, joiner: LineJoiner) -> list[ExtractedRecommendation]:
    """The bullets of one area's list (a paragraph among bullets is the rest of the one above), or its
    paragraphs when it has no bullets."""
    items: list[ExtractedRecommendation] = []
    blocks = read_blocks(lines)
    bulleted = any(block.kind == "item" for block in blocks)
    for block in blocks:
        text = " ".join(filter(None, [joiner.join(block.lines), *(joiner.join(part) for part in block.subitems)]))
        if not text:
            continue
        if not bulleted or block.kind == "item" or not items:
            items.append(ExtractedRecommendation(None, "improvement", None, area, text))
        else:
            items[-1].text = f"{items[-1].text} {text}"
    return items
