"""The weekly programme summary to programme managers, built from plain facts: counts by RAG and timescale, the
week's changes, the overdue list and the statutory deadlines coming up, for each inspection they run (DESIGN §6).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from tracker.domain.digest import ActionFacts, DigestItem, Person, count_phrase, most_overdue_first
from tracker.domain.formatting import format_date
from tracker.domain.vocabulary import NOT_RATED, OPEN_STATUSES, RATING_KEYS
from tracker.domain.working_days import add_working_days, working_days_between


@dataclass(frozen=True)
class DeadlineFacts:
    deadline_id: int
    inspection_id: int
    title: str
    due_on: date
    met_on: date | None = None


@dataclass(frozen=True)
class ChangeFacts:
    """Something that happened to an inspection's plan: a progress update or a changed field."""

    occurred_at: datetime
    inspection_id: int
    what: str
    actor_name: str = ""
    action_reference: str = ""


@dataclass(frozen=True)
class UpcomingDeadline:
    deadline: DeadlineFacts
    working_days_left: int


@dataclass(frozen=True)
class InspectionSummary:
    inspection_id: int
    title: str
    # (timescale label, {rag: count}) in the order given, then the totals across timescales.
    rag_by_timescale: tuple[tuple[str, dict[str, int]], ...]
    rag_totals: dict[str, int]
    changes: tuple[ChangeFacts, ...]
    changes_total: int
    overdue: tuple[DigestItem, ...]
    deadlines: tuple[UpcomingDeadline, ...]

    @property
    def action_count(self) -> int:
        return sum(self.rag_totals.values())


@dataclass(frozen=True)
class ProgrammeSummary:
    person: Person
    week_of: date
    inspections: tuple[InspectionSummary, ...] = field(default_factory=tuple)

    @property
    def subject(self) -> str:
        overdue = sum(len(inspection.overdue) for inspection in self.inspections)
        return f"Weekly programme summary, week of {format_date(self.week_of)}: " + count_phrase(
            overdue, "overdue action"
        )


def summarise_inspection(
    *,
    inspection_id: int,
    title: str,
    actions: Iterable[ActionFacts],
    changes: Iterable[ChangeFacts],
    deadlines: Iterable[DeadlineFacts],
    timescales: Sequence[str],
    today: date,
    holidays: Container[date],
    deadline_horizon_working_days: int = 20,
    max_changes: int = 30,
) -> InspectionSummary:
    """Counts by RAG and timescale, the week's changes (newest first), the overdue list (most
    overdue first) and open statutory deadlines within the horizon or already passed."""
    counts: dict[str, dict[str, int]] = {label: dict.fromkeys(RATING_KEYS, 0) for label in timescales}
    totals = dict.fromkeys(RATING_KEYS, 0)
    overdue = []
    for action in actions:
        rag = action.rag or NOT_RATED
        counts.setdefault(action.timescale, dict.fromkeys(RATING_KEYS, 0))[rag] += 1
        totals[rag] += 1
        if action.status in OPEN_STATUSES and action.due_on and action.due_on < today:
            overdue.append(DigestItem(action, working_days_between(today, action.due_on, holidays)))
    ordered_changes = sorted(changes, key=lambda change: change.occurred_at, reverse=True)
    horizon = add_working_days(today, deadline_horizon_working_days, holidays, counting="after")
    upcoming = [
        UpcomingDeadline(deadline, working_days_between(today, deadline.due_on, holidays))
        for deadline in sorted(deadlines, key=lambda deadline: deadline.due_on)
        if deadline.met_on is None and deadline.due_on <= horizon
    ]
    return InspectionSummary(
        inspection_id=inspection_id,
        title=title,
        rag_by_timescale=tuple((label, rags) for label, rags in counts.items() if sum(rags.values())),
        rag_totals=totals,
        changes=tuple(ordered_changes[:max_changes]),
        changes_total=len(ordered_changes),
        overdue=tuple(sorted(overdue, key=most_overdue_first)),
        deadlines=tuple(upcoming),
    )
