"""Why what was read may be wrong: flags on fields and items, for the review page to show first.

Each check looks for a sign, in the result or in the text around it, that the reading missed or mangled
something: a judgement the framework always gives that was not found, an item cut off mid-sentence, a list
whose bullets outnumber the items read from it. A flag is a reason to look, not a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median

from .blocks import Block
from .cleaning import BULLETS
from .recommendations import SectionRecord
from .results import ExtractedRecommendation, Flag, ImportResult

# The judgements each kind of report always gives, as patterns on the area's words.
EXPECTED_JUDGEMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "ilacs": (
        ("The impact of leaders on social work practice with children and families", r"impact of leaders"),
        ("The experiences and progress of children who need help and protection", r"help and protection"),
        ("The experiences and progress of children in care", r"children in care"),
    ),
    "sif": (
        ("Children who need help and protection", r"help and protection"),
        ("Children looked after and achieving permanence", r"looked after"),
        ("Adoption performance", r"adoption"),
        ("Experiences and progress of care leavers", r"care leavers"),
        ("Leadership, management and governance", r"leadership"),
    ),
    "apa": (
        ("Being healthy", r"being healthy"),
        ("Staying safe", r"staying safe"),
        ("Enjoying and achieving", r"enjoying and achieving"),
        ("Making a positive contribution", r"positive contribution"),
        ("Achieving economic well-being", r"economic well-?being"),
        ("Capacity to improve", r"capacity"),
    ),
}
EXPECTED_JUDGEMENTS["ilacs_short"] = EXPECTED_JUDGEMENTS["ilacs"]
# Kinds of report that always state an overall judgement (an area SEND report, its outcome).
HAS_OVERALL = frozenset({"ilacs", "ilacs_short", "sif", "lac", "safeguarding", "area_send", "apa"})
# The care leavers judgement became a judgement of its own in ILACS reports from 2023.
_CARE_LEAVERS_FROM_YEAR = 2023
# A SIF report that reviews the LSCB says so in its title, and then judges the board.
_LSCB_REVIEW = re.compile(r"review of the effectiveness of the local safeguarding children", re.IGNORECASE)
_OPENING_CHARACTERS = 1500

_DANGLING = frozenset(
    "a an and as at but by for from in including into of on or such than that the their to which while with".split()
)
_CLOSING = (".", "!", "?", ")", "’", "”", '"', "'", ":", ";")
_SHORT_WORDS = 4
_LONG_WORDS = 130
_NUMBERED_LINE = re.compile(r"^\(?(?:\d{1,3}|[a-z])[.)]\s+\S|^\d{1,3}\s+[A-Z]")

MESSAGES = {
    "overall_missing": "No overall judgement was found: enter it from the report",
    "judgement_missing": "The report’s “{area}” judgement was not found: check the judgements",
    "mid_sentence": "This item may be cut off: it ends mid-sentence",
    "short": "This item is unusually short: check it is a whole recommendation",
    "long": "This item is unusually long: check it is not two or more run together",
    "lower_case": "This item starts with a lower-case word: check its beginning was not lost",
    "numbering_gap": "Recommendation {number} may be missing: check it against the text below",
    "empty_section": "The heading “{heading}” was found but no items under it: check the text below it",
    "bullet_count": (
        "Under “{heading}” the report has {bullets} bullets or numbers but {items} items were read: "
        "check none was missed or run together"
    ),
}


def flag_judgements(result: ImportResult) -> None:
    """Flag an overall judgement, or a judgement this kind of report always gives, that was not found."""
    kind = result.document_type or ""
    if kind in HAS_OVERALL and not result.overall_judgement:
        result.flag("overall_missing", MESSAGES["overall_missing"], "overall_judgement")
    expected = list(EXPECTED_JUDGEMENTS.get(kind, ()))
    year = result.inspection_start_on or result.published_on
    if kind in {"ilacs", "ilacs_short"} and year is not None and year.year >= _CARE_LEAVERS_FROM_YEAR:
        expected.append(("The experiences and progress of care leavers", r"care leavers"))
    if kind == "sif" and _LSCB_REVIEW.search(" ".join(result.text[:_OPENING_CHARACTERS].split())):
        expected.append(("Local Safeguarding Children Board", r"safeguarding children board|lscb"))
    areas = " | ".join(judgement.area.lower() for judgement in result.judgements)
    for area, pattern in expected:
        if not re.search(pattern, areas):
            result.flag("judgement_missing", MESSAGES["judgement_missing"].format(area=area), "judgements")


def flag_items(items: Sequence[ExtractedRecommendation]) -> None:
    """Flag items that look cut off, run together, or started part-way. A list's own style is not a fault:
    some reports end only a list's last item with a full stop, some print every item in lower case."""
    lengths = [len(item.text.split()) for item in items]
    typical = median(lengths) if lengths else 0
    for run in _lists(items):
        lower_case_list = sum(1 for item in run if item.text[:1].islower()) > len(run) / 2
        for position, item in enumerate(run):
            words = item.text.split()
            if _ends_mid_sentence(item, run, position):
                _flag_item(item, "mid_sentence")
            if len(words) < _SHORT_WORDS:
                _flag_item(item, "short")
            if len(words) > _LONG_WORDS and (len(items) < 3 or len(words) > 2 * typical):
                _flag_item(item, "long")
            if item.text[:1].islower() and not lower_case_list:
                _flag_item(item, "lower_case")


def _lists(items: Sequence[ExtractedRecommendation]) -> list[list[ExtractedRecommendation]]:
    """Items in runs that share a timescale, addressee and theme: one printed list each."""
    runs: list[list[ExtractedRecommendation]] = []
    for item in items:
        key = (item.timescale, item.addressee, item.theme)
        if runs and (runs[-1][-1].timescale, runs[-1][-1].addressee, runs[-1][-1].theme) == key:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _ends_mid_sentence(item: ExtractedRecommendation, run: list[ExtractedRecommendation], position: int) -> bool:
    """Ends on "and", "of", "the"...; or ends a list without closing punctuation; or lacks it where every
    other item of its list has it (a list none of whose items has it is printed that way)."""
    text = item.text.rstrip()
    if text.endswith(_CLOSING):
        return False
    words = text.split()
    if words and re.sub(r"[^\w’'-]", "", words[-1]).lower() in _DANGLING:
        return True
    others = [other for other in run if other is not item]
    closed = [other for other in others if other.text.rstrip().endswith(_CLOSING)]
    if others and not closed:
        return False  # a list printed without full stops
    return position == len(run) - 1 or (len(others) >= 2 and len(closed) == len(others))


def flag_lists(
    result: ImportResult,
    lines: Sequence[str],
    blocks: Sequence[Block],
    sections: Sequence[SectionRecord],
    gaps: Sequence[str],
) -> None:
    """Flag numbers missing from a numbered list, headings with nothing under them, and lists whose bullets
    outnumber the items read from them."""
    for number in gaps:
        result.flag("numbering_gap", MESSAGES["numbering_gap"].format(number=number), "recommendations")
    for section in sections:
        if section.none_stated:
            continue
        if section.items == 0:
            message = MESSAGES["empty_section"].format(heading=section.heading)
            result.flag("empty_section", message, "recommendations")
            continue
        first = blocks[section.first_block].line
        end = blocks[section.last_block + 1].line if section.last_block + 1 < len(blocks) else len(lines)
        bullets = sum(1 for line in lines[first:end] if _is_list_line(line.strip()))
        read = section.items + section.parts + section.leadins
        if bullets > read:
            message = MESSAGES["bullet_count"].format(heading=section.heading, bullets=bullets, items=read)
            result.flag("bullet_count", message, "recommendations")


def _is_list_line(line: str) -> bool:
    return (line[:1] in BULLETS and line[1:2] == " ") or bool(_NUMBERED_LINE.match(line))


def _flag_item(item: ExtractedRecommendation, code: str) -> None:
    flag = Flag(code, MESSAGES[code], "text")
    if flag not in item.flags:
        item.flags.append(flag)
