"""Two people changing one action: a form carries the action's version from when it was opened, and a change
made on a stale form is refused rather than written over the other person's."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.models import Action

# The audit note on the status and RAG changes a progress update makes (the update itself says what changed).
PROGRESS_NOTE = "Progress update"


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
