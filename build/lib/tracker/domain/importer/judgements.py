"""Judgement tables: ILACS 'Judgement / Grade', SIF numbered summary, LAC main findings, JAR grades."""

from __future__ import annotations

import re
from collections.abc import Callable

from .results import ExtractedJudgement

_WORD_GRADE = (
    r"(?:[Rr]equires [Ii]mprovement(?: [Tt]o [Bb]e [Gg]ood)?|Outstanding|Good|Adequate|Inadequate"
    r"|Not [Jj]udged|Not [Aa]pplicable)"
)
_NUMBER_GRADE = r"[1-4]"
_GRADE_ONLY = re.compile(rf"^(?:{_WORD_GRADE}|[Tt]o [Bb]e [Gg]ood)\.?$")
# The first and last words of a grade that wrapped in its column.
_GRADE_HEAD = re.compile(r"^(?:[Rr]equires?|[Rr]equires? [Ii]mprovement [Tt]o|[Nn]ot)$")
_GRADE_TAIL = re.compile(
    r"^(?:[Ii]mprovement(?: [Tt]o [Bb]e [Gg]ood)?|[Tt]o [Bb]e [Gg]ood|[Bb]e [Gg]ood|[Jj]udged)\.?$"
)
_ROW_NUMBER = re.compile(r"^\d(?:\.\d)?\.?\s+")
_OVERALL_AREA = re.compile(r"^overall effectiveness\b", re.IGNORECASE)
_SENTENCE_GRADE = r"(?P<grade>requires? improvement(?: to be good)?|inadequate|good|outstanding|adequate)\b"
# "... is good" or "... are inadequate", and "require(s) improvement" with no "is": services in a SIF report
# are plural ("Children's services in Bedford Borough require improvement to be good").
_VERB_AND_GRADE = rf"(?:(?:is|are) (?:judged (?:to be )?)?|(?=requires? improvement)){_SENTENCE_GRADE}"
_OVERALL_SENTENCES = (
    re.compile(
        rf"\bthe overall judgement is (?:that )?(?:(?:the )?children['’]s services (?:in [^.]{{2,60}}? )?"
        rf"(?:is|are) |(?:the )?children['’]s services (?:in [^.]{{2,60}}? )?(?=requires? improvement))?"
        rf"{_SENTENCE_GRADE}",
        re.IGNORECASE,
    ),
    re.compile(rf"\bchildren['’]s services in [^.]{{2,60}}? {_VERB_AND_GRADE}", re.IGNORECASE),
)
_LSCB_SENTENCE = re.compile(
    r"\b(?:the )?(?:effectiveness of the )?(?:local safeguarding children board|lscb)(?: \(lscb\))? "
    rf"{_VERB_AND_GRADE}",
    re.IGNORECASE,
)
LSCB_AREA = "Local Safeguarding Children Board"


def read_judgements(lines: list[str]) -> tuple[list[ExtractedJudgement], str | None]:
    """The judgements table (grades as printed) and the overall judgement, if the report has them."""
    rows: list[ExtractedJudgement] = []
    for read in _TABLE_READERS:
        rows = read(lines)
        if rows:
            break
    overall = next((row.grade for row in rows if _OVERALL_AREA.match(row.area)), None)
    return [row for row in rows if not _OVERALL_AREA.match(row.area)], overall


def overall_from_sentences(text: str) -> str | None:
    """SIF reports state the overall judgement in a sentence: 'The overall judgement is requires improvement'."""
    for pattern in _OVERALL_SENTENCES:
        match = pattern.search(text)
        if match:
            return _as_printed_heading(match.group("grade"))
    return None


def lscb_judgement(text: str) -> ExtractedJudgement | None:
    """The LSCB review's judgement in SIF reports: 'The Local Safeguarding Children Board is inadequate'."""
    match = _LSCB_SENTENCE.search(text)
    return ExtractedJudgement(LSCB_AREA, _as_printed_heading(match.group("grade"))) if match else None


def _as_printed_heading(grade: str) -> str:
    """The grade as a judgements table prints it: "require improvement" in a sentence is the grade "Requires
    improvement"."""
    grade = re.sub(r"\s+", " ", grade.strip()).lower()
    grade = re.sub(r"^require improvement", "requires improvement", grade)
    return grade[:1].upper() + grade[1:]


def _ilacs_table(lines: list[str]) -> list[ExtractedJudgement]:
    start = _find(lines, re.compile(r"^judgements?\s+grades?$", re.IGNORECASE), limit=80)
    if start is None:
        return []
    rows = _rows(lines[start + 1 : start + 25], _WORD_GRADE)
    end = next((i for i, row in enumerate(rows) if _OVERALL_AREA.match(row.area)), len(rows) - 1)
    return rows[: end + 1]


def _sif_summary(lines: list[str]) -> list[ExtractedJudgement]:
    head = lines[: _find(lines, re.compile(r"^contents$", re.IGNORECASE), limit=120) or 80]
    numbered = [line for line in _logical_rows(head) if _ROW_NUMBER.match(line)]
    return _rows(numbered, _WORD_GRADE, strip_numbers=True)


def _lac_main_findings(lines: list[str]) -> list[ExtractedJudgement]:
    start = _find(lines, re.compile(r"^record of main findings", re.IGNORECASE))
    return [] if start is None else _rows(lines[start + 1 : start + 20], _WORD_GRADE)


def _jar_grades(lines: list[str]) -> list[ExtractedJudgement]:
    start = _find(lines, re.compile(r"^grades$|\bgrades\b.*\bin the table below:?$", re.IGNORECASE))
    if start is None:
        return []
    rows: list[ExtractedJudgement] = []
    for line in lines[start + 1 : start + 15]:
        match = re.match(rf"^(?P<area>[A-Za-z][^\t]*?)\s+(?P<grade>{_NUMBER_GRADE})$", line.strip())
        if match:
            rows.append(ExtractedJudgement(match.group("area").strip(), match.group("grade")))
        elif rows and line.strip():
            break
    return rows


_TABLE_READERS: tuple[Callable[[list[str]], list[ExtractedJudgement]], ...] = (
    _ilacs_table,
    _lac_main_findings,
    _jar_grades,
    _sif_summary,
)


def _find(lines: list[str], pattern: re.Pattern[str], limit: int | None = None) -> int | None:
    for index, line in enumerate(lines[:limit]):
        if pattern.search(re.sub(r"\s+", " ", line.strip())):
            return index
    return None


def _logical_rows(lines: list[str]) -> list[str]:
    """Table rows whose cells wrapped over several lines, joined back together. A grade that wrapped in its
    own column comes out around its area: "Requires" on the line above, "improvement" on the line below."""
    rows: list[str] = []
    grade_head: str | None = None
    for raw in lines:
        line = re.sub(r"\s+", " ", raw.strip())
        if not line:
            continue
        if _GRADE_HEAD.match(line):
            grade_head = line
        elif rows and grade_head and _GRADE_TAIL.match(line):
            rows[-1] = f"{rows[-1]} {grade_head} {line}"
            grade_head = None
        elif rows and (line[0].islower() or _GRADE_ONLY.match(line)):
            rows[-1] = f"{rows[-1]} {line}"
        else:
            rows.append(line)
    return rows


def _rows(lines: list[str], grade: str, *, strip_numbers: bool = False) -> list[ExtractedJudgement]:
    found: list[ExtractedJudgement] = []
    for row in _logical_rows(lines):
        match = re.match(rf"^(?P<area>.+?)\s+(?P<grade>{grade})\.?$", row)
        if match:
            area = _ROW_NUMBER.sub("", match.group("area")) if strip_numbers else match.group("area")
            found.append(ExtractedJudgement(area.strip(), match.group("grade")))
    return found
