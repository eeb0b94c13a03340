"""Every route carries a permission decorator, every route that names a record declares who may use that
record, and the roles see what they should."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import Rule

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, InspectionFactory, ProgressUpdateFactory, RecommendationFactory, UserFactory
from tracker.api_tokens.services import issue_token
from tracker.domain.importer import parse_report
from tracker.inspections.deadlines import create_statutory_deadlines
from tracker.inspections.drafts import create_draft
from tracker.models import DueDateRequestState, EmailState, Meeting, OutboxEmail, ProgressReport, Role
from tracker.permissions import declared_object_rules
from tracker.routing import LazyView

# Routes without a permission decorator must be listed here with the reason.
ALLOWED_WITHOUT_PERMISSION = {"static": "GOV.UK Frontend assets and our CSS/JS, public by nature"}


def test_every_route_has_a_permission_decorator(app) -> None:
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ALLOWED_WITHOUT_PERMISSION:
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "permission", None):
            missing.append(f"{rule.endpoint} ({rule.rule})")
    assert missing == [], "routes without a permission decorator: " + ", ".join(missing)


def test_every_url_runs_the_view_its_blueprint_names(app) -> None:
    """Each feature's blueprint names its views by module and function (tracker/<feature>/blueprint.py): each is a
    function of that module under that name, which the endpoint is named after, as Flask's decorators would do."""
    wrong = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ALLOWED_WITHOUT_PERMISSION:
            continue
        lazy = app.view_functions[rule.endpoint]
        assert isinstance(lazy, LazyView), rule.endpoint
        view = lazy.view
        if (view.__module__, view.__name__) != (lazy.module, lazy.name) or rule.endpoint.split(".")[-1] != lazy.name:
            wrong.append(f"{rule.endpoint}: {lazy!r} is {view.__module__}.{view.__name__}")
    assert wrong == []
    handler = app.error_handler_spec["inspections"][413][RequestEntityTooLarge]
    assert isinstance(handler, LazyView) and handler.view.__name__ == "upload_too_large"


ADMIN_PAGES = ["/admin/people", "/admin/people/invite", "/admin/outbox", "/admin/api-tokens", "/admin/api-tokens/new"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_for_administrators_only(client, db_session, role: Role, url: str) -> None:
    user = UserFactory(role=role)
    db_session.commit()
    sign_in(client, user)
    response = client.get(url)
    if role == Role.ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "You do not have permission" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", list(Role))
def test_revoking_an_api_token_is_for_administrators_only(client, db_session, role: Role) -> None:
    admin = UserFactory(role=Role.ADMIN)
    api_token, _ = issue_token(name="Power BI", user=UserFactory(role=Role.VIEWER), days=30, actor=admin)
    user = UserFactory(role=role)
    db_session.commit()
    sign_in(client, user)
    url = f"/admin/api-tokens/{api_token.id}/revoke"
    assert client.get(url).status_code == (200 if role == Role.ADMIN else 403)
    assert client.submit(url, page_url="/").status_code == (302 if role == Role.ADMIN else 403)


def test_every_api_route_but_its_description_needs_a_token_whoever_is_signed_in(app, client, db_session) -> None:
    """Token routes carry the token decorator's mark; a signed-in administrator's cookie is not a token."""
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    api_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert len(api_rules) == 8
    for rule in api_rules:
        permission = app.view_functions[rule.endpoint].permission
        url = rule.rule.replace("<int:inspection_id>", "1").replace("<int:action_id>", "1")
        if rule.endpoint == "api.openapi_description":
            assert permission == "public" and client.get(url).status_code == 200
            continue
        assert permission == "api-token:read", rule.endpoint
        response = client.get(url)
        assert (response.status_code, response.mimetype) == (401, "application/problem+json"), url


@pytest.mark.parametrize("role", list(Role))
def test_everyone_signed_in_has_a_home_page(client, db_session, role: Role) -> None:
    user = UserFactory(role=role)
    db_session.commit()
    sign_in(client, user)
    assert client.get("/").status_code == 200


def test_a_non_admin_cannot_post_to_an_admin_form(client, db_session) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    db_session.commit()
    sign_in(client, manager)
    response = client.submit(
        "/admin/people/invite",
        {"name": "X", "email": "x@example.gov.uk", "role": "admin", "line_manager_id": "0"},
        page_url="/",
    )
    assert response.status_code == 403


def test_unknown_pages_are_a_styled_404(client, db_session) -> None:
    user = UserFactory()
    db_session.commit()
    sign_in(client, user)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "govuk-template" in response.get_data(as_text=True)


def _navigation(page) -> list[str]:  # noqa: ANN001
    return [link.text.strip() for link in page.select(".govuk-service-navigation__link")]


def test_a_viewer_has_no_actions_of_their_own_on_the_home_page_or_in_the_navigation(client, db_session) -> None:
    viewer = UserFactory(role=Role.VIEWER)
    db_session.commit()
    sign_in(client, viewer)
    page = soup(client.get("/"))
    assert "Your actions" not in [heading.text.strip() for heading in page.select("h2")]
    assert "My actions" not in _navigation(page)
    assert "All actions" in _navigation(page)


def test_the_home_page_counts_one_other_open_action_in_the_singular(client, db_session) -> None:
    manager = UserFactory(role=Role.SERVICE_MANAGER)
    ActionFactory(owner=manager, due_on=None)
    db_session.commit()
    sign_in(client, manager)
    page = soup(client.get("/"))
    assert "My actions" in _navigation(page)
    cards = [card.get_text(" ", strip=True) for card in page.select(".app-count-card")]
    assert "1 other open action" in cards


def test_an_admin_home_shows_invitations_slowed_sign_ins_and_failed_emails(app, client, db_session, now) -> None:
    admin = UserFactory(role=Role.ADMIN)
    UserFactory(password_hash=None)
    UserFactory(password_hash=None)
    UserFactory(password_hash=None, active=False)
    slowed, not_yet = UserFactory(), UserFactory()
    db_session.add(
        OutboxEmail(recipient="a@example.com", subject="Hi", text_body="Hi", dedupe_key="x", state=EmailState.FAILED)
    )
    db_session.commit()
    guesser = app.test_client()
    for person, attempts in ((slowed, 5), (not_yet, 4)):
        for _ in range(attempts):
            guesser.submit("/sign-in", {"email": person.email, "password": "not the password"})
    sign_in(client, admin)
    page = soup(client.get("/"))
    assert "Your actions" not in [heading.text.strip() for heading in page.select("h2")]
    cards = {link.get_text(" ", strip=True): link["href"] for link in page.select("#admin-summary a")}
    assert cards == {
        "2 people invited, not yet signed in": "/admin/people",
        "1 account with sign-in slowed down": "/admin/people",
        "1 email failed": "/admin/outbox?state=failed",
    }


# Object rules -----------------------------------------------------------------------------------

# Routes whose URL names a record by id but that declare no object rule (tracker.permissions.requires), with the
# reason. Anything else with an `…_id` in its URL must declare who may use the record it names.
WITHOUT_OBJECT_RULE = {
    "admin.edit_person": "administrators only (admin_only): an administrator may change anyone",
    "admin.resend_invitation": "administrators only (admin_only): an administrator may invite anyone",
    "admin.unlock_person": "administrators only (admin_only): an administrator may unlock anyone",
    "admin.sign_out_person_everywhere": "administrators only (admin_only): an administrator may sign anyone out",
    "admin.view_email": "administrators only (admin_only): every email in the outbox is theirs to read",
    "admin.email_html": "administrators only (admin_only): every email in the outbox is theirs to read",
    "admin.retry_email": "administrators only (admin_only): every failed email is theirs to send again",
    "api_tokens.revoke_api_token": "administrators only (admin_only): an administrator may revoke any token",
    "api.get_inspection": "API token (api_read): every person reads every inspection, as on the pages",
    "api.get_action": "API token (api_read): every person reads every action, as on the pages",
}

# Who each declared rule lets in, in the world below: the inspection's own programme manager runs it, the
# owner owns its action, the report is a draft and the import under review is the programme manager's.
PERSONAS = ("viewer", "owner", "other_manager", "manager", "admin")
EVERYONE = frozenset(PERSONAS)
EXPECTED = {
    "reads the inspection": EVERYONE,
    "reads the action": EVERYONE,
    "manages the inspection": {"manager", "admin"},
    "manages the action's inspection": {"manager", "admin"},
    "manages the recommendation's inspection": {"manager", "admin"},
    "owns the action or manages its inspection": {"owner", "manager", "admin"},
    "started the import": {"manager"},
    "reads the report": {"manager", "admin"},
    "manages the report's inspection": {"manager", "admin"},
}
MISSING = 2_000_000_000


def test_every_route_naming_a_record_declares_who_may_use_it(app) -> None:  # noqa: ANN001
    declared = declared_object_rules(app)
    undeclared, misdeclared = [], []
    for rule in app.url_map.iter_rules():
        ids = {name for name in rule.arguments if name.endswith("_id")}
        object_rule = declared.get(rule.endpoint)
        if object_rule is not None and object_rule.argument not in ids:
            misdeclared.append(f"{rule.endpoint} ({rule.rule}) loads {object_rule.argument}, not in its URL")
        if object_rule is None and ids and rule.endpoint not in WITHOUT_OBJECT_RULE:
            undeclared.append(f"{rule.endpoint} ({rule.rule})")
    assert undeclared == [], "routes naming a record with no declared object rule: " + ", ".join(undeclared)
    assert misdeclared == []
    stale = [endpoint for endpoint in WITHOUT_OBJECT_RULE if endpoint in declared or endpoint not in app.view_functions]
    assert stale == [], "allow-listed routes that now declare a rule, or are gone"
    unknown = {rule.name for rule in declared.values()} - set(EXPECTED)
    assert unknown == set(), f"say in EXPECTED who each new rule lets in: {unknown}"


@dataclass
class Records:
    """One inspection's records, by the URL argument that names each."""

    inspection_id: int
    action_id: int
    recommendation_id: int
    update_id: int
    deadline_id: int
    item_id: int
    meeting_id: int


def _records(people: dict, db_session) -> Records:  # noqa: ANN001
    inspection = InspectionFactory(managers=[people["manager"]])
    recommendation = RecommendationFactory(inspection=inspection)
    action = ActionFactory(recommendation=recommendation, owner=people["owner"])
    update = ProgressUpdateFactory(
        action=action,
        requested_due_on=date(2027, 3, 1),
        request_reason="Staff vacancy",
        request_state=DueDateRequestState.PENDING,
    )
    deadline = create_statutory_deadlines(inspection)[0]
    meeting = Meeting(inspection=inspection, committee="Cabinet", meets_on=date(2008, 9, 1))
    db_session.add(meeting)
    db_session.flush()
    return Records(
        inspection.id, action.id, recommendation.id, update.id, deadline.id, deadline.checklist[0].id, meeting.id
    )


def _fill(path: str, values: dict[str, object]) -> str:
    return re.sub(r"<(?:[^:>]+:)?([a-z_]+)>", lambda match: str(values[match.group(1)]), path)


def _request(client, rule: Rule, values: dict[str, object], token: str):  # noqa: ANN001, ANN202
    url = _fill(rule.rule.replace("<any(xlsx, csv):file_format>", "csv"), values)
    if "GET" in (rule.methods or set()):
        return url, client.get(url)
    return url, client.post(url, data={"csrf_token": token})


def test_every_declared_object_rule_is_enforced(app, client, db_session) -> None:  # noqa: ANN001
    """For each route that declares an object rule: signed out, the sign-in page; each person the rule refuses,
    403; the least trusted person it lets in, the page; a record that is not there, 404; and a record of another
    inspection named under this one (a deadline, a meeting, a progress update…), 404."""
    people = {
        "viewer": UserFactory(role=Role.VIEWER),
        "owner": UserFactory(role=Role.SERVICE_MANAGER),
        "other_manager": UserFactory(role=Role.PROGRAMME_MANAGER),
        "manager": UserFactory(role=Role.PROGRAMME_MANAGER),
        "admin": UserFactory(role=Role.ADMIN),
    }
    db_session.flush()
    here, elsewhere = vars(_records(people, db_session)), vars(_records(people, db_session))
    draft = create_draft(parse_report("Leicester City Council"), user=people["manager"], source_filename=None,
                         source_sha256="x")  # fmt: skip
    report = ProgressReport(inspection_id=here["inspection_id"], committee="Cabinet", meets_on=date(2026, 12, 1),
                            as_at=date(2026, 11, 20), title="Progress report")  # fmt: skip
    db_session.add(report)
    db_session.flush()
    values = {**here, "draft_id": draft.id, "report_id": report.id}
    db_session.commit()
    declared = declared_object_rules(app)
    routes = [(rule, declared[rule.endpoint]) for rule in app.url_map.iter_rules() if rule.endpoint in declared]
    wrong = []
    signed_out = app.test_client()
    signed_out_token = signed_out.csrf_token("/sign-in")
    for rule, _object_rule in routes:
        url, response = _request(signed_out, rule, values, signed_out_token)
        if response.status_code != 302 or "/sign-in" not in response.headers.get("Location", ""):
            wrong.append(f"signed out: {url} answered {response.status_code}")
    for persona in PERSONAS:
        persona_client = app.test_client()
        sign_in(persona_client, people[persona])
        token = persona_client.csrf_token("/inspections")
        for rule, object_rule in routes:
            allowed = EXPECTED[object_rule.name]
            least_trusted = next(name for name in PERSONAS if name in allowed)
            url, response = _request(persona_client, rule, values, token)
            status = response.status_code
            if persona not in allowed and status != 403:
                wrong.append(f"{persona}: {url} ({object_rule.name}) answered {status}, not 403")
            if persona == least_trusted and status not in ((200,) if "GET" in rule.methods else (200, 302, 400)):
                wrong.append(f"{persona}: {url} ({object_rule.name}) answered {status}")
            if persona != "admin":
                continue
            url, response = _request(persona_client, rule, {**values, object_rule.argument: MISSING}, token)
            if response.status_code != 404:
                wrong.append(f"{url}: a record that is not there answered {response.status_code}")
            for name in set(rule.arguments) & set(here) - {object_rule.argument}:
                url, response = _request(persona_client, rule, {**values, name: elsewhere[name]}, token)
                if response.status_code != 404:
                    wrong.append(f"{url}: another inspection's {name} answered {response.status_code}")
    assert wrong == [], "\n".join(wrong)
