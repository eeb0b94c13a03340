"""An inspection's dashboard: counts by RAG and timescale, what is overdue, the statutory dates, the latest
updates and the revised due dates waiting for a decision."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select, union_all
from sqlalchemy.orm import aliased

from tracker.actions.queries.plan import Unactioned, publication_check
from tracker.actions.queries.shared import live, working_days_to_due
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.deadline_rules import no_date_text
from tracker.domain.plan_lifecycle import DeadlineOutcome, publication_outcome
from tracker.domain.vocabulary import NOT_RATED, TIMESCALES
from tracker.domain.working_days import working_days_between
from tracker.extensions import db
from tracker.models import (
    Action,
    ActionStatus,
    DeadlineKind,
    DueDateRequestState,
    Inspection,
    ProgressUpdate,
    Rag,
    Recommendation,
    StatutoryDeadline,
    Timescale,
    User,
    is_open,
    is_pending,
    written_in,
)

RECENT_UPDATES = 10
OVERDUE_SHOWN = 10


@dataclass(frozen=True, slots=True)
class LinkedAction:
    """What a link to an action shows (actions/_macros.html action_link)."""

    id: int
    reference: str
    title: str


@dataclass(frozen=True, slots=True)
class OverdueAction:
    """An overdue action as the dashboard lists it: plain values, the owner's name joined."""

    id: int
    reference: str
    title: str
    due_on: date | None  # never None here (overdue), but the column allows it
    rag: Rag | None
    owner_name: str | None
    owner_active: bool | None
    working_days_to_due: int | None


@dataclass(frozen=True, slots=True)
class ShownUpdate:
    """A progress update as the dashboard shows it: plain values from one query's rows (loading each update with
    its action and author as mapped objects cost the ORM more than the rest of the page's queries)."""

    id: int
    created_at: datetime
    status: ActionStatus
    rag: Rag
    narrative: str | None
    requested_due_on: date | None
    request_state: DueDateRequestState | None
    action: LinkedAction
    action_archived: bool
    author_name: str | None


_AUTHOR = aliased(User, name="author")
_OWNER = aliased(User, name="owner")
_SHOWN_UPDATE_COLUMNS = (
    ProgressUpdate.id,
    ProgressUpdate.created_at,
    ProgressUpdate.status,
    ProgressUpdate.rag,
    ProgressUpdate.narrative,
    ProgressUpdate.requested_due_on,
    ProgressUpdate.request_state,
    Action.id,
    Action.reference,
    Action.title,
    Action.archived_at,
    _AUTHOR.name,
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
    overdue: list[OverdueAction]
    deadlines: list[DeadlineLine]
    recent_updates: list[ShownUpdate]
    pending_requests: list[ShownUpdate]
    unactioned: Unactioned


@dataclass
class _Counts:
    grid: dict[Timescale, dict[str, int]]  # timescale → rating (and "total") → actions
    rag_totals: dict[str, int]
    status_counts: dict[ActionStatus, int]
    overdue: int
    unactioned: Unactioned


def _counts(inspection_id: int, today: date) -> _Counts:
    """The live actions counted by timescale and rating, by status, and those overdue, and the recommendations
    no live action answers: one pass over the recommendations and their actions, one query."""
    is_overdue = and_(is_open(), Action.due_on < today)
    rows = db.session.execute(
        select(
            Recommendation.id,
            Recommendation.number,
            Recommendation.position,
            Recommendation.timescale,
            Action.rag,
            Action.status,
            func.count(Action.id),
            func.count(Action.id).filter(is_overdue),
        )
        .outerjoin(Action, and_(Action.recommendation_id == Recommendation.id, live()))
        .where(Recommendation.inspection_id == inspection_id)
        .group_by(Recommendation.id, Action.rag, Action.status)
        .order_by(Recommendation.position, Recommendation.id)
    )
    counts = _Counts({}, defaultdict(int), dict.fromkeys(ActionStatus, 0), 0, Unactioned([], 0))
    recommendations: set[int] = set()
    for recommendation_id, number, position, timescale, rag, status, count, overdue in rows:
        recommendations.add(recommendation_id)
        if not count:  # the outer join's one row for a recommendation without live actions
            counts.unactioned.numbers.append(Recommendation.number_shown(number, position))
            continue
        key = rag.value if rag else NOT_RATED
        counts.grid.setdefault(timescale, defaultdict(int))[key] += count
        counts.grid[timescale]["total"] += count
        counts.rag_totals[key] += count
        counts.rag_totals["total"] += count
        counts.status_counts[status] += count
        counts.overdue += overdue
    counts.unactioned = Unactioned(counts.unactioned.numbers, len(recommendations))
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


def _overdue(inspection: Inspection, today: date) -> list[OverdueAction]:
    """The OVERDUE_SHOWN most overdue live actions, with their owners' names. The ten are chosen before their owners
    are joined: joined first, PostgreSQL hashed every person to find the owners of a few dozen actions."""
    chosen = (
        select(Action.id)
        .where(
            Action.inspection_id == inspection.id,
            live(),
            is_open(),
            Action.due_on < today,
        )
        .order_by(Action.due_on, Action.id)
        .limit(written_in(OVERDUE_SHOWN))
        .subquery("chosen")
    )
    query = (
        select(Action.id, Action.reference, Action.title, Action.due_on, Action.rag, _OWNER.name, _OWNER.active)
        .join(chosen, chosen.c.id == Action.id)
        .outerjoin(_OWNER, _OWNER.id == Action.owner_id)
        .order_by(Action.due_on, Action.id)
    )
    return [
        OverdueAction(*row, working_days_to_due=working_days_to_due(row, today)) for row in db.session.execute(query)
    ]


_NEWEST_FIRST = (ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())


def _updates(inspection: Inspection) -> tuple[list[ShownUpdate], list[ShownUpdate]]:
    """The RECENT_UPDATES newest progress updates, newest first, and the owners' requests for a revised due date
    waiting for a decision on live actions, oldest first: read together, in one query (the newest of all the
    updates read are the newest of all)."""
    # The 10 newest are chosen by the update's own inspection (ix_progress_updates_inspection_created) before
    # their action and author are joined: through the actions, every update of the plan was read and sorted.
    newest = (
        select(ProgressUpdate.id)
        .where(ProgressUpdate.inspection_id == inspection.id)
        .order_by(*_NEWEST_FIRST)
        .limit(written_in(RECENT_UPDATES))
    )
    pending = (
        select(ProgressUpdate.id)
        .join(ProgressUpdate.action)
        .where(
            Action.inspection_id == inspection.id,
            is_pending(),
            live(),
        )
    )
    query = (
        select(*_SHOWN_UPDATE_COLUMNS)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .outerjoin(_AUTHOR, _AUTHOR.id == ProgressUpdate.author_id)
        # One IN over both lists of ids (UNION ALL): an OR of two INs made PostgreSQL read every progress update.
        .where(ProgressUpdate.id.in_(union_all(select(newest.subquery().c.id), pending)))
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    updates = [
        ShownUpdate(
            *values[:7],
            action=LinkedAction(*values[7:10]),
            action_archived=values[10] is not None,
            author_name=values[11],
        )
        for values in db.session.execute(query)
    ]
    waiting = [
        update
        for update in updates
        if update.request_state == DueDateRequestState.PENDING and not update.action_archived
    ]
    return updates[::-1][:RECENT_UPDATES], waiting


def build_dashboard(inspection: Inspection, today: date) -> DashboardPage:
    """Counts by RAG and timescale, what is overdue, the statutory dates and the latest updates."""
    counts = _counts(inspection.id, today)
    recent, waiting = _updates(inspection)
    return DashboardPage(
        inspection=inspection,
        grid=counts.grid,
        timescales=[timescale for timescale in TIMESCALES if timescale in counts.grid],
        rag_totals=counts.rag_totals,
        status_counts=counts.status_counts,
        total=counts.rag_totals.get("total", 0),
        overdue_count=counts.overdue,
        overdue=_overdue(inspection, today),
        deadlines=_deadline_lines(inspection, today),
        recent_updates=recent,
        pending_requests=waiting,
        unactioned=counts.unactioned,
    )
