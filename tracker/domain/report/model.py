"""The progress report model every renderer draws from (HTML, PDF, Word): a committee paper's
narrative, its figures "as at" a date, the exceptions members must see and the action plan
appendix. Only JSON-friendly types and dates, so an issued report is stored as the model itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from tracker.domain.deadline_rules import no_date_phrase
from tracker.domain.formatting import format_date, format_short_date
from tracker.domain.report.serialise import dataclass_from_json, dataclass_to_json


@dataclass
class Paragraph:
    """A numbered paragraph (2.1) with its bullets, or a subheading the author marked, which has no number."""

    number: str
    text: str
    bullets: list[str] = field(default_factory=list)
    heading: bool = False


@dataclass
class TimetableRow:
    committee: str
    meets_on: date | None


@dataclass
class ImplicationRow:
    topic: str
    answer: str
    reference: str


@dataclass
class TimescaleRow:
    timescale: str
    label: str
    counts: dict[str, int]
    total: int
    overdue: int


@dataclass
class RagChangeRow:
    rag: str
    previous: int
    current: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def change_text(self) -> str:
        """ "+7", "−1" with a real minus sign, or "No change"."""
        if not self.change:
            return "No change"
        return f"+{self.change}" if self.change > 0 else f"\N{MINUS SIGN}{-self.change}"


@dataclass
class TrendPoint:
    as_at: date
    counts: dict[str, int]


@dataclass
class Figures:
    total: int
    by_rag: dict[str, int]
    by_timescale: list[TimescaleRow]
    overdue: int
    completed: int
    completed_since_previous: int | None
    deadlines_met: int
    deadlines_missed: int
    deadlines_pending: int
    rag_change: list[RagChangeRow] | None
    improved: int | None
    worsened: int | None
    deadlines_no_date: int = 0


@dataclass
class ActionRow:
    reference: str
    title: str
    lead_officer: str
    lead_officer_title: str
    lead_agency: str
    due_on: date | None
    original_due_on: date | None
    success_criteria: str
    progress: str
    progress_on: date | None
    status: str
    rag: str
    overdue: bool
    working_days_overdue: int | None
    previous_rag: str | None = None

    @property
    def progress_text(self) -> str:
        return progress_text(self.progress, self.progress_on)


@dataclass
class ExceptionRow:
    reference: str
    title: str
    lead_officer: str
    due_on: date | None
    rag: str
    status: str
    working_days_overdue: int | None
    progress: str
    progress_on: date | None = None

    @property
    def progress_text(self) -> str:
        return progress_text(self.progress, self.progress_on)


def progress_text(narrative: str, updated_on: date | None) -> str:
    """The narrative; for an update that gave only a status or rating, "Updated 26 November 2026 (no narrative)".

    "No progress recorded yet" is kept for an action with no update at all as at the date.
    """
    if narrative:
        return narrative
    if updated_on is not None:
        return f"Updated {format_date(updated_on)} (no narrative)"
    return "No progress recorded yet"


@dataclass
class RevisionRow:
    reference: str
    title: str
    original_due_on: date | None
    due_on: date | None
    revised_on: date | None
    reason: str


@dataclass
class DeadlineRow:
    title: str
    due_on: date | None
    met_on: date | None
    state: str
    source: str = ""
    anchor_name: str = ""

    @property
    def state_label(self) -> str:
        """ "Met late", or for a deadline without a date what is missing to count it."""
        if self.state == "no_date":
            return no_date_phrase(self.anchor_name)
        return DEADLINE_STATES[self.state]

    @property
    def met_label(self) -> str:
        """The Met column: blank while there is no date to meet, rather than "Not met"."""
        if self.state == "no_date":
            return ""
        return format_short_date(self.met_on, "Not met")


DEADLINE_STATES: Final = {
    "met": "Met on time",
    "met_late": "Met late",
    "missed": "Missed: not yet met",
    "due": "Not yet due",
    "no_date": "No date set",
}


@dataclass
class RecommendationBlock:
    number: str
    text: str
    addressee: str
    theme: str
    actions: list[ActionRow]


@dataclass
class TimescaleGroup:
    timescale: str
    label: str
    recommendations: list[RecommendationBlock]


@dataclass
class DecisionBox:
    """The committee paper's decision box, in the words it prints (Leicester 2008: "Key Decision: No")."""

    key_decision: str
    reason: str
    forward_plan: str
    decision_by: str


@dataclass
class GradeRow:
    area: str
    grade: str


FIGURE: Final = re.compile(r"[£$€]?[-\N{MINUS SIGN}]?[£$€]?\d[\d,]*(\.\d+)?%?")


@dataclass
class AppendixBlock:
    """A further appendix (2, 3 …): paragraphs of text, or a table whose first row is its header."""

    number: int
    title: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    @staticmethod
    def is_figure(cell: str) -> bool:
        """ "1,010", "£5,003", "−4.5%": set right-aligned like the figures in a finance table."""
        return bool(FIGURE.fullmatch(cell.strip()))


OPTIONAL_SECTIONS: Final = {
    "grades": "The inspection's grades",
    "recommendations": "The inspection's recommendations, by timescale",
    "deadlines": "Statutory deadlines",
}
# A report saved before the author could choose showed the statutory deadlines only.
EARLIER_SECTIONS: Final = ("deadlines",)


@dataclass
class ReportModel:
    council: str
    inspection_title: str
    committee: str
    meets_on: date
    as_at: date
    previous_as_at: date | None
    title: str
    report_of: str
    wards_affected: str
    forward_timetable: list[TimetableRow]
    purpose: list[Paragraph]
    summary: list[Paragraph]
    figures_paragraph: Paragraph
    recommendations: list[Paragraph]
    body: list[Paragraph]
    exceptions_paragraph: Paragraph
    deadlines_paragraph: Paragraph
    change_paragraph: Paragraph
    financial: list[Paragraph]
    financial_officer: str
    legal: list[Paragraph]
    legal_officer: str
    other_implications: list[ImplicationRow]
    background_papers: list[str]
    report_authors: list[list[str]]
    figures: Figures
    trend: list[TrendPoint]
    red_or_overdue: list[ExceptionRow]
    missed_deadlines: list[DeadlineRow]
    revised_due_dates: list[RevisionRow]
    deadlines: list[DeadlineRow]
    appendix: list[TimescaleGroup]
    decision: DecisionBox | None = None
    sections: list[str] = field(default_factory=lambda: list(EARLIER_SECTIONS))
    grades: list[GradeRow] = field(default_factory=list)
    appendices: list[AppendixBlock] = field(default_factory=list)

    def shows(self, section: str) -> bool:
        """Whether the author ticked an optional section (OPTIONAL_SECTIONS)."""
        return section in self.sections

    @property
    def meeting(self) -> str:
        """ "Cabinet, 1 September 2008": the running header names the meeting."""
        return f"{self.committee}, {format_date(self.meets_on)}"

    def all_actions(self) -> list[ActionRow]:
        return [a for group in self.appendix for block in group.recommendations for a in block.actions]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dataclass_to_json(self)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportModel:
        model: ReportModel = dataclass_from_json(cls, data)
        return model
