"""Updating a plan's actions from an edited copy of its spreadsheet: the actions as the rows are compared with,
and saving what the rows change (tracker.domain.plan_updates says what each row changes)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.actions.due_dates import suggested_rag
from tracker.actions.queries.shared import live_actions_with_latest_narrative
from tracker.actions.services.editing import recommendation_prefix, update_action
from tracker.actions.services.plan_import import import_rows, import_summary, owners_by_email, record_import
from tracker.actions.services.progress import InvalidProgress, record_progress
from tracker.domain.plan_rows import PlanRow
from tracker.domain.plan_updates import ExistingAction, RowUpdate
from tracker.domain.vocabulary import STATUSES
from tracker.extensions import db
from tracker.models import Action, AuditEvent, Inspection, User
from tracker.notices.services import tell_new_owners


@dataclass(frozen=True)
class ImportOutcome:
    """What a confirmed import did, and what it tells the person."""

    created: int
    updated: int
    invalid: int
    message: str


class UpdateRefused(ValueError):
    """A row that cannot be saved after all (the action changed as it was being saved); nothing is saved."""


def existing_actions(inspection: Inspection, today: date, in_sheet: Collection[int]) -> dict[int, ExistingAction]:
    """The plan's live actions as a sheet's rows are compared with them, by id (one query). Only the actions the
    sheet names (`in_sheet`) get the ratings the progress form would suggest (counting working days takes time)."""
    query = live_actions_with_latest_narrative(inspection.id).options(joinedload(Action.recommendation))
    return {
        action.id: _as_existing(action, narrative, today if action.id in in_sheet else None)
        for action, narrative in db.session.execute(query)
    }


def _as_existing(action: Action, narrative: str | None, today: date | None) -> ExistingAction:
    return ExistingAction(
        id=action.id,
        version=action.version,
        recommendation=recommendation_prefix(action.recommendation),
        reference=action.reference,
        title=action.title,
        description=action.description,
        owner_email=action.owner.email.lower() if action.owner else "",
        lead_agency=action.lead_agency,
        start_on=action.start_on,
        due_on=action.due_on,
        success_criteria=action.success_criteria,
        status=action.status.value,
        rag=action.rag.value if action.rag else None,
        latest_progress=narrative or "",
        suggested={status: suggested_rag(action, status, today) for status in STATUSES} if today else {},
    )


def last_changes(action_ids: Iterable[int]) -> dict[int, AuditEvent]:
    """The newest change in the history of each action, by action id (one query): who changed a conflict's action."""
    ids = sorted(set(action_ids))
    if not ids:
        return {}
    newest = (
        select(func.max(AuditEvent.id))
        .where(AuditEvent.entity_type == Action.__tablename__, AuditEvent.entity_id.in_(ids))
        .group_by(AuditEvent.entity_id)
    )
    events = db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor)).where(AuditEvent.id.in_(newest))
    )
    return {event.entity_id: event for event in events}


def apply_updates(updates: Iterable[RowUpdate], *, actor: User, filename: str, due_date_reason: str) -> int:
    """Save each row's changes as the person importing: its progress first (checked against the action as it was
    downloaded), then its fields, a new due date with the batch's reason. Returns how many actions changed."""
    chosen = [update for update in updates if update.changes]
    owners = owners_by_email({u.values["owner_email"] for u in chosen if u.values.get("owner_email")})
    note = f"From a spreadsheet ({filename})"
    reowned: list[Action] = []
    for update in chosen:
        action = db.session.get_one(Action, update.action.id)
        if update.progress is not None:
            progress: dict[str, Any] = {
                "status": update.progress.status,
                "rag": update.progress.rag,
                "narrative": update.progress.narrative,
            }
            try:
                record_progress(action, actor, progress, via_spreadsheet=True)
            except InvalidProgress as problem:
                raise UpdateRefused(f"Row {update.row.line}: {problem}") from None
        fields = {key: value for key, value in update.values.items() if key != "owner_email"}
        if "owner_email" in update.values:
            fields["owner"] = owners.get(update.values["owner_email"])
        changed = update_action(action, fields, actor=actor, due_on_reason=due_date_reason, note=note, tell_owner=False)
        if "owner" in changed:
            reowned.append(action)
    tell_new_owners(reowned, actor=actor)  # one email for each new owner, listing all theirs
    return len(chosen)


def save_import(
    inspection: Inspection,
    rows: Sequence[PlanRow],
    updates: Mapping[int, RowUpdate],
    *,
    chosen: Collection[int],
    actor: User,
    filename: str,
    due_date_reason: str,
    token: str,
) -> ImportOutcome:
    """Save a checked sheet: the changes of its rows that name actions (a conflict's only when its action is
    `chosen`), then its new actions, and record the import under the preview's `token` so it happens once."""
    applied = [u for u in updates.values() if u.changes and (not u.conflict or u.action.id in chosen)]
    updated = apply_updates(applied, actor=actor, filename=filename, due_date_reason=due_date_reason)
    created = import_rows(inspection, rows, actor=actor, filename=filename)
    summary = import_summary(created, updated)
    record_import(inspection, actor=actor, summary=summary, filename=filename, token=token)
    invalid = sum(1 for row in rows if not row.is_valid)
    conflicts = sum(1 for u in updates.values() if u.changes and u.conflict and u.action.id not in chosen)
    skipped = ([f"{invalid} skipped"] if invalid else []) + (
        [f"{conflicts} changed in the tracker since the download not updated"] if conflicts else []
    )
    message = f"{summary} {'from' if updated else 'imported from'} {filename}" + "".join(f"; {s}" for s in skipped)
    return ImportOutcome(created, updated, invalid, message)
