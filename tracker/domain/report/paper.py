"""The committee paper's own parts that are not the action plan: the decision box, the optional sections the author
ticks and the further appendices (Appendix 2, 3 …), in the words and shapes the renderers print."""

from __future__ import annotations

from tracker.domain.formatting import format_date
from tracker.domain.report.model import OPTIONAL_SECTIONS, AppendixBlock, DecisionBox, GradeRow
from tracker.domain.report.records import Decision, Narrative, PlanHistory
from tracker.domain.report.tables import TableError, parse_table

NOT_STATED = "Not stated"
DECISION_BY = {"executive": "Executive (Cabinet)", "council": "Council"}


def _yes_no(answer: bool | None) -> str:
    return NOT_STATED if answer is None else ("Yes" if answer else "No")


def decision_box(decision: Decision) -> DecisionBox:
    """ "Key decision: No; Reason: N/A; Appeared in Forward Plan: Yes, 4 August 2008; Executive (Cabinet)"."""
    forward_plan = _yes_no(decision.forward_plan)
    if decision.forward_plan and decision.forward_plan_on is not None:
        forward_plan = f"Yes, {format_date(decision.forward_plan_on)}"
    return DecisionBox(
        key_decision=_yes_no(decision.key_decision),
        reason=decision.reason.strip() or ("N/A" if decision.key_decision is False else NOT_STATED),
        forward_plan=forward_plan,
        decision_by=DECISION_BY.get(decision.decision_by, NOT_STATED),
    )


def chosen_sections(narrative: Narrative) -> list[str]:
    """The optional sections ticked, in the report's order."""
    return [key for key in OPTIONAL_SECTIONS if key in narrative.sections]


def grade_rows(history: PlanHistory) -> list[GradeRow]:
    return [GradeRow(area, grade) for area, grade in history.judgements if area.strip()]


def further_appendices(narrative: Narrative) -> list[AppendixBlock]:
    """Appendix 2, 3 … in the order written; one left empty is skipped, and a table that no longer reads as one
    (the form refuses those) is printed as its text rather than lost."""
    blocks: list[AppendixBlock] = []
    for appendix in narrative.appendices:
        if not (appendix.title.strip() or appendix.content.strip()):
            continue
        block = AppendixBlock(number=len(blocks) + 2, title=appendix.title.strip())
        if appendix.kind == "table":
            try:
                block.header, block.rows = parse_table(appendix.content)
            except TableError:
                block.paragraphs = _paragraphs(appendix.content)
        else:
            block.paragraphs = _paragraphs(appendix.content)
        blocks.append(block)
    return blocks


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each one line."""
    paragraphs, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs
