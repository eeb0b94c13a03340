"""Who may do what. Every view carries one of these decorators; a test checks it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from tracker.models import Inspection, Role, User

F = TypeVar("F", bound=Callable[..., Any])

ALL_ROLES = tuple(Role)
STAFF_WHO_MANAGE = (Role.ADMIN, Role.PROGRAMME_MANAGER)
# Viewers read and change nothing, so they never own an action (DESIGN §9).
ROLES_THAT_OWN_ACTIONS = (Role.ADMIN, Role.PROGRAMME_MANAGER, Role.SERVICE_MANAGER)


def _mark(view: Callable[..., Any], rule: str) -> None:
    view.permission = rule  # type: ignore[attr-defined]


def public(view: F) -> F:
    """Open to anyone, signed in or not (sign-in page, password reset, health check)."""
    _mark(view, "public")
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed in with one of `roles`; anyone else gets 403 (or the sign-in page if signed out)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from tracker.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        _mark(wrapped, "roles:" + ",".join(sorted(role.value for role in roles)))
        return wrapped  # type: ignore[return-value]

    return decorator


signed_in = roles_required(*ALL_ROLES)
admin_only = roles_required(Role.ADMIN)
managers_only = roles_required(*STAFF_WHO_MANAGE)


def can_manage_inspection(user: User, inspection: Inspection) -> bool:
    """Admins manage every inspection; programme managers manage the inspections they run."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.PROGRAMME_MANAGER and any(m.id == user.id for m in inspection.managers)


def can_own_actions(user: User) -> bool:
    """Active people who may change things; a viewer or a deactivated person owns no action."""
    return user.active and user.role in ROLES_THAT_OWN_ACTIONS


def require_manage_inspection(user: User, inspection: Inspection) -> None:
    if not can_manage_inspection(user, inspection):
        abort(403)
