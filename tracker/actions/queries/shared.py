"""What several action pages share: pagination, which actions are live, the working days to a due date, and the
sections a list of actions falls into.

Each page runs a fixed number of queries whatever the number of actions (many-to-one links are
joined, lists are paginated), so page work does not grow with the database (DESIGN §9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from tracker.clock import BANK_HOLIDAYS
from tracker.domain.vocabulary import STATUSES
from tracker.domain.working_days import working_days_between
from tracker.models import Action, ActionStatus, ProgressUpdate, is_open

OVERDUE, DUE_SOON, LATER, CLOSED = 0, 1, 2, 3
SECTIONS = (OVERDUE, DUE_SOON, LATER, CLOSED)


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_shown(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_shown(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and those near this one; None where pages are left out."""
        shown = sorted({1, self.pages, *range(max(1, self.page - around), min(self.pages, self.page + around) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


class HasDueDate(Protocol):
    """An action, or a row of the action list."""

    @property
    def due_on(self) -> date | None: ...


def working_days_to_due(action: HasDueDate, today: date) -> int | None:
    """Working days until the due date (negative when overdue); None without a due date."""
    if action.due_on is None:
        return None
    return working_days_between(today, action.due_on, BANK_HOLIDAYS)


@dataclass
class ActionLine:
    action: Action
    section: int
    working_days_to_due: int | None

    @property
    def is_overdue(self) -> bool:
        return self.section == OVERDUE


def live() -> ColumnElement[bool]:
    """Actions that are not archived."""
    return Action.archived_at.is_(None)


def status_clause(status: str) -> ColumnElement[bool] | None:
    """The status filter as a WHERE clause: "open", one status, or None for any status."""
    if status == "open":
        return is_open()
    if status in STATUSES:
        return Action.status == ActionStatus(status)
    return None


def updates_query() -> Any:
    """Progress updates with their action and the people who wrote and decided them, joined."""
    return select(ProgressUpdate).options(
        joinedload(ProgressUpdate.action), joinedload(ProgressUpdate.author), joinedload(ProgressUpdate.decided_by)
    )


def live_actions_with_latest_narrative(inspection_id: int) -> Select[Action, str]:
    """An inspection's live actions, each with its latest progress narrative (None before any, whatever the type
    says: an outer join), owners loaded:
    what a plan spreadsheet shows and what an uploaded one is compared with."""
    latest = (
        select(ProgressUpdate.action_id, func.max(ProgressUpdate.id).label("update_id"))
        .group_by(ProgressUpdate.action_id)
        .subquery()
    )
    return (
        select(Action, ProgressUpdate.narrative)
        .outerjoin(latest, latest.c.action_id == Action.id)
        .outerjoin(ProgressUpdate, ProgressUpdate.id == latest.c.update_id)
        .options(joinedload(Action.owner))
        .where(Action.inspection_id == inspection_id, Action.archived_at.is_(None))
    )
