"""Recording changes: one AuditEvent per changed field."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

from tracker import clock
from tracker.extensions import db
from tracker.models import AuditEvent, User


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, User):
        return value.name
    return str(value)


def record_change(
    *,
    actor: User | None,
    entity: Any,
    field: str,
    old: Any,
    new: Any,
    inspection_id: int | None = None,
    note: str = "",
) -> AuditEvent | None:
    """Add an audit row when `old` and `new` differ; the caller's transaction keeps both or neither."""
    old_text, new_text = _as_text(old), _as_text(new)
    if old_text == new_text:
        return None
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        occurred_at=clock.now(),
        entity_type=type(entity).__tablename__,
        entity_id=entity.id,
        inspection_id=inspection_id,
        field=field,
        old_value=old_text,
        new_value=new_text,
        note=note,
    )
    db.session.add(event)
    return event


def apply_changes(
    entity: Any,
    changes: dict[str, Any],
    *,
    actor: User | None,
    inspection_id: int | None = None,
    note: str = "",
) -> list[str]:
    """Set each attribute that changes and record it; returns the names of fields that changed."""
    changed: list[str] = []
    for field, new in changes.items():
        old = getattr(entity, field)
        if record_change(
            actor=actor, entity=entity, field=field, old=old, new=new, inspection_id=inspection_id, note=note
        ):
            setattr(entity, field, new)
            changed.append(field)
    return changed


def history_for(entity_type: str, entity_ids: Iterable[int]) -> list[AuditEvent]:
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    ids = list(entity_ids)
    if not ids:
        return []
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id.in_(ids))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    return list(db.session.scalars(query))
