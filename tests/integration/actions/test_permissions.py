"""Who may do what on the action plan, enforced on the server: every route × every kind of person.

Kinds of person: signed out, an administrator, the programme manager who runs the inspection,
a programme manager who does not, the owner of the action, the owner of another action, and a
viewer. Forbidden is a 403 page; nothing is hidden-button-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, ProgressUpdateFactory
from tests.integration.actions.conftest import Plan
from tracker.models import Action, DueDateRequestState

READ = "read"  # everyone signed in
PROGRESS = "progress"  # the action's owner, the inspection's programme manager, administrators
MANAGE = "manage"  # the inspection's programme manager and administrators

PERSONAS = ("signed_out", "admin", "manager", "other_manager", "owner", "other_owner", "viewer")
ALLOWED = {
    READ: {"admin", "manager", "other_manager", "owner", "other_owner", "viewer"},
    PROGRESS: {"admin", "manager", "owner"},
    MANAGE: {"admin", "manager"},
}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: str
    url: Callable[[Plan, dict[str, int]], str]


ROUTES = (
    Route("actions.my_actions", "GET", READ, lambda p, x: "/my-actions"),
    Route("actions.list_actions", "GET", READ, lambda p, x: "/actions?q=a"),
    Route("actions.view_action", "GET", READ, lambda p, x: f"/actions/{p.action.id}"),
    Route("actions.view_plan", "GET", READ, lambda p, x: f"/inspections/{p.inspection.id}/plan"),
    Route("actions.print_plan", "GET", READ, lambda p, x: f"/inspections/{p.inspection.id}/plan/print"),
    Route("actions.download_plan_pdf", "GET", READ, lambda p, x: f"/inspections/{p.inspection.id}/plan/download.pdf"),
    Route("actions.view_dashboard", "GET", READ, lambda p, x: f"/inspections/{p.inspection.id}/dashboard"),
    Route("actions.download_plan", "GET", READ, lambda p, x: f"/inspections/{p.inspection.id}/plan/download/xlsx"),
    Route("actions.download_actions", "GET", READ, lambda p, x: "/actions/download/xlsx?rag=green"),
    Route("actions.record_progress", "GET", PROGRESS, lambda p, x: f"/actions/{p.action.id}/progress"),
    Route("actions.record_progress", "POST", PROGRESS, lambda p, x: f"/actions/{p.action.id}/progress"),
    Route("actions.edit_action", "GET", MANAGE, lambda p, x: f"/actions/{p.action.id}/edit"),
    Route("actions.edit_action", "POST", MANAGE, lambda p, x: f"/actions/{p.action.id}/edit"),
    Route("actions.delete_action", "GET", MANAGE, lambda p, x: f"/actions/{x['doomed']}/delete"),
    Route("actions.move_action", "POST", MANAGE, lambda p, x: f"/actions/{p.action.id}/move"),
    Route("actions.add_action", "GET", MANAGE, lambda p, x: f"/recommendations/{p.immediate.id}/actions/new"),
    Route("actions.add_action", "POST", MANAGE, lambda p, x: f"/recommendations/{p.immediate.id}/actions/new"),
    Route("actions.change_plan_status", "GET", MANAGE, lambda p, x: f"/inspections/{p.inspection.id}/plan/status"),
    Route("actions.change_plan_status", "POST", MANAGE, lambda p, x: f"/inspections/{p.inspection.id}/plan/status"),
    Route("actions.bulk_assign", "GET", MANAGE, lambda p, x: f"/inspections/{p.inspection.id}/plan/assign"),
    Route("actions.bulk_assign", "POST", MANAGE, lambda p, x: f"/inspections/{p.inspection.id}/plan/assign"),
    Route("actions.import_plan", "GET", MANAGE, lambda p, x: f"/inspections/{p.inspection.id}/plan/import"),
    Route("actions.import_plan", "POST", MANAGE, lambda p, x: f"/inspections/{p.inspection.id}/plan/import"),
    Route("actions.confirm_import", "POST", MANAGE, lambda p, x: f"/inspections/{p.inspection.id}/plan/import/confirm"),
    Route(
        "actions.decide_due_date",
        "POST",
        MANAGE,
        lambda p, x: f"/actions/{p.action.id}/due-date-requests/{x['request']}",
    ),
    # Last, because an allowed request really deletes the action.
    Route("actions.delete_action", "POST", MANAGE, lambda p, x: f"/actions/{x['doomed']}/delete"),
)


def test_the_matrix_covers_every_route_of_the_blueprint(app) -> None:  # noqa: ANN001
    registered = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("actions.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert registered == {(route.endpoint, route.method) for route in ROUTES}


def _person(plan: Plan, persona: str):  # noqa: ANN202
    return {
        "admin": plan.admin,
        "manager": plan.manager,
        "other_manager": plan.other_manager,
        "owner": plan.owner,
        "other_owner": plan.other_owner,
        "viewer": plan.viewer,
    }.get(persona)


def _outcome(response, allowed: bool, persona: str, method: str) -> str | None:  # noqa: ANN001
    """None when the response is what this persona should get, otherwise what went wrong."""
    status = response.status_code
    if persona == "signed_out":
        ok = status == 302 and "/sign-in" in response.headers.get("Location", "")
    elif not allowed:
        ok = status == 403 and "You do not have permission" in soup(response).text
    elif method == "GET":
        ok = status == 200
    else:
        ok = status in (200, 302, 400)
    return None if ok else f"got {status}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, db_session, plan: Plan, persona: str) -> None:  # noqa: ANN001
    extra = {
        "doomed": ActionFactory(recommendation=plan.immediate, owner=plan.owner, reference="1.9").id,
        "request": ProgressUpdateFactory(
            action=plan.action,
            requested_due_on=plan.action.due_on.replace(year=2027),
            request_reason="Staff vacancy",
            request_state=DueDateRequestState.PENDING,
        ).id,
    }
    db_session.commit()
    person = _person(plan, persona)
    if person is not None:
        sign_in(client, person)
    wrong = []
    for route in ROUTES:
        url = route.url(plan, extra)
        allowed = persona in ALLOWED[route.rule]
        if route.method == "GET":
            response = client.get(url)
        else:
            response = client.submit(url, {}, page_url="/sign-in" if person is None else "/")
        problem = _outcome(response, allowed, persona, route.method)
        if problem:
            wrong.append(
                f"{route.method} {url} ({route.endpoint}): expected {'allowed' if allowed else 'forbidden'}, {problem}"
            )
    assert wrong == []
    if persona not in ALLOWED[MANAGE]:
        assert db_session.get(Action, extra["doomed"]) is not None, "a forbidden delete must not delete"


def test_matrix_size() -> None:
    """The figure quoted in the issue note: routes × kinds of person."""
    assert (len(ROUTES), len(PERSONAS)) == (26, 7)
