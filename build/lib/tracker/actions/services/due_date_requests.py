"""Deciding an owner's request for a revised due date: approved, the due date moves and the original is kept;
declined, it stays."""

from __future__ import annotations

from typing import Any

from tracker import clock
from tracker.actions.services.versions import flush_or_conflict
from tracker.audit.services import apply_changes, record_change
from tracker.models import Action, DueDateRequestState, ProgressUpdate, User
from tracker.template_filters import format_date

ALREADY_DECIDED = "This request has already been decided"


class AlreadyDecided(ValueError):
    """The request was approved or declined before (by someone else, or by this form sent twice)."""

    def __init__(self) -> None:
        super().__init__(ALREADY_DECIDED)


def decide_due_date_request(update: ProgressUpdate, *, approve: bool, actor: User, note: str = "") -> None:
    """Approve (the due date moves, the original is kept) or decline a pending revised due date."""
    if update.request_state != DueDateRequestState.PENDING:
        raise AlreadyDecided()
    action = update.action
    state = DueDateRequestState.APPROVED if approve else DueDateRequestState.DECLINED
    record_change(
        actor=actor,
        entity=update,
        field="request_state",
        old=update.request_state,
        new=state,
        inspection_id=action.inspection_id,
        note=note.strip(),
    )
    update.request_state = state
    update.decided_by_id = actor.id
    update.decided_at = clock.now()
    update.decision_note = note.strip()
    if approve:
        changes: dict[str, Any] = {"due_on": update.requested_due_on}
        if action.original_due_on is None:
            changes["original_due_on"] = action.due_on
        note_text = f"Revised due date approved: {update.request_reason}"
        apply_changes(action, changes, actor=actor, inspection_id=action.inspection_id, note=note_text)
    flush_or_conflict(action)


def decision_message(action: Action, *, approved: bool) -> str:
    """What the programme manager is told after deciding."""
    if approved:
        return f"Revised due date approved: {action.reference} is now due {format_date(action.due_on)}"
    return f"Revised due date declined: {action.reference} is still due {format_date(action.due_on)}"
