"""What the progress report is built from: what the database knows, as plain history records, what
officers write, and the dates, previous reports and holidays the build needs (DESIGN §7)."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from tracker.domain.report.model import TrendPoint

IMPLICATION_TOPICS: Final = (
    ("equal_opportunities", "Equal Opportunities"),
    ("policy", "Policy"),
    ("sustainable_environmental", "Sustainable and Environmental"),
    ("crime_disorder", "Crime and Disorder"),
    ("human_rights", "Human Rights Act"),
    ("elderly_low_income", "Elderly/People on Low Income"),
)


@dataclass(frozen=True)
class UpdateRecord:
    """One progress update (append-only), with its due-date request if it carried one."""

    created_at: datetime
    status: str
    rag: str | None
    narrative: str = ""
    requested_due_on: date | None = None
    request_reason: str = ""
    request_state: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class FieldChange:
    """One audited change of one field: the value before and after, as stored text."""

    occurred_at: datetime
    old_value: str | None
    new_value: str | None
    note: str = ""


@dataclass(frozen=True)
class RecommendationRecord:
    id: int
    number: str
    timescale: str
    timescale_label: str
    text: str
    addressee: str = ""
    theme: str = ""
    position: int = 0


@dataclass(frozen=True)
class ActionRecord:
    """An action's current row plus its whole history; `created_at` and `archived_at` are instants."""

    id: int
    recommendation_id: int
    reference: str
    title: str
    created_at: datetime
    due_on: date | None
    original_due_on: date | None
    status: str
    rag: str | None
    owner_name: str = ""
    owner_job_title: str = ""
    lead_agency: str = ""
    success_criteria: str = ""
    position: int = 0
    archived_at: datetime | None = None
    updates: tuple[UpdateRecord, ...] = ()
    due_on_changes: tuple[FieldChange, ...] = ()
    original_due_on_changes: tuple[FieldChange, ...] = ()
    status_changes: tuple[FieldChange, ...] = ()
    rag_changes: tuple[FieldChange, ...] = ()
    title_changes: tuple[FieldChange, ...] = ()
    success_criteria_changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class DeadlineRecord:
    title: str
    due_on: date | None
    met_on: date | None
    source: str = ""
    due_on_changes: tuple[FieldChange, ...] = ()
    # What the date is counted from ("the date the council received the report"), named when it is missing.
    anchor_name: str = ""


@dataclass(frozen=True)
class PlanHistory:
    authority: str
    inspection_title: str
    published_on: date | None
    recommendations: tuple[RecommendationRecord, ...]
    actions: tuple[ActionRecord, ...]
    deadlines: tuple[DeadlineRecord, ...] = ()
    # The inspection's grades as (area, grade), in the report's order.
    judgements: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ImplicationAnswer:
    topic: str
    applies: bool | None
    reference: str = ""


@dataclass(frozen=True)
class Decision:
    """The decision box as entered: None where the author has not answered."""

    key_decision: bool | None = None
    reason: str = ""
    forward_plan: bool | None = None
    forward_plan_on: date | None = None
    # "executive" (Cabinet) or "council"; "" when not stated.
    decision_by: str = ""


@dataclass(frozen=True)
class AppendixText:
    """A further appendix as the author wrote it: `kind` is "text" or "table" (tab- or "|"-separated rows)."""

    title: str
    kind: str
    content: str


@dataclass(frozen=True)
class Narrative:
    """What officers write: the parts of the committee paper that are not computed."""

    committee: str
    meets_on: date
    title: str = ""
    report_of: str = ""
    wards_affected: str = "All"
    forward_timetable: tuple[tuple[str, date | None], ...] = ()
    purpose: str = ""
    summary: str = ""
    recommendations: str = ""
    body: str = ""
    financial: str = ""
    financial_officer: str = ""
    legal: str = ""
    legal_officer: str = ""
    other_implications: tuple[ImplicationAnswer, ...] = ()
    background_papers: str = ""
    report_authors: str = ""
    decision: Decision = Decision()
    sections: tuple[str, ...] = ("deadlines",)
    appendices: tuple[AppendixText, ...] = ()


@dataclass(frozen=True)
class ReportInputs:
    """Everything the model needs besides the history: dates, previous reports, holidays."""

    as_at: date
    timezone: str
    holidays: Container[date]
    previous_as_at: date | None = None
    earlier_trend: tuple[TrendPoint, ...] = ()
