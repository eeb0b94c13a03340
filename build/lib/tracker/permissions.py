"""Who may do what. Every view carries one of these decorators; a test checks it.

Role rules (`signed_in`, `managers_only`, `admin_only`) decide on the person alone. Object rules
(`requires(MANAGES_INSPECTION)` …) decide on the record the URL names: the decorator loads it (a 404 when
there is none), checks the person against it (a 403), and hands it to the view in place of its id. The
route-access test reads every route's declared rule (`declared_object_rules`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, request
from flask_login import current_user

from tracker import loaders
from tracker.models import Action, ImportDraft, Inspection, ProgressReport, ReportState, Role, User

F = TypeVar("F", bound=Callable[..., Any])

ALL_ROLES = tuple(Role)
STAFF_WHO_MANAGE = (Role.ADMIN, Role.PROGRAMME_MANAGER)
# Viewers read and change nothing, so they never own an action (DESIGN §9).
ROLES_THAT_OWN_ACTIONS = (Role.ADMIN, Role.PROGRAMME_MANAGER, Role.SERVICE_MANAGER)


def _mark(view: Callable[..., Any], rule: str) -> None:
    view.permission = rule  # type: ignore[attr-defined]


def _unauthorized() -> Any:
    from tracker.extensions import login_manager

    return login_manager.unauthorized()


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
                return _unauthorized()
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


def can_update_progress(user: User, action: Action) -> bool:
    """The action's owner (unless a viewer), whoever manages its inspection, and administrators."""
    is_owner = action.owner_id == user.id and can_own_actions(user)
    return is_owner or can_manage_inspection(user, action.inspection)


def manages_inspection(user: User, inspection: Inspection) -> bool:
    """For templates: whether `user` (perhaps signed out) may change `inspection`'s plan."""
    return user.is_authenticated and can_manage_inspection(user, inspection)


# Object rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectRule:
    """Who may use a route, decided on the record its URL names.

    `argument` is the URL's id (`inspection_id`), `keyword` the view's parameter that gets the loaded
    record (`inspection`). People whose role is not in `roles` are refused before anything is loaded.
    """

    name: str
    argument: str
    keyword: str
    load: Callable[[int], Any]
    allows: Callable[[User, Any], bool]
    roles: tuple[Role, ...] = ALL_ROLES


def _anyone(_user: User, _record: Any) -> bool:
    return True


def _reads_report(user: User, report: ProgressReport) -> bool:
    """Everyone signed in reads issued reports; drafts are for those who manage the inspection."""
    return report.state == ReportState.ISSUED or can_manage_inspection(user, report.inspection)


def _draft_for_request(draft_id: int) -> ImportDraft | None:
    """The import under review. A post from a review page whose import was saved or discarded meanwhile gets
    None (the view says the page is out of date); a GET of a missing one is a 404."""
    if request.method == "GET":
        return loaders.load_import_draft(draft_id)
    return loaders.find_import_draft(draft_id)


READS_INSPECTION = ObjectRule("reads the inspection", "inspection_id", "inspection", loaders.load_inspection, _anyone)
MANAGES_INSPECTION = ObjectRule(
    "manages the inspection",
    "inspection_id",
    "inspection",
    loaders.load_inspection,
    can_manage_inspection,
    STAFF_WHO_MANAGE,
)
READS_ACTION = ObjectRule("reads the action", "action_id", "action", loaders.load_action, _anyone)
UPDATES_ACTION = ObjectRule(
    "owns the action or manages its inspection", "action_id", "action", loaders.load_action, can_update_progress
)
MANAGES_ACTION = ObjectRule(
    "manages the action's inspection",
    "action_id",
    "action",
    loaders.load_action,
    lambda user, action: can_manage_inspection(user, action.inspection),
    STAFF_WHO_MANAGE,
)
MANAGES_RECOMMENDATION = ObjectRule(
    "manages the recommendation's inspection",
    "recommendation_id",
    "recommendation",
    loaders.load_recommendation,
    lambda user, recommendation: can_manage_inspection(user, recommendation.inspection),
    STAFF_WHO_MANAGE,
)
STARTED_IMPORT = ObjectRule(
    "started the import",
    "draft_id",
    "draft",
    _draft_for_request,
    lambda user, draft: draft is None or draft.user_id == user.id,
    STAFF_WHO_MANAGE,
)
READS_REPORT = ObjectRule("reads the report", "report_id", "report", loaders.load_report, _reads_report)
MANAGES_REPORT = ObjectRule(
    "manages the report's inspection",
    "report_id",
    "report",
    loaders.load_report,
    lambda user, report: can_manage_inspection(user, report.inspection),
    STAFF_WHO_MANAGE,
)


def requires(rule: ObjectRule) -> Callable[[F], F]:
    """Signed in, in one of the rule's roles, and allowed by `rule` on the record the URL names, which the view
    receives as `rule.keyword` instead of `rule.argument`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _unauthorized()
            if current_user.role not in rule.roles:
                abort(403)
            record = rule.load(kwargs.pop(rule.argument))
            if not rule.allows(current_user, record):
                abort(403)
            return view(*args, **{rule.keyword: record}, **kwargs)

        _mark(wrapped, f"object:{rule.name}")
        wrapped.object_rule = rule  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def declared_object_rules(app: Flask) -> dict[str, ObjectRule]:
    """Each endpoint's declared object rule, by endpoint name."""
    declared = {endpoint: getattr(view, "object_rule", None) for endpoint, view in app.view_functions.items()}
    return {endpoint: rule for endpoint, rule in declared.items() if isinstance(rule, ObjectRule)}
