"""One action's page: its progress updates, its history in words, due-date warnings and pending requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.actions.due_dates import DueDateWarning, due_date_warnings, timescale_deadline
from tracker.actions.queries.shared import working_days_to_due
from tracker.domain.formatting import format_date
from tracker.extensions import db
from tracker.models import Action, ActionStatus, AuditEvent, DueDateRequestState, ProgressUpdate, Rag

FIELD_LABELS = {
    "created": "Created",
    "deleted": "Deleted",
    "reference": "Reference",
    "title": "Action",
    "description": "Description",
    "owner": "Owner",
    "lead_agency": "Lead agency",
    "start_on": "Start date",
    "due_on": "Due date",
    "original_due_on": "Original due date",
    "success_criteria": "Success criteria",
    "status": "Status",
    "rag": "RAG rating",
    "completed_on": "Completed on",
    "position": "Position in the list",
    "archived_at": "Archived",
    "request_state": "Revised due date request",
}
DATE_FIELDS = {"start_on", "due_on", "original_due_on", "completed_on"}


def display_value(field_name: str, value: str | None) -> str:
    """An audit value as people read it: dates in words, statuses and ratings by their labels."""
    if value is None or value == "":
        return "(none)"
    try:
        if field_name in DATE_FIELDS:
            return format_date(date.fromisoformat(value))
        if field_name == "archived_at":
            return format_date(datetime.fromisoformat(value))
        if field_name == "status":
            return ActionStatus(value).label
        if field_name == "rag":
            return Rag(value).label
        if field_name == "request_state":
            return DueDateRequestState(value).value.capitalize()
        if field_name == "position":
            return str(int(value) + 1)
    except ValueError:
        return value
    return value


@dataclass
class HistoryEntry:
    event: AuditEvent

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.event.field, self.event.field.replace("_", " ").capitalize())

    @property
    def old(self) -> str:
        return display_value(self.event.field, self.event.old_value)

    @property
    def new(self) -> str:
        return display_value(self.event.field, self.event.new_value)


@dataclass
class ActionPage:
    action: Action
    updates: list[ProgressUpdate]
    history: list[HistoryEntry]
    warnings: list[DueDateWarning]
    working_days_to_due: int | None
    pending_requests: list[ProgressUpdate]


def action_history(action: Action, update_ids: list[int]) -> list[HistoryEntry]:
    """Every recorded change to the action and to decisions on its progress updates, newest first."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(
            ((AuditEvent.entity_type == "actions") & (AuditEvent.entity_id == action.id))
            | ((AuditEvent.entity_type == "progress_updates") & AuditEvent.entity_id.in_(update_ids or [-1]))
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return [HistoryEntry(event) for event in db.session.scalars(query)]


def build_action_page(action: Action, today: date) -> ActionPage:
    # Their action is this one, already loaded: joining it to every update again only cost the ORM time.
    updates = list(
        db.session.scalars(
            select(ProgressUpdate)
            .options(joinedload(ProgressUpdate.author), joinedload(ProgressUpdate.decided_by))
            .where(ProgressUpdate.action_id == action.id)
            .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        )
    )
    deadline = timescale_deadline(action.recommendation)
    return ActionPage(
        action=action,
        updates=updates,
        history=action_history(action, [update.id for update in updates]),
        warnings=due_date_warnings(action.recommendation, action.due_on, deadline),
        working_days_to_due=working_days_to_due(action, today),
        pending_requests=[u for u in updates if u.request_state == DueDateRequestState.PENDING],
    )
