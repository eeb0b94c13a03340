"""A downloaded plan, edited and uploaded again: what each row changes in the action its Tracker ID names.

A row is compared with the action as it is now. Blank dates, status and rating leave the action as it is;
other cells say what the action should say. A change to the status, the rating or the latest progress is a
progress update with the progress form's rules (tracker.domain.progress). A row whose action changed in the
tracker after the sheet was downloaded (its version moved on) is a conflict: the sheet may hold the old values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from tracker.domain.formatting import format_date
from tracker.domain.plan_rows import PlanRow
from tracker.domain.progress import ProgressInput, progress_errors
from tracker.domain.vocabulary import CLOSED_STATUSES, RAG_WORDS, STATUS_LABELS, Rag

# The action's own fields a row can change, in the order the preview lists them, with their labels.
ACTION_FIELDS: Final = {
    "reference": "Reference",
    "title": "Action",
    "description": "Description",
    "owner_email": "Owner",
    "lead_agency": "Lead agency",
    "start_on": "Start date",
    "due_on": "Due date",
    "success_criteria": "Success criteria",
}
PROGRESS_FIELDS: Final = {"status": "Status", "rag": "RAG", "latest_progress": "Latest progress"}
# Blank in the sheet means "as it is": an action keeps its dates, status and rating.
KEEP_WHEN_BLANK: Final = frozenset({"start_on", "due_on", "status", "rag"})


@dataclass(frozen=True)
class ExistingAction:
    """An action of the plan as it is now, in the sheet's terms (owner by email, status and RAG as values)."""

    id: int
    version: int
    recommendation: str
    reference: str
    title: str
    description: str
    owner_email: str
    lead_agency: str
    start_on: date | None
    due_on: date | None
    success_criteria: str
    status: str
    rag: str | None
    latest_progress: str
    # The rating the progress form would suggest for each status.
    suggested: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    old: str
    new: str


@dataclass
class RowUpdate:
    """What one row changes in its action: the values to save, a progress update, and whether it conflicts."""

    row: PlanRow
    action: ExistingAction
    changes: list[FieldChange]
    values: dict[str, Any]
    progress: ProgressInput | None
    conflict: bool

    @property
    def changes_due_date(self) -> bool:
        return "due_on" in self.values


def _shown(key: str, value: Any) -> str:
    if key in ("start_on", "due_on"):
        return format_date(value, "none")
    if key == "status":
        return STATUS_LABELS.get(value, value or "none")
    if key == "rag":
        return RAG_WORDS.get(value, "none") if value else "none"
    return str(value) if value else "none"


def _sheet_value(row: PlanRow, action: ExistingAction, key: str) -> Any:
    if key in KEEP_WHEN_BLANK and key in row.blank:
        return getattr(action, key)
    return getattr(row, key)


def _progress(row: PlanRow, action: ExistingAction, changed: set[str]) -> ProgressInput | None:
    """The progress update the row makes, if its status, rating or latest progress differs from the action's.

    A blank rating with a new status takes the rating suggested for it, as the progress form does."""
    if not changed & set(PROGRESS_FIELDS):
        return None
    status = _sheet_value(row, action, "status")
    rag = row.rag or (action.rag if "status" not in changed else None) or action.suggested.get(status, "")
    if not row.rag and status in CLOSED_STATUSES:
        rag = Rag.BLUE
    return ProgressInput(status=status, rag=rag or "", narrative=row.latest_progress)


def compare_row(row: PlanRow, action: ExistingAction) -> RowUpdate:
    """The row's changes to `action`; the progress rules' complaints become the row's errors."""
    changes: list[FieldChange] = []
    values: dict[str, Any] = {}
    changed: set[str] = set()
    for key, label in {**ACTION_FIELDS, **PROGRESS_FIELDS}.items():
        old, new = getattr(action, key), _sheet_value(row, action, key)
        if (old or None) != (new or None):
            changed.add(key)
            changes.append(FieldChange(key, label, _shown(key, old), _shown(key, new)))
    values = {change.key: _sheet_value(row, action, change.key) for change in changes if change.key in ACTION_FIELDS}
    progress = _progress(row, action, changed)
    if progress is not None:
        if "rag" not in changed and progress.rag != (action.rag or ""):
            # A blank rating takes the one the new status suggests: show it as a change too.
            at = next((i for i, change in enumerate(changes) if change.key == "latest_progress"), len(changes))
            changes.insert(at, FieldChange("rag", "RAG", _shown("rag", action.rag), _shown("rag", progress.rag)))
        suggested = action.suggested.get(progress.status, "")
        for problem in progress_errors(progress, suggested_rag=suggested).values():
            where = " in “Latest progress”" if problem.startswith("Enter a narrative") else ""
            row.errors.append(problem + where)
    conflict = bool(changes) and row.sheet_version != action.version
    return RowUpdate(row, action, changes, values, progress, conflict)


def compare_rows(rows: Iterable[PlanRow], actions: Mapping[int, ExistingAction]) -> dict[int, RowUpdate]:
    """Each valid row with a Tracker ID of the plan compared with its action, by the row's line number; a row the
    progress rules refuse gets its errors and is left out, like every row with problems."""
    compared = (
        compare_row(row, actions[row.action_id])
        for row in rows
        if row.is_valid and row.action_id is not None and row.action_id in actions
    )
    return {update.row.line: update for update in compared if update.row.is_valid}
