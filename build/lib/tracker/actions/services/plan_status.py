"""The plan's lifecycle: draft, consultation, published, closed. Publishing records the date and checks it
against the statutory deadline; a plan that leaves recommendations without actions goes out only when
someone says so."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker import clock
from tracker.actions.due_dates import action_plan_deadline
from tracker.audit.services import apply_changes
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.plan_lifecycle import PLAN_STATUS_LABELS, DeadlineOutcome, can_move, publication_outcome
from tracker.extensions import db
from tracker.models import Inspection, PlanStatus, StatutoryDeadline, User
from tracker.template_filters import format_date


def change_plan_status(
    inspection: Inspection, new_status: PlanStatus, *, actor: User, published_on: date | None = None
) -> DeadlineOutcome | None:
    """Move the plan on; publishing records the date and checks it against the statutory deadline.

    The action-plan deadline is marked met (met_on = the publication date) only when the plan
    was published on or before its due date; a late plan leaves the deadline as it was and shows as missed.
    """
    if not can_move(inspection.plan_status.value, new_status.value):
        raise ValueError(f"A {inspection.plan_status.value} plan cannot become {new_status.value}")
    changes: dict[str, Any] = {"plan_status": new_status}
    if new_status == PlanStatus.CLOSED:
        changes["closed_at"] = clock.now()
    elif new_status == PlanStatus.PUBLISHED and inspection.plan_status == PlanStatus.CLOSED:
        changes["closed_at"] = None
    elif new_status == PlanStatus.PUBLISHED:
        if published_on is None:
            raise ValueError("Publishing a plan needs its publication date")
        changes["plan_published_on"] = published_on
    apply_changes(inspection, changes, actor=actor, inspection_id=inspection.id)
    outcome = None
    if published_on is not None and "plan_published_on" in changes:
        outcome = _check_publication_deadline(inspection, published_on, actor)
    db.session.flush()
    return outcome


def _check_publication_deadline(inspection: Inspection, published_on: date, actor: User) -> DeadlineOutcome | None:
    deadline = action_plan_deadline(inspection.id)
    if deadline is None or deadline.due_on is None:
        return None
    outcome = publication_outcome(published_on, deadline.due_on, BANK_HOLIDAYS)
    if outcome.met:
        note = "Action plan published"
        apply_changes(deadline, {"met_on": published_on}, actor=actor, inspection_id=inspection.id, note=note)
    return outcome


def status_message(status: PlanStatus, outcome: DeadlineOutcome | None, deadline: StatutoryDeadline | None) -> str:
    """What the programme manager is told after moving the plan on (and, on publishing, whether it was in time)."""
    message = f"The action plan is now {PLAN_STATUS_LABELS[status.value].lower()}"
    if outcome is not None and deadline is not None:
        message += f". Statutory deadline ({format_date(deadline.due_on)}): {outcome.label.lower()}"
    return message
