"""My actions: the person's own actions, overdue (most overdue first), due soon, then the rest."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from tracker.actions.queries.shared import (
    CLOSED,
    DUE_SOON,
    LATER,
    OVERDUE,
    SECTIONS,
    ActionLine,
    Pagination,
    live,
    status_clause,
    working_days_to_due,
)
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.due_phrase import working_days_text
from tracker.domain.working_days import add_working_days
from tracker.extensions import db
from tracker.models import Action, ActionStatus, Inspection, User, is_open, written_in
from tracker.numbers import page_number, whole_number

MY_ACTIONS_PER_PAGE = 25


def due_soon_limit(today: date, due_soon_working_days: int) -> date:
    """The last day that counts as due soon: the DUE_SOON_WORKING_DAYS setting's working days after today."""
    return add_working_days(today, due_soon_working_days, BANK_HOLIDAYS, counting="after")


def section_titles(due_soon_working_days: int) -> dict[int, str]:
    """My actions' sections, in order, as their captions read."""
    return {
        OVERDUE: "Overdue",
        DUE_SOON: f"Due in the next {working_days_text(due_soon_working_days)}",
        LATER: "Due later",
        CLOSED: "Complete or no longer required",
    }


def _section(today: date, due_soon_working_days: int) -> ColumnElement[int]:
    still_open = is_open()
    return case(
        (and_(still_open, Action.due_on < today), OVERDUE),
        (and_(still_open, Action.due_on <= due_soon_limit(today, due_soon_working_days)), DUE_SOON),
        (still_open, LATER),
        else_=CLOSED,
    )


MY_STATUS_CHOICES = (
    ("open", "Open (not started or in progress)"),
    ("all", "All statuses"),
    *((status.value, status.label) for status in ActionStatus),
)


@dataclass(frozen=True)
class MyActionsFilters:
    inspection_id: int | None = None
    status: str = "open"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> MyActionsFilters:
        status = args.get("status", "open")
        inspection = args.get("inspection", "")
        return cls(
            inspection_id=whole_number(inspection),
            status=status if status in dict(MY_STATUS_CHOICES) else "open",
            page=page_number(args.get("page")),
        )

    def as_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"status": self.status}
        if self.inspection_id:
            args["inspection"] = self.inspection_id
        return args


@dataclass
class MyActionsPage:
    filters: MyActionsFilters
    counts: dict[int, int]
    lines: list[ActionLine]
    pagination: Pagination
    inspections: list[Inspection]
    # Section → caption; the due-soon one names the setting's number of working days.
    sections: dict[int, str]

    @property
    def inspection_choices(self) -> list[tuple[int, str]]:
        """The inspection filter's choices: id and title."""
        return [(inspection.id, inspection.title) for inspection in self.inspections]


def build_my_actions(
    user: User, today: date, filters: MyActionsFilters, *, due_soon_working_days: int
) -> MyActionsPage:
    """The person's actions: overdue (most overdue first), due soon, then the rest."""
    mine = [Action.owner_id == user.id, live()]
    if filters.inspection_id:
        mine.append(Action.inspection_id == filters.inspection_id)
    section = _section(today, due_soon_working_days)
    count_rows = db.session.execute(select(section, func.count()).where(*mine).group_by(section))
    counts = dict.fromkeys(SECTIONS, 0) | {int(key): value for key, value in count_rows}
    shown = list(mine)
    by_status = status_clause(filters.status)
    if by_status is not None:
        shown.append(by_status)
    total = db.session.scalar(select(func.count()).select_from(Action).where(*shown)) or 0
    pagination = Pagination(
        min(filters.page, max(1, math.ceil(total / MY_ACTIONS_PER_PAGE))), MY_ACTIONS_PER_PAGE, total
    )
    rows = db.session.execute(
        select(Action, section)
        .options(joinedload(Action.inspection))
        .where(*shown)
        .order_by(section, Action.due_on.is_(None), Action.due_on, Action.id)
        .limit(written_in(pagination.per_page))
        .offset(written_in(pagination.offset))
    )
    lines = [ActionLine(action, int(key), working_days_to_due(action, today)) for action, key in rows]
    inspections = list(
        db.session.scalars(
            select(Inspection)
            .where(Inspection.id.in_(select(Action.inspection_id).where(Action.owner_id == user.id, live())))
            .order_by(Inspection.published_on.desc().nulls_last(), Inspection.id)
        )
    )
    return MyActionsPage(filters, counts, lines, pagination, inspections, section_titles(due_soon_working_days))
