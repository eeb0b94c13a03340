"""Building the plan by hand: adding actions under a recommendation, editing them, moving them up and down the
list, and deleting (or archiving) them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from tracker import clock
from tracker.actions.services.versions import check_version, flush_or_conflict
from tracker.audit.services import apply_changes, record_change
from tracker.domain.action_order import Direction, moved, next_reference
from tracker.extensions import db
from tracker.models import Action, Inspection, PlanStatus, ProgressUpdate, Recommendation, User
from tracker.notices.services import tell_new_owners

EDITABLE_FIELDS = (
    "reference",
    "title",
    "description",
    "owner",
    "lead_agency",
    "start_on",
    "due_on",
    "success_criteria",
)


def recommendation_prefix(recommendation: Recommendation) -> str:
    """The number action references start with: the recommendation's own number, or its place in the list."""
    return recommendation.shown_number


def _sibling_references(recommendation_id: int) -> list[str]:
    return list(db.session.scalars(select(Action.reference).where(Action.recommendation_id == recommendation_id)))


def references_in_use(recommendation_id: int, *, except_action_id: int | None = None) -> frozenset[str]:
    """References already used under the recommendation (archived actions included), in lower case."""
    query = select(Action.reference).where(Action.recommendation_id == recommendation_id)
    if except_action_id is not None:
        query = query.where(Action.id != except_action_id)
    return frozenset(reference.strip().lower() for reference in db.session.scalars(query))


def same_action(recommendation_id: int, reference: str, title: str) -> Action | None:
    """An action already under the recommendation with this reference and title (a form sent twice)."""
    query = select(Action).where(
        Action.recommendation_id == recommendation_id,
        func.lower(Action.reference) == reference.strip().lower(),
        Action.title == title.strip(),
    )
    return db.session.scalars(query).first()


def suggested_reference(recommendation: Recommendation) -> str:
    return next_reference(recommendation_prefix(recommendation), _sibling_references(recommendation.id))


def _next_position(recommendation_id: int) -> int:
    highest = db.session.scalar(select(func.max(Action.position)).where(Action.recommendation_id == recommendation_id))
    return 0 if highest is None else highest + 1


def plan_is_agreed(inspection: Inspection) -> bool:
    return inspection.plan_status in (PlanStatus.PUBLISHED, PlanStatus.CLOSED)


def create_action(recommendation: Recommendation, fields: Mapping[str, Any], *, actor: User, note: str = "") -> Action:
    """Add an action at the end of `recommendation`'s list; its first due date is also its original one."""
    values = {name: fields[name] for name in EDITABLE_FIELDS if name in fields}
    reference = (values.pop("reference", "") or "").strip() or suggested_reference(recommendation)
    action = Action(
        recommendation=recommendation,
        inspection_id=recommendation.inspection_id,
        reference=reference,
        position=_next_position(recommendation.id),
        original_due_on=values.get("due_on"),
        **values,
    )
    db.session.add(action)
    db.session.flush()
    record_change(
        actor=actor,
        entity=action,
        field="created",
        old=None,
        new=f"{action.reference} {action.title}",
        inspection_id=action.inspection_id,
        note=note,
    )
    return action


def pending_changes(action: Action, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields in `fields` whose value differs from the action's."""
    changes = {name: fields[name] for name in EDITABLE_FIELDS if name in fields}
    return {name: value for name, value in changes.items() if getattr(action, name) != value}


def update_action(
    action: Action,
    fields: Mapping[str, Any],
    *,
    actor: User,
    expected_version: int | None = None,
    due_on_reason: str = "",
    note: str = "",
    tell_owner: bool = True,
) -> list[str]:
    """Save an edit made on a form opened at `expected_version`; raises ActionConflict if it is stale. A new
    owner is told (unless `tell_owner` is False: a batch tells each new owner once, of all theirs).

    Before the plan is published its due dates are still proposals, so the original due date
    follows the due date; afterwards it keeps what the published plan said. The reason for a
    new due date is the due date change's audit note, which the progress report prints; `note`
    is the other changes' (where they came from).
    """
    check_version(action, expected_version)
    changes = pending_changes(action, fields)
    if "due_on" in changes and not plan_is_agreed(action.inspection):
        changes["original_due_on"] = changes["due_on"]
    due_on = {"due_on": changes.pop("due_on")} if "due_on" in changes else {}
    changed = apply_changes(action, due_on, actor=actor, inspection_id=action.inspection_id, note=due_on_reason.strip())
    changed += apply_changes(action, changes, actor=actor, inspection_id=action.inspection_id, note=note)
    if changed:
        flush_or_conflict(action)
    if "owner" in changed and tell_owner:
        tell_new_owners([action], actor=actor)
    return changed


def move_action(action: Action, direction: Direction, *, actor: User) -> bool:
    """Swap the action with its neighbour under the same recommendation; False at either end."""
    siblings = list(
        db.session.scalars(
            select(Action)
            .where(Action.recommendation_id == action.recommendation_id, Action.archived_at.is_(None))
            .order_by(Action.position, Action.id)
        )
    )
    order = moved(siblings, action, direction)
    if order == siblings:
        return False
    for position, sibling in enumerate(order):
        apply_changes(sibling, {"position": position}, actor=actor, inspection_id=sibling.inspection_id)
    db.session.flush()
    return True


def has_progress(action: Action) -> bool:
    return (
        db.session.scalar(select(ProgressUpdate.id).where(ProgressUpdate.action_id == action.id).limit(1)) is not None
    )


def delete_action(action: Action, *, actor: User) -> str:
    """Delete an action, or archive it when it has progress history (the history is kept); returns which."""
    if has_progress(action):
        apply_changes(action, {"archived_at": clock.now()}, actor=actor, inspection_id=action.inspection_id)
        db.session.flush()
        return "archived"
    record_change(
        actor=actor,
        entity=action,
        field="deleted",
        old=f"{action.reference} {action.title}",
        new=None,
        inspection_id=action.inspection_id,
    )
    db.session.delete(action)
    db.session.flush()
    return "deleted"
