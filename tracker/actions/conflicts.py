"""Two people, one action: what a form had seen when it was opened, what others changed since, the values
they changed, and whether a rejected progress update repeats one already saved (a double click)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.actions.queries.action_page import HistoryEntry
from tracker.actions.queries.shared import updates_query
from tracker.actions.services.versions import PROGRESS_NOTE, parse_marks
from tracker.clock import as_utc
from tracker.domain.formatting import format_date
from tracker.extensions import db
from tracker.models import AuditEvent, ProgressUpdate, User


@dataclass
class OtherChange:
    """Someone else's change made after a form was opened."""

    by: str
    at: datetime
    lines: list[str]


def seen_marks(action_id: int) -> str:
    """The newest audit row and progress update of an action when a form is opened, as "audit:update"."""
    audit = db.session.scalar(
        select(func.max(AuditEvent.id)).where(AuditEvent.entity_type == "actions", AuditEvent.entity_id == action_id)
    )
    update = db.session.scalar(select(func.max(ProgressUpdate.id)).where(ProgressUpdate.action_id == action_id))
    return f"{audit or 0}:{update or 0}"


def _progress_change(update: ProgressUpdate) -> OtherChange:
    lines = [f"Progress update: {update.status.label}, {update.rag.label}"]
    if update.narrative:
        lines.append(f"“{update.narrative}”")
    if update.requested_due_on:
        lines.append(f"Asked for a revised due date of {format_date(update.requested_due_on)}")
    return OtherChange(update.author.name if update.author else "Someone", as_utc(update.created_at), lines)


def newer_progress(action_id: int, seen: str) -> list[ProgressUpdate]:
    _, update_mark = parse_marks(seen)
    return list(
        db.session.scalars(
            updates_query()
            .where(ProgressUpdate.action_id == action_id, ProgressUpdate.id > update_mark)
            .order_by(ProgressUpdate.id)
        )
    )


def changes_since(action_id: int, seen: str) -> list[OtherChange]:
    """What others changed on the action after a form was opened at `seen`, oldest first."""
    audit_mark, _ = parse_marks(seen)
    events = db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.entity_type == "actions", AuditEvent.entity_id == action_id, AuditEvent.id > audit_mark)
        .order_by(AuditEvent.id)
    )
    changes: list[OtherChange] = []
    current: OtherChange | None = None
    current_actor: int | None = -1
    for event in events:
        if event.note == PROGRESS_NOTE:
            continue  # the progress update itself says this, below
        if current is None or event.actor_id != current_actor:
            current = OtherChange(event.actor.name if event.actor else "Someone", as_utc(event.occurred_at), [])
            current_actor = event.actor_id
            changes.append(current)
        entry = HistoryEntry(event)
        current.lines.append(f"{entry.label}: {entry.old} → {entry.new}")
    changes.extend(_progress_change(update) for update in newer_progress(action_id, seen))
    return sorted(changes, key=lambda change: change.at)


def values_before(action_id: int, seen: str) -> dict[str, str | None]:
    """Each field others changed after a form was opened at `seen`, with the value it had then (as audited)."""
    audit_mark, _ = parse_marks(seen)
    rows = db.session.execute(
        select(AuditEvent.field, AuditEvent.old_value)
        .where(AuditEvent.entity_type == "actions", AuditEvent.entity_id == action_id, AuditEvent.id > audit_mark)
        .order_by(AuditEvent.id)
    )
    before: dict[str, str | None] = {}
    for field_name, old_value in rows:
        before.setdefault(field_name, old_value)
    return before


def is_repeat_of(update: ProgressUpdate, author: User, data: Mapping[str, Any]) -> bool:
    """Whether `update` is the same progress, from the same person, as `data` (a double-clicked submit)."""
    links = "\n".join(line.strip() for line in str(data.get("evidence_links") or "").splitlines() if line.strip())
    return (
        update.author_id == author.id
        and update.status.value == data.get("status")
        and update.rag.value == data.get("rag")
        and update.narrative == str(data.get("narrative") or "").strip()
        and update.evidence_links == links
        and update.requested_due_on == data.get("requested_due_on")
    )
