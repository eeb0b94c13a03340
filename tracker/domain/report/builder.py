"""Building the progress report: the officers' narrative numbered into paragraphs, with the
computed figures, sentences, exception lists and appendix as at the report's date (DESIGN §7)."""

from __future__ import annotations

from typing import Final

from tracker.domain.report.appendix import build_appendix, red_or_overdue, revised_due_dates
from tracker.domain.report.figures import compute_figures
from tracker.domain.report.history import day_end_utc, deadline_as_at, plan_as_at
from tracker.domain.report.model import ImplicationRow, Paragraph, ReportModel, TimetableRow, TrendPoint
from tracker.domain.report.paper import chosen_sections, decision_box, further_appendices, grade_rows
from tracker.domain.report.records import IMPLICATION_TOPICS, Narrative, PlanHistory, ReportInputs
from tracker.domain.report.sentences import change_sentence, deadlines_sentence, exceptions_sentence, figures_sentence


def build_report(history: PlanHistory, narrative: Narrative, inputs: ReportInputs) -> ReportModel:
    """The whole report as at `inputs.as_at`, from history and the officers' narrative."""
    cutoff = day_end_utc(inputs.as_at, inputs.timezone)
    states = plan_as_at(history, cutoff)
    previous = None
    if inputs.previous_as_at is not None:
        previous = plan_as_at(history, day_end_utc(inputs.previous_as_at, inputs.timezone))
    deadlines = [deadline_as_at(d, inputs.as_at, cutoff) for d in history.deadlines]
    figures = compute_figures(history, states, previous, deadlines, inputs.as_at)
    trend = [*inputs.earlier_trend, TrendPoint(inputs.as_at, dict(figures.by_rag))]
    numbering = _Numbering(narrative)
    sections = chosen_sections(narrative)
    # The change paragraph follows the deadlines paragraph only when the deadlines are printed.
    change_offset = 2 if "deadlines" in sections else 1
    return ReportModel(
        council=history.authority,
        inspection_title=history.inspection_title,
        committee=narrative.committee,
        meets_on=narrative.meets_on,
        as_at=inputs.as_at,
        previous_as_at=inputs.previous_as_at,
        title=narrative.title or f"{history.inspection_title}: progress on the action plan",
        report_of=narrative.report_of,
        wards_affected=narrative.wards_affected or "All",
        forward_timetable=_timetable(narrative),
        purpose=paragraphs(narrative.purpose, "1"),
        summary=numbering.summary,
        figures_paragraph=Paragraph(numbering.figures_number, figures_sentence(figures, inputs)),
        recommendations=paragraphs(narrative.recommendations, "3"),
        body=numbering.body,
        exceptions_paragraph=Paragraph(numbering.body_next(0), exceptions_sentence(states, deadlines, inputs.as_at)),
        deadlines_paragraph=Paragraph(numbering.body_next(1), deadlines_sentence(figures)),
        change_paragraph=Paragraph(numbering.body_next(change_offset), change_sentence(figures, inputs.previous_as_at)),
        financial=paragraphs(narrative.financial, "5.1"),
        financial_officer=narrative.financial_officer,
        legal=paragraphs(narrative.legal, "5.2"),
        legal_officer=narrative.legal_officer,
        other_implications=_implications(narrative),
        background_papers=[line.strip() for line in narrative.background_papers.splitlines() if line.strip()],
        report_authors=[block.splitlines() for block in _blocks(narrative.report_authors)],
        figures=figures,
        trend=trend,
        red_or_overdue=red_or_overdue(states, inputs.as_at, inputs.holidays, inputs.timezone),
        missed_deadlines=[d for d in deadlines if d.state in ("missed", "met_late")],
        revised_due_dates=revised_due_dates(states, cutoff),
        deadlines=deadlines,
        appendix=build_appendix(history, states, previous, inputs.as_at, inputs.holidays, inputs.timezone),
        decision=decision_box(narrative.decision),
        sections=sections,
        grades=grade_rows(history),
        appendices=further_appendices(narrative),
    )


class _Numbering:
    """Paragraph numbers: the computed paragraphs follow the officers' own in sections 2 and 4."""

    def __init__(self, narrative: Narrative) -> None:
        self.summary = paragraphs(narrative.summary, "2")
        self.figures_number = f"2.{numbered(self.summary) + 1}"
        self.body = paragraphs(narrative.body, "4")

    def body_next(self, offset: int) -> str:
        return f"4.{numbered(self.body) + 1 + offset}"


def _timetable(narrative: Narrative) -> list[TimetableRow]:
    rows = [TimetableRow(c.strip(), d) for c, d in narrative.forward_timetable if c.strip()]
    return rows or [TimetableRow(narrative.committee, narrative.meets_on)]


def _implications(narrative: Narrative) -> list[ImplicationRow]:
    answers = {a.topic: a for a in narrative.other_implications}
    rows = []
    for key, label in IMPLICATION_TOPICS:
        answer = answers.get(key)
        applies = answer.applies if answer else None
        rows.append(
            ImplicationRow(
                topic=label,
                answer="" if applies is None else ("Yes" if applies else "No"),
                reference=answer.reference if answer else "",
            )
        )
    return rows


def _blocks(text: str) -> list[str]:
    """Text split on blank lines into trimmed blocks."""
    blocks, current = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


BULLET_MARKS: Final = ("- ", "• ", "* ")
# A line starting "## " is a subheading: "## Background" prints as a heading, not as paragraph "4.1 Background".
HEADING_MARK: Final = "## "


def paragraphs(text: str, prefix: str) -> list[Paragraph]:
    """Blank-line separated paragraphs numbered prefix.1, prefix.2…; lines starting "- " are bullets, and lines
    starting "## " are subheadings, which take no number."""
    result: list[Paragraph] = []
    for block in _blocks(text):
        for part in _split_headings(block):
            if isinstance(part, str):
                result.append(Paragraph("", part, heading=True))
                continue
            lines = [line for line in part if not _bullet(line)]
            bullets = [line[len(mark) :].strip() for line in part if (mark := _bullet(line))]
            result.append(Paragraph(f"{prefix}.{numbered(result) + 1}", " ".join(lines), bullets))
    return result


def _bullet(line: str) -> str | None:
    return next((m for m in BULLET_MARKS if line.startswith(m)), None)


def _heading(line: str) -> str:
    """The heading a line marks ("## Background" → "Background"), or "" for any other line."""
    marker = HEADING_MARK.rstrip()
    return line[len(marker) :].strip() if line.startswith(marker) else ""


def _split_headings(block: str) -> list[str | list[str]]:
    """A block's headings (as text) and the runs of other lines between them (as lists of lines)."""
    parts: list[str | list[str]] = []
    for line in block.split("\n"):
        if heading := _heading(line):
            parts.append(heading)
        elif parts and isinstance(parts[-1], list):
            parts[-1].append(line)
        else:
            parts.append([line])
    return parts


def numbered(items: list[Paragraph]) -> int:
    """How many of the paragraphs are numbered (subheadings are not)."""
    return sum(not p.heading for p in items)
