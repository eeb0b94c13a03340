"""The plan as it stood at an instant, reconstructed from history records.

Nothing here reads today's state of an action: everything comes from the progress updates and
the change history as they stood at the cutoff, the first instant after the as-at day ended in
the council's time zone (DESIGN §7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.domain.report.model import DeadlineRow
from tracker.domain.report.records import ActionRecord, DeadlineRecord, FieldChange, PlanHistory, UpdateRecord
from tracker.domain.vocabulary import CLOSED_STATUSES, NOT_RATED, ActionStatus


def local_day(instant: datetime, timezone: str) -> date:
    """The day an instant (UTC) falls on in `timezone`: an update at 23:30 on a summer evening is that day's."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def day_end_utc(day: date, timezone: str) -> datetime:
    """The first instant after `day` ends in `timezone`: "on or before `day`" means before this."""
    local_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))
    return local_midnight.astimezone(ZoneInfo("UTC"))


def _value_in_force(changes: Sequence[FieldChange], cutoff: datetime, current: str | None) -> str | None:
    """The latest change before `cutoff` gives the value; failing that the first later change's old value."""
    ordered = sorted(changes, key=lambda c: c.occurred_at)
    before = [c for c in ordered if c.occurred_at < cutoff]
    if before:
        return before[-1].new_value
    if ordered:
        return ordered[0].old_value
    return current


def as_date(value: str | None) -> date | None:
    """A stored date or instant (ISO text) as its day."""
    return date.fromisoformat(value[:10]) if value else None


def due_on_as_at(action: ActionRecord, cutoff: datetime) -> date | None:
    """The due date in force at `cutoff`: before any recorded change it was the original due date."""
    if not action.due_on_changes:
        return action.due_on
    # Sorting is stable, so changes recorded at the same instant keep the order they were made in.
    ordered = sorted(action.due_on_changes, key=lambda c: c.occurred_at)
    before = [c for c in ordered if c.occurred_at < cutoff]
    if before:
        return as_date(before[-1].new_value)
    return as_date(ordered[0].old_value) or action.original_due_on


def original_due_on_as_at(action: ActionRecord, cutoff: datetime) -> date | None:
    """The plan's original due date at `cutoff`: it follows the due date until the plan is agreed."""
    value = _value_in_force(action.original_due_on_changes, cutoff, _iso(action.original_due_on))
    return as_date(value) or due_on_as_at(action, cutoff)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def wording_as_at(action: ActionRecord, cutoff: datetime) -> tuple[str, str]:
    """The action's title and success criteria as they read at `cutoff`, from their change history."""
    title = _value_in_force(action.title_changes, cutoff, action.title)
    criteria = _value_in_force(action.success_criteria_changes, cutoff, action.success_criteria)
    return title or "", criteria or ""


def latest_update(action: ActionRecord, cutoff: datetime) -> UpdateRecord | None:
    candidates = [u for u in action.updates if u.created_at < cutoff]
    return max(candidates, key=lambda u: u.created_at) if candidates else None


def status_and_rag_as_at(action: ActionRecord, cutoff: datetime) -> tuple[str, str]:
    """The latest update before `cutoff` sets status and RAG; with none, the audited values then, else
    the action as created (an action with no updates at all), else not started and not rated."""
    update = latest_update(action, cutoff)
    if update is not None:
        return update.status, update.rag or NOT_RATED
    created_status = action.status if not action.updates else ActionStatus.NOT_STARTED
    created_rag = action.rag if not action.updates else None
    status = _value_in_force(action.status_changes, cutoff, created_status) or ActionStatus.NOT_STARTED
    rag = _value_in_force(action.rag_changes, cutoff, created_rag)
    return status, rag or NOT_RATED


def exists_at(action: ActionRecord, cutoff: datetime) -> bool:
    """Created before the cutoff and not archived by then."""
    if action.created_at >= cutoff:
        return False
    return action.archived_at is None or action.archived_at >= cutoff


@dataclass(frozen=True)
class ActionState:
    """One action as it stood at an instant."""

    action: ActionRecord
    status: str
    rag: str
    due_on: date | None
    update: UpdateRecord | None
    original_due_on: date | None = None
    title: str = ""
    success_criteria: str = ""

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


def plan_as_at(history: PlanHistory, cutoff: datetime) -> dict[int, ActionState]:
    """Every action that existed at `cutoff`, keyed by id, as it stood then."""
    states = {}
    for action in history.actions:
        if not exists_at(action, cutoff):
            continue
        status, rag = status_and_rag_as_at(action, cutoff)
        title, success_criteria = wording_as_at(action, cutoff)
        states[action.id] = ActionState(
            action,
            status,
            rag,
            due_on_as_at(action, cutoff),
            latest_update(action, cutoff),
            original_due_on_as_at(action, cutoff),
            title,
            success_criteria,
        )
    return states


def is_overdue(state: ActionState, as_at: date) -> bool:
    return state.is_open and state.due_on is not None and state.due_on < as_at


def was_revised(state: ActionState) -> bool:
    """The due date in force differs from the plan's original one."""
    return state.original_due_on is not None and state.due_on is not None and state.due_on != state.original_due_on


def deadline_as_at(deadline: DeadlineRecord, as_at: date, cutoff: datetime) -> DeadlineRow:
    """Met (on time or late) if met by the as-at date; otherwise missed once its due date has passed.

    A deadline with no date as at the date (its anchor was not recorded) is neither due nor missed.
    """
    due_value = _value_in_force(deadline.due_on_changes, cutoff, _iso(deadline.due_on))
    due_on = as_date(due_value)
    met_on = deadline.met_on if deadline.met_on and deadline.met_on <= as_at else None
    if met_on is not None:
        state = "met" if due_on is None or met_on <= due_on else "met_late"
    elif due_on is None:
        state = "no_date"
    elif due_on < as_at:
        state = "missed"
    else:
        state = "due"
    return DeadlineRow(deadline.title, due_on, met_on, state, deadline.source, deadline.anchor_name)
