"""Everything the inspection page shows: recommendations by timescale with their default due dates, the
statutory deadlines where they stand today, meetings, and the latest history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.clock import BANK_HOLIDAYS
from tracker.domain.due_dates import DueDatePolicy, default_due_on
from tracker.inspections.deadlines import (
    DeadlineStatus,
    action_plan_deadline_among,
    deadline_status,
    describe_basis,
    is_overridden,
    list_deadlines,
)
from tracker.inspections.history import HISTORY_ON_PAGE, HistoryLine, inspection_history
from tracker.inspections.meetings import list_meetings, meeting_warnings
from tracker.models import Inspection, Meeting, Recommendation, StatutoryDeadline, Timescale


@dataclass
class TimescaleGroup:
    timescale: Timescale
    recommendations: list[Recommendation]
    default_due_on: date | None
    due_rule: str


@dataclass
class DeadlineLine:
    deadline: StatutoryDeadline
    status: DeadlineStatus
    basis: str
    overridden: bool


@dataclass
class InspectionPage:
    inspection: Inspection
    groups: list[TimescaleGroup]
    deadlines: list[DeadlineLine]
    meetings: list[Meeting]
    meeting_warnings: list[str]
    history: list[HistoryLine]
    history_total: int
    duplicates: list[Inspection] = field(default_factory=list)


def timescale_groups(inspection: Inspection, deadlines: list[StatutoryDeadline]) -> list[TimescaleGroup]:
    """Recommendations by timescale, in the order timescales run, each with its default action due date."""
    policy = inspection.due_date_policy()
    plan = action_plan_deadline_among(deadlines)
    groups = []
    for timescale in Timescale:
        items = [r for r in inspection.recommendations if r.timescale == timescale]
        if not items:
            continue
        due_on = default_due_on(
            timescale.value,
            published_on=inspection.published_on,
            action_plan_due_on=plan.due_on if plan else None,
            policy=policy,
            holidays=BANK_HOLIDAYS,
        )
        groups.append(TimescaleGroup(timescale, items, due_on, _due_rule(timescale, policy)))
    return groups


def _due_rule(timescale: Timescale, policy: DueDatePolicy) -> str:
    months = policy.months_after_publication(timescale.value)
    if months is None:
        return "the action plan's statutory date"
    return f"{months} month{'' if months == 1 else 's'} after publication, on a working day"


def build_inspection_page(inspection: Inspection, today: date, *, due_soon_working_days: int) -> InspectionPage:
    """Everything the inspection page shows, in a fixed number of queries whatever the inspection's size."""
    deadlines = list_deadlines(inspection)
    meetings = list_meetings(inspection)
    history, total = inspection_history(inspection, page=1, page_size=HISTORY_ON_PAGE, deadlines=deadlines)
    return InspectionPage(
        inspection=inspection,
        groups=timescale_groups(inspection, deadlines),
        deadlines=[
            DeadlineLine(
                d,
                deadline_status(d, today, due_soon_working_days=due_soon_working_days),
                describe_basis(d, inspection),
                is_overridden(d),
            )
            for d in deadlines
        ],
        meetings=meetings,
        meeting_warnings=meeting_warnings(meetings, deadlines),
        history=history,
        history_total=total,
    )
