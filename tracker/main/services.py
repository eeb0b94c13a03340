"""What the home page shows each person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import joinedload

from tracker.auth.services import count_delayed
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.vocabulary import NOT_RATED, RATING_KEYS
from tracker.domain.working_days import add_working_days, working_days_between
from tracker.extensions import db
from tracker.models import (
    Action,
    AuthSource,
    EmailState,
    Inspection,
    OutboxEmail,
    ProgressUpdate,
    Role,
    StatutoryDeadline,
    User,
    inspection_managers,
    is_open,
    is_pending,
    written_in,
)


@dataclass
class ActionLine:
    action: Action
    working_days_to_due: int | None

    @property
    def is_overdue(self) -> bool:
        return self.working_days_to_due is not None and self.working_days_to_due < 0


@dataclass
class InspectionLine:
    inspection: Inspection
    rag_counts: dict[str, int] = field(default_factory=dict)
    open_count: int = 0
    overdue_count: int = 0
    next_deadline: StatutoryDeadline | None = None
    next_deadline_working_days: int | None = None
    # Owners' requests for a revised due date that a programme manager has yet to decide (for the inspections the
    # person runs, in the list waiting for their decision).
    pending_requests: int = 0


# The home page shows the latest inspections, a link leading to the rest: a summary stays one screen (and one
# cost) however many inspections the council has had.
HOME_INSPECTIONS = 10


@dataclass
class HomePage:
    overdue: list[ActionLine]
    due_soon: list[ActionLine]
    later_count: int
    inspections: list[InspectionLine]
    inspections_heading: str
    inspections_total: int
    # The DUE_SOON_WORKING_DAYS setting the due-soon list was drawn with.
    due_soon_working_days: int
    shows_own_actions: bool = True
    admin: AdminSummary | None = None
    # The inspections the person runs that have revised due dates waiting for their decision.
    waiting_for_decision: list[InspectionLine] = field(default_factory=list)

    @property
    def pending_request_count(self) -> int:
        return sum(line.pending_requests for line in self.waiting_for_decision)


@dataclass(frozen=True)
class AdminSummary:
    """What needs an administrator's attention."""

    invited: int
    sign_in_delayed: int
    failed_emails: int


def due_soon_limit(today: date, due_soon_working_days: int) -> date:
    """The last day that counts as "due soon": the setting's working days after today."""
    return add_working_days(today, due_soon_working_days, BANK_HOLIDAYS, counting="after")


def _my_open_actions(user: User) -> list[Action]:
    query = (
        select(Action)
        .options(joinedload(Action.inspection))
        .where(Action.owner_id == user.id, is_open(), Action.archived_at.is_(None))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    return list(db.session.scalars(query))


def _inspections_for(user: User) -> tuple[list[Inspection], int, str]:
    """The latest HOME_INSPECTIONS inspections that concern `user` (those a programme manager runs; every one for
    others), how many there are in all, and the heading."""
    query = select(Inspection)
    heading = "Inspections"
    if user.role == Role.PROGRAMME_MANAGER:
        query = query.join(inspection_managers).where(inspection_managers.c.user_id == user.id)
        heading = "Inspections you run"
    latest = query.order_by(Inspection.published_on.desc().nulls_last(), Inspection.id.desc()).limit(
        written_in(HOME_INSPECTIONS)
    )
    inspections = list(db.session.scalars(latest))
    total = len(inspections)
    if total == HOME_INSPECTIONS:
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return inspections, total, heading


def _waiting_for_decision(user: User) -> list[InspectionLine]:
    """The inspections `user` runs with owners' requests for a revised due date waiting for a decision, latest
    first: all of them, not only those the page lists."""
    counted = (
        select(Inspection, func.count())
        .join(Action, Action.inspection_id == Inspection.id)
        .join(ProgressUpdate, ProgressUpdate.action_id == Action.id)
        .join(inspection_managers, inspection_managers.c.inspection_id == Inspection.id)
        .where(
            inspection_managers.c.user_id == user.id,
            Action.archived_at.is_(None),
            is_pending(),
        )
        .group_by(Inspection.id)
        .order_by(Inspection.published_on.desc().nulls_last(), Inspection.id.desc())
    )
    return [InspectionLine(inspection, pending_requests=count) for inspection, count in db.session.execute(counted)]


def _inspection_lines(inspections: list[Inspection], today: date) -> list[InspectionLine]:
    lines = {inspection.id: InspectionLine(inspection) for inspection in inspections}
    if not lines:
        return []
    live = and_(Action.inspection_id.in_(lines), Action.archived_at.is_(None))
    still_open = is_open()
    # One pass over the actions for all three counts.
    rows = db.session.execute(
        select(
            Action.inspection_id,
            Action.rag,
            func.count(),
            func.count().filter(still_open),
            func.count().filter(still_open, Action.due_on < today),
        )
        .where(live)
        .group_by(Action.inspection_id, Action.rag)
    )
    for inspection_id, rag, count, open_count, overdue_count in rows:
        line = lines[inspection_id]
        line.rag_counts[rag.value if rag else NOT_RATED] = count
        line.open_count += open_count
        line.overdue_count += overdue_count
    deadlines = db.session.scalars(
        select(StatutoryDeadline)
        .where(
            StatutoryDeadline.inspection_id.in_(lines),
            StatutoryDeadline.met_on.is_(None),
            StatutoryDeadline.due_on.is_not(None),
        )
        .order_by(StatutoryDeadline.due_on)
    )
    for deadline in deadlines:
        line = lines[deadline.inspection_id]
        if line.next_deadline is None and deadline.due_on is not None:
            line.next_deadline = deadline
            line.next_deadline_working_days = working_days_between(today, deadline.due_on, BANK_HOLIDAYS)
    return list(lines.values())


def build_admin_summary(now: datetime) -> AdminSummary:
    def count(*clauses: ColumnElement[bool]) -> int:
        return db.session.scalar(select(func.count()).select_from(User).where(User.active.is_(True), *clauses)) or 0

    failed = select(func.count()).select_from(OutboxEmail).where(OutboxEmail.state == EmailState.FAILED)
    return AdminSummary(
        invited=count(User.password_hash.is_(None), User.auth_source == AuthSource.PASSWORD),
        sign_in_delayed=count_delayed(db.session.scalars(select(User.email).where(User.active.is_(True)))),
        failed_emails=db.session.scalar(failed) or 0,
    )


def build_home_page(user: User, today: date, now: datetime, *, due_soon_working_days: int) -> HomePage:
    """The signed-in person's overdue and due-soon actions (not for viewers, who own none, nor for admins who own
    none open), the inspections that concern them and, for admins, what needs their attention."""
    soon = due_soon_limit(today, due_soon_working_days)
    overdue: list[ActionLine] = []
    due_soon: list[ActionLine] = []
    later = 0
    for action in _my_open_actions(user):
        days = working_days_between(today, action.due_on, BANK_HOLIDAYS) if action.due_on else None
        line = ActionLine(action, days)
        if action.due_on is not None and action.due_on < today:
            overdue.append(line)
        elif action.due_on is not None and action.due_on <= soon:
            due_soon.append(line)
        else:
            later += 1
    inspections, total, heading = _inspections_for(user)
    owns_open = bool(overdue or due_soon or later)
    runs = user.role == Role.PROGRAMME_MANAGER
    return HomePage(
        overdue=overdue,
        due_soon=due_soon,
        later_count=later,
        inspections=_inspection_lines(inspections, today),
        waiting_for_decision=_waiting_for_decision(user) if runs else [],
        inspections_heading=heading,
        inspections_total=total,
        due_soon_working_days=due_soon_working_days,
        shows_own_actions=user.role in (Role.PROGRAMME_MANAGER, Role.SERVICE_MANAGER) or owns_open,
        admin=build_admin_summary(now) if user.role == Role.ADMIN else None,
    )


def rag_summary(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Each rating's count, then the actions not rated yet, so that the counts add up to the plan."""
    return [(rating, counts.get(rating, 0)) for rating in RATING_KEYS]
