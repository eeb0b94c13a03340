"""Who owns actions: the people an action can be given to, and giving many actions one owner at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tracker.audit.services import apply_changes
from tracker.extensions import db
from tracker.models import Action, Inspection, User
from tracker.permissions import ROLES_THAT_OWN_ACTIONS


def owner_choices(current: User | None = None) -> list[User]:
    """Everyone who can own an action (active, not viewers; by name), and the current owner even if not.

    The current owner stays so that editing other fields does not force a reassignment.
    """
    query = (
        select(User).where(User.active.is_(True), User.role.in_(ROLES_THAT_OWN_ACTIONS)).order_by(User.name, User.id)
    )
    people = list(db.session.scalars(query))
    if current is not None and current not in people:
        people.append(current)
    return people


@dataclass(frozen=True)
class Assigned:
    """What a bulk assignment did: actions that changed owner, and chosen actions the person already owned."""

    newly_owned: int
    already_owned: int

    def message(self, name: str) -> str:
        """What the programme manager is told, `name` being the new owner's."""
        already, newly = self.already_owned, self.newly_owned
        if not newly:
            return f"{name} already owns {'the selected action' if already == 1 else f'all {already} selected actions'}"
        message = f"{name} now owns {newly} more action{'' if newly == 1 else 's'}"
        if already:
            message += f" ({already} of those selected {'was' if already == 1 else 'were'} already theirs)"
        return message


def bulk_assign(
    inspection: Inspection, action_ids: Sequence[int], owner: User, *, actor: User, lead_agency: str = ""
) -> Assigned:
    """Give the chosen actions of `inspection` one owner (and lead agency, if given)."""
    actions = db.session.scalars(
        select(Action).where(
            Action.inspection_id == inspection.id, Action.id.in_(list(action_ids)), Action.archived_at.is_(None)
        )
    )
    changes: dict[str, Any] = {"owner": owner}
    if lead_agency.strip():
        changes["lead_agency"] = lead_agency.strip()
    newly_owned = already_owned = 0
    for action in actions:
        if action.owner_id == owner.id:
            already_owned += 1
        changed = apply_changes(action, changes, actor=actor, inspection_id=inspection.id, note="Assigned with others")
        if "owner" in changed:
            newly_owned += 1
    db.session.flush()
    return Assigned(newly_owned, already_owned)
