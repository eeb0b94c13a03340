"""Two people changing one action: a form carries the action's version from when it was opened, and a change
made on a stale form is refused rather than written over the other person's."""

from __future__ import annotations

from functools import cache

from sqlalchemy import inspect, select
from sqlalchemy.orm.exc import StaleDataError

# The audit note on the status and RAG changes a progress update makes (the update itself says what changed).
from tracker.domain.change_sentences import PROGRESS_NOTE as PROGRESS_NOTE
from tracker.extensions import db
from tracker.models import Action, AuditEvent, ProgressUpdate
from tracker.numbers import whole_number

# What a progress update depends on: a change to one of these made after the progress form was opened makes the
# update stale. A change to anything else (the title, success criteria, description...) does not: the two merge.
PROGRESS_FIELDS = frozenset({"status", "rag", "owner", "due_on", "completed_on", "archived_at"})


class ActionConflict(Exception):
    """Someone else changed the action after the form was opened (its version moved on)."""

    def __init__(self, action_id: int) -> None:
        super().__init__(f"Action {action_id} changed since the form was opened")
        self.action_id = action_id


def check_version(action: Action, expected_version: int | None) -> None:
    if expected_version is not None and action.version != expected_version:
        raise ActionConflict(action.id)


def flush_or_conflict(action: Action) -> None:
    # A concurrent request can commit between our read and our UPDATE; the version column catches it.
    action_id = action.id  # read first: the failed flush expires the object and the session cannot reload it
    try:
        db.session.flush()
    except StaleDataError:
        raise ActionConflict(action_id) from None


def parse_marks(seen: str) -> tuple[int, int]:
    """The newest audit row and progress update a form had seen when it was opened ("audit:update")."""
    audit, _, update = (seen or "").partition(":")
    return (whole_number(audit) or 0, whole_number(update) or 0)


@cache
def _own_columns() -> tuple[str, ...]:
    """The Action's column attributes, listed once per process rather than on every progress update."""
    return tuple(column.key for column in inspect(Action).column_attrs)


def check_progress_marks(action: Action, seen: str) -> None:
    """Refuse a progress update from a form opened at `seen` only for a real conflict: another progress update,
    or a change of status, RAG, owner or due date made since (PROGRESS_FIELDS). The action's row is locked first
    (on PostgreSQL), so a change committed while this runs is either seen here or waits for this transaction."""
    # Locked and read again in one statement: its own columns alone. A whole refresh would join again everything
    # the action was loaded with (inspection, managers, owner, recommendation; issue 17), none of which the lock
    # covers or the check below reads.
    db.session.refresh(action, attribute_names=_own_columns(), with_for_update={"of": Action})
    audit_mark, update_mark = parse_marks(seen)
    newer_update = select(ProgressUpdate.id).where(
        ProgressUpdate.action_id == action.id, ProgressUpdate.id > update_mark
    )
    conflicting_change = select(AuditEvent.id).where(
        AuditEvent.entity_type == Action.__tablename__,
        AuditEvent.entity_id == action.id,
        AuditEvent.id > audit_mark,
        AuditEvent.field.in_(sorted(PROGRESS_FIELDS)),
    )
    if db.session.scalar(select(newer_update.exists() | conflicting_change.exists())):
        raise ActionConflict(action.id)
