"""An inspection's dashboard: counts by RAG and timescale, what is overdue, the statutory dates, the latest
updates and the revised due dates waiting for a decision."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from tracker.actions.queries.plan import Unactioned, publication_check, recommendations_without_actions
from tracker.actions.queries.shared import OVERDUE, ActionLine, live, working_days_to_due
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.deadline_rules import no_date_text
from tracker.domain.plan_lifecycle import DeadlineOutcome, publication_outcome
from tracker.domain.vocabulary import NOT_RATED, TIMESCALES
from tracker.domain.working_days import working_days_between
from tracker.extensions import db
from tracker.models import (
    OPEN_STATUSES,
    Action,
    ActionStatus,
    DeadlineKind,
    DueDateRequestState,
    Inspection,
    ProgressUpdate,
    Recommendation,
    StatutoryDeadline,
    Timescale,
    User,
)

RECENT_UPDATES = 10
OVERDUE_SHOWN = 10


def _updates_shown() -> Any:
    """Progress updates with what the dashboard shows of their action (a link) and people (a name): loading every
    column of each cost the ORM more than the rest of the query."""
    return select(ProgressUpdate).options(
        joinedload(ProgressUpdate.action).load_only(Action.reference, Action.title),
        joinedload(ProgressUpdate.author).load_only(User.name),
        joinedload(ProgressUpdate.decided_by).load_only(User.name),
    )


@dataclass
class DeadlineLine:
    deadline: StatutoryDeadline
    working_days_left: int | None
    outcome: DeadlineOutcome | None
    no_date: str = ""


@dataclass
class DashboardPage:
    inspection: Inspection
    grid: dict[Timescale, dict[str, int]]
    timescales: list[Timescale]
    rag_totals: dict[str, int]
    status_counts: dict[ActionStatus, int]
    total: int
    overdue_count: int
    overdue: list[ActionLine]
    deadlines: list[DeadlineLine]
    recent_updates: list[ProgressUpdate]
    pending_requests: list[ProgressUpdate]
    unactioned: Unactioned


@dataclass
class _Counts:
    grid: dict[Timescale, dict[str, int]]  # timescale → rating (and "total") → actions
    rag_totals: dict[str, int]
    status_counts: dict[ActionStatus, int]
    overdue: int


def _counts(inspection_id: int, today: date) -> _Counts:
    """The live actions counted by timescale and rating, by status, and those overdue: one pass, one query."""
    is_overdue = and_(Action.status.in_(OPEN_STATUSES), Action.due_on < today)
    rows = db.session.execute(
        select(Recommendation.timescale, Action.rag, Action.status, func.count(), func.count().filter(is_overdue))
        .join(Action.recommendation)
        .where(Action.inspection_id == inspection_id, live())
        .group_by(Recommendation.timescale, Action.rag, Action.status)
    )
    counts = _Counts({}, defaultdict(int), dict.fromkeys(ActionStatus, 0), 0)
    for timescale, rag, status, count, overdue in rows:
        key = rag.value if rag else NOT_RATED
        counts.grid.setdefault(timescale, defaultdict(int))[key] += count
        counts.grid[timescale]["total"] += count
        counts.rag_totals[key] += count
        counts.rag_totals["total"] += count
        counts.status_counts[status] += count
        counts.overdue += overdue
    return counts


def _deadline_lines(inspection: Inspection, today: date) -> list[DeadlineLine]:
    deadlines = db.session.scalars(
        select(StatutoryDeadline)
        .where(StatutoryDeadline.inspection_id == inspection.id)
        .order_by(StatutoryDeadline.due_on.is_(None), StatutoryDeadline.due_on, StatutoryDeadline.id)
    )
    lines = []
    for deadline in deadlines:
        days = None
        if deadline.due_on and deadline.met_on is None:
            days = working_days_between(today, deadline.due_on, BANK_HOLIDAYS)
        outcome = None
        if deadline.kind == DeadlineKind.ACTION_PLAN:
            outcome = publication_check(inspection, deadline)
        elif deadline.met_on and deadline.due_on:
            outcome = publication_outcome(deadline.met_on, deadline.due_on, BANK_HOLIDAYS)
        no_date = no_date_text(deadline.anchor) if deadline.due_on is None and deadline.met_on is None else ""
        lines.append(DeadlineLine(deadline, days, outcome, no_date))
    return lines


def build_dashboard(inspection: Inspection, today: date) -> DashboardPage:
    """Counts by RAG and timescale, what is overdue, the statutory dates and the latest updates."""
    counts = _counts(inspection.id, today)
    overdue_where = [
        Action.inspection_id == inspection.id,
        live(),
        Action.status.in_(OPEN_STATUSES),
        Action.due_on < today,
    ]
    overdue_actions = db.session.scalars(
        select(Action)
        .options(joinedload(Action.owner))
        .where(*overdue_where)
        .order_by(Action.due_on, Action.id)
        .limit(OVERDUE_SHOWN)
    )
    overdue = [ActionLine(action, OVERDUE, working_days_to_due(action, today)) for action in overdue_actions]
    newest_first = (ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    # The 10 newest are chosen before their action and people are joined: joining all of an inspection's
    # updates first and then keeping 10 cost several times more.
    recent_ids = (
        select(ProgressUpdate.id)
        .join(ProgressUpdate.action)
        .where(Action.inspection_id == inspection.id)
        .order_by(*newest_first)
        .limit(RECENT_UPDATES)
    )
    recent = list(
        db.session.scalars(
            _updates_shown().where(ProgressUpdate.id.in_(recent_ids.scalar_subquery())).order_by(*newest_first)
        )
    )
    pending = list(
        db.session.scalars(
            _updates_shown()
            .join(ProgressUpdate.action)
            .where(
                Action.inspection_id == inspection.id,
                ProgressUpdate.request_state == DueDateRequestState.PENDING,
                live(),
            )
            .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
        )
    )
    return DashboardPage(
        inspection=inspection,
        grid=counts.grid,
        timescales=[timescale for timescale in TIMESCALES if timescale in counts.grid],
        rag_totals=counts.rag_totals,
        status_counts=counts.status_counts,
        total=counts.rag_totals.get("total", 0),
        overdue_count=counts.overdue,
        overdue=overdue,
        deadlines=_deadline_lines(inspection, today),
        recent_updates=recent,
        pending_requests=pending,
        unactioned=recommendations_without_actions(inspection.id),
    )
