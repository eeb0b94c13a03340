"""Queries and changes behind the people pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker import clock, security_log, throttling
from tracker.audit.services import apply_changes, record_change
from tracker.auth import services as auth_services
from tracker.auth import sessions
from tracker.auth.services import cancel_tokens
from tracker.extensions import db
from tracker.models import Action, Inspection, Role, User, inspection_managers, is_open
from tracker.permissions import ROLES_THAT_OWN_ACTIONS
from tracker.template_filters import format_datetime


def list_users() -> list[User]:
    query = select(User).options(joinedload(User.line_manager)).order_by(User.active.desc(), User.name)
    return list(db.session.scalars(query))


def people_for_export() -> list[dict[str, Any]]:
    """Everyone with an account as plain values, for `flask users list` (two queries, and one more
    for each person whose sign-in is slowed down now)."""
    waiting = throttling.keys_waiting()
    people = []
    for user in db.session.scalars(select(User).order_by(User.email)):
        delay = (
            auth_services.sign_in_delay(user)
            if throttling.counter_key(throttling.SIGN_IN_ACCOUNT, user.email) in waiting
            else None
        )
        people.append(
            {
                "id": user.id,
                "email": user.email,
                "name": user.name,
                "role": user.role.value,
                "active": user.active,
                "invited": user.password_hash is None,
                "job_title": user.job_title,
                "organisation": user.organisation,
                "last_sign_in_at": clock.as_utc(user.last_login_at).isoformat() if user.last_login_at else None,
                "sign_in_delayed_until": delay[0].isoformat() if delay else None,
            }
        )
    return people


def line_manager_choices(exclude_user_id: int | None) -> list[User]:
    query = select(User).where(User.active.is_(True)).order_by(User.name)
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    return list(db.session.scalars(query))


def email_in_use(email: str) -> bool:
    query = select(func.count()).select_from(User).where(func.lower(User.email) == email.strip().lower())
    return bool(db.session.scalar(query))


def details_fingerprint(user: User) -> str:
    """A digest of what the edit form changes: equal on two loads of the page unless someone saved between them
    (signing in, which touches other columns, does not count)."""
    details = (
        user.name, user.job_title, user.organisation, user.role.value, user.line_manager_id,
        user.digest_preference.value, user.active,
    )  # fmt: skip
    return hashlib.sha256(repr(details).encode()).hexdigest()[:32]


def update_user(user: User, data: dict[str, Any], *, actor: User) -> list[str]:
    """Apply the edit form, recording each changed field in the history."""
    manager_id = data["line_manager_id"] or None
    if manager_id == user.id:
        manager_id = None
    changes = {
        "name": data["name"],
        "job_title": data["job_title"] or "",
        "organisation": data["organisation"] or "",
        "role": Role(data["role"]),
        "line_manager_id": manager_id,
        "digest_preference": data["digest_preference"],
        "active": bool(data["active"]),
    }
    changed = apply_changes(user, changes, actor=actor)
    if "active" in changed and not user.active:
        cancel_tokens(user)
        sessions.end_all(user)
    return changed


def log_person_changes(user: User, changed: list[str], *, old_role: Role) -> None:
    """The security events for a saved change of role or active flag (after the commit)."""
    if "role" in changed:
        security_log.event("role_changed", user_id=user.id, old_role=old_role.value, new_role=user.role.value)
    if "active" in changed:
        security_log.event(
            "active_changed", user_id=user.id, active=user.active, open_actions=count_open_actions_owned(user)
        )


def set_role(user: User, role: Role, *, actor: User | None, note: str = "") -> bool:
    """Change the person's role, recorded in the history; the caller has checked the handover."""
    return bool(apply_changes(user, {"role": role}, actor=actor, note=note))


def deactivate(user: User, *, actor: User | None, note: str = "") -> bool:
    """Stop the person signing in: their links stop working and every session ends (recorded in the history)."""
    if not apply_changes(user, {"active": False}, actor=actor, note=note):
        return False
    cancel_tokens(user)
    sessions.end_all(user)
    return True


def count_active_admins() -> int:
    query = select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True))
    return db.session.scalar(query) or 0


@dataclass(frozen=True)
class Handover:
    """What a person must hand over before their role can change."""

    open_action_count: int
    inspections: list[Inspection]

    def __bool__(self) -> bool:
        return bool(self.open_action_count or self.inspections)


def count_open_actions_owned(user: User) -> int:
    query = select(func.count()).where(Action.owner_id == user.id, is_open(), Action.archived_at.is_(None))
    return db.session.scalar(query) or 0


def inspections_run_by(user: User) -> list[Inspection]:
    query = (
        select(Inspection)
        .join(inspection_managers)
        .where(inspection_managers.c.user_id == user.id)
        .order_by(Inspection.title)
    )
    return list(db.session.scalars(query))


def handover_before_role_change(user: User, new_role: Role) -> Handover:
    """What `user` owns or runs that `new_role` may not: viewers never own actions, and only programme
    managers run inspections."""
    if new_role == user.role:
        return Handover(0, [])
    owned = count_open_actions_owned(user) if new_role not in ROLES_THAT_OWN_ACTIONS else 0
    runs = inspections_run_by(user) if new_role != Role.PROGRAMME_MANAGER else []
    return Handover(owned, runs)


def sign_in_delay(user: User) -> tuple[datetime, int] | None:
    """Until when sign-in with the person's address must wait after wrong passwords, and after how many
    attempts, or None when it need not."""
    return auth_services.sign_in_delay(user)


def clear_sign_in_delay(user: User, *, actor: User | None, note: str = "Cleared by an administrator") -> bool:
    """Let the next sign-in with the person's address be checked at once (recorded in the history); the count of
    attempts starts again. Limits on the client address stay. True if sign-in was being held up."""
    delay = sign_in_delay(user)
    if delay is not None:
        until, attempts = delay
        old = f"{attempts} attempts, next allowed from {format_datetime(until, current_app.config['TRACKER_TIMEZONE'])}"
        record_change(actor=actor, entity=user, field="sign_in_delay", old=old, new="cleared", note=note)
    auth_services.clear_sign_in_delay(user)
    return delay is not None


def sign_out_everywhere(user: User, *, actor: User) -> int:
    """End every session of the person (recorded in the history); returns how many there were."""
    count = sessions.end_all(user)
    if count:
        record_change(
            actor=actor, entity=user, field="sessions", old=f"signed in on {count}", new="signed out everywhere"
        )
    return count
