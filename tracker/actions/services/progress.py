"""Recording progress on an action: status, RAG, narrative, evidence and perhaps a request for a revised due
date, checked against the rules in tracker.domain.progress. The signed-in page and the email link both use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker import clock
from tracker.actions.due_dates import suggested_rag
from tracker.actions.services.versions import PROGRESS_NOTE, check_progress_marks, check_version, flush_or_conflict
from tracker.audit.services import apply_changes
from tracker.domain.progress import ProgressInput, progress_errors
from tracker.domain.rag import STATUSES
from tracker.extensions import db
from tracker.models import Action, ActionStatus, DueDateRequestState, ProgressUpdate, Rag, User
from tracker.notices.services import tell_managers_of_request
from tracker.numbers import whole_number


class InvalidProgress(ValueError):
    """A progress update that breaks the rules in tracker.domain.progress."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class ProgressSubmission:
    """A progress update as submitted, checked against the action it is for."""

    update: ProgressInput
    expected_version: int | None
    # What the form had seen when it was opened (tracker.actions.conflicts.seen_marks), if it came from one.
    seen: str


def _submission(data: Mapping[str, Any]) -> ProgressSubmission:
    version = data.get("version")
    return ProgressSubmission(
        update=ProgressInput(
            status=str(data.get("status") or ""),
            rag=str(data.get("rag") or ""),
            narrative=str(data.get("narrative") or ""),
            evidence_links=str(data.get("evidence_links") or ""),
            requested_due_on=data.get("requested_due_on"),
            request_reason=str(data.get("request_reason") or ""),
        ),
        expected_version=whole_number(str(version)) if version not in (None, "") else None,
        seen=str(data.get("seen") or ""),
    )


def progress_problems(action: Action, data: Mapping[str, Any], today: date) -> dict[str, str]:
    """The rule-breaking parts of a progress update for `action`, by field."""
    update = _submission(data).update
    suggested = suggested_rag(action, update.status, today) if update.status in STATUSES else ""
    return progress_errors(
        update,
        suggested_rag=suggested,
        current_due_on=action.due_on,
        published_on=action.inspection.published_on,
        today=today,
    )


def record_progress(
    action: Action,
    author: User,
    data: Mapping[str, Any],
    via_email_link: bool = False,
    *,
    via_spreadsheet: bool = False,
) -> ProgressUpdate:
    """Append a progress update; it sets the action's status, RAG, completion date and last progress time.

    `data` holds status, rag, narrative, evidence_links, requested_due_on, request_reason and,
    from a form, what it had `seen` when opened: a progress update or a change of status, RAG, owner or due
    date made since raises ActionConflict, other changes merge (without `seen`, any change since `version` does).
    Raises InvalidProgress when the update breaks the rules (tracker.domain.progress).
    """
    submission = _submission(data)
    today = clock.today()
    errors = progress_problems(action, data, today)
    if errors:
        raise InvalidProgress(errors)
    if submission.seen:
        check_progress_marks(action, submission.seen)
    else:
        check_version(action, submission.expected_version)
    update = submission.update
    status, rag = ActionStatus(update.status), Rag(update.rag)
    now = clock.now()
    row = ProgressUpdate(
        action=action,
        inspection_id=action.inspection_id,
        author_id=author.id,
        created_at=now,
        status=status,
        rag=rag,
        narrative=update.narrative.strip(),
        evidence_links="\n".join(line.strip() for line in update.evidence_links.splitlines() if line.strip()),
        via_email_link=via_email_link,
        via_spreadsheet=via_spreadsheet,
        requested_due_on=update.requested_due_on,
        request_reason=update.request_reason.strip() if update.requested_due_on else "",
        request_state=DueDateRequestState.PENDING if update.requested_due_on else None,
    )
    db.session.add(row)
    completed_on = action.completed_on or today if status == ActionStatus.COMPLETE else None
    apply_changes(
        action,
        {"status": status, "rag": rag, "completed_on": completed_on},
        actor=author,
        inspection_id=action.inspection_id,
        note=PROGRESS_NOTE,
    )
    action.last_progress_at = now
    flush_or_conflict(action)
    if row.requested_due_on is not None:
        tell_managers_of_request(row)
    return row
