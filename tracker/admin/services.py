"""Queries and changes behind the people pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.audit.services import apply_changes
from tracker.extensions import db
from tracker.models import Role, User


def list_users() -> list[User]:
    query = select(User).options(joinedload(User.line_manager)).order_by(User.active.desc(), User.name)
    return list(db.session.scalars(query))


def line_manager_choices(exclude_user_id: int | None) -> list[User]:
    query = select(User).where(User.active.is_(True)).order_by(User.name)
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    return list(db.session.scalars(query))


def email_in_use(email: str) -> bool:
    query = select(func.count()).select_from(User).where(func.lower(User.email) == email.strip().lower())
    return bool(db.session.scalar(query))


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
    return apply_changes(user, changes, actor=actor)
