"""The accessibility sweep's world and plan: the demo data with one of everything added, and every GET page
of the app to visit as each role, its URL parameters filled with real ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import Flask, url_for
from sqlalchemy import select, update

from tests.conftest import FIXTURES
from tracker import clock, jobs
from tracker.actions.due_dates import suggested_rag
from tracker.actions.services.editing import update_action
from tracker.actions.services.progress import record_progress
from tracker.api_tokens import services as api_tokens
from tracker.auth import services as auth_services
from tracker.demo.data import DEMO_PASSWORD
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.inspections import drafts
from tracker.models import (
    Action,
    ActionStatus,
    DeadlineKind,
    EmailState,
    Inspection,
    OutboxEmail,
    Role,
    StatutoryDeadline,
    TokenPurpose,
    User,
)
from tracker.reminders import calendar, links
from tracker.reports import services as report_services

# A Tuesday morning in London, so the day's digests are queued and every date is fixed.
SWEEP_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PASSWORD = DEMO_PASSWORD

ANONYMOUS = "anonymous"
# The signed-in roles; the service manager owns actions (the demo's Sam Patel), so owner-only pages are real.
EMAILS = {
    "admin": "admin@demo.test",
    "programme_manager": "programme.manager@demo.test",
    "service_manager": "service.manager@demo.test",
    "viewer": "viewer@demo.test",
}
ROLES = (ANONYMOUS, *EMAILS)

# GET endpoints that serve no HTML page, so there is nothing for axe-core to check.
NOT_HTML = {
    "static": "stylesheets, scripts, fonts and images",
    "health.healthz": "JSON for monitoring",
    "actions.download_plan": "spreadsheet downloads (xlsx, csv)",
    "reports.download_pdf": "a PDF download",
    "actions.download_plan_pdf": "a PDF download",
    "reports.download_docx": "a Word download",
    "reminders.calendar_feed": "an iCalendar feed (.ics)",
    "actions.download_actions": "spreadsheet downloads of All actions (xlsx, csv)",
    **dict.fromkeys(
        [
            "api.openapi_description",
            "api.list_inspections",
            "api.get_inspection",
            "api.list_recommendations",
            "api.list_actions",
            "api.get_action",
            "api.list_progress_updates",
            "api.list_statutory_deadlines",
        ],
        "the read-only JSON API for reporting tools",
    ),
    "auth.council_account": "a redirect to the council's sign-in page (the provider's page, not ours)",
}


@dataclass
class World:
    """The ids and single-use secrets the sweep fills URLs with."""

    inspection_id: int
    recommendation_id: int
    own_action_id: int  # the service manager's, with a pending due-date request
    other_action_id: int  # someone else's
    deadline_id: int  # the report-publication deadline, which has a checklist
    checklist_item_id: int
    draft_report_id: int
    issued_report_id: int
    emails: dict[str, int]  # the first email of each kind (invitation, digest, summary); the digest failed
    person_id: int
    invited_person_id: int
    import_drafts: dict[str, int]
    invitation_token: str
    reset_token: str
    link_token: str
    api_token_id: int  # the viewer's, for Power BI


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def _ask_for_a_later_due_date(action: Action, today: date) -> None:
    """The owner asks for a later due date, as from the progress form; it waits for a manager's decision."""
    owner = action.owner
    assert owner is not None and action.due_on is not None
    record_progress(
        action,
        owner,
        {
            "status": ActionStatus.IN_PROGRESS.value,
            "rag": suggested_rag(action, ActionStatus.IN_PROGRESS.value, today),
            "narrative": "Recruitment to the two social work posts has slipped: interviews are now in January.",
            "requested_due_on": action.due_on + timedelta(days=42),
            "request_reason": "The posts could not be filled before the new year.",
        },
    )


def _reports(inspection: Inspection, author: User) -> tuple[int, int]:
    details = report_services.default_details(inspection)
    issued = report_services.create_report(inspection, details, author=author)
    report_services.issue_report(issued, issuer=author)
    draft = report_services.create_report(inspection, details, author=author)
    return draft.id, issued.id


def _emails(today: date) -> dict[str, int]:
    """The day's reminders queued for real, one of them failed after retries; the first email of each kind."""
    jobs.run_reminders(today, clock.now())
    firsts: dict[str, int] = {}
    for email in db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)):
        firsts.setdefault(email.dedupe_key.split(":")[0], email.id)
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == firsts["digest"])
        .values(state=EmailState.FAILED, attempts=5, last_error="451 4.3.0 Mailbox temporarily unavailable")
    )
    return firsts


def build_world(today: date) -> World:
    """Demo data plus an import draft per manager, reports, a due-date request, emails and live links."""
    load_demo(today)
    inspection = db.session.scalars(select(Inspection)).one()
    admin, manager, owner = _user(EMAILS["admin"]), _user(EMAILS["programme_manager"]), _user(EMAILS["service_manager"])
    viewer = _user(EMAILS["viewer"])
    actions = list(db.session.scalars(select(Action).where(Action.inspection_id == inspection.id).order_by(Action.id)))
    own = next(a for a in actions if a.owner_id == owner.id and a.status != ActionStatus.COMPLETE)
    other = next(a for a in actions if a.owner_id != owner.id and a.status != ActionStatus.COMPLETE)
    _ask_for_a_later_due_date(own, today)
    deadline = db.session.scalars(
        select(StatutoryDeadline).where(
            StatutoryDeadline.inspection_id == inspection.id, StatutoryDeadline.kind == DeadlineKind.PUBLISH_REPORT
        )
    ).one()
    # The admin's JAR (8 items, an importer's warning, and an item cut short so the page shows what to check
    # beside it) is walked by keyboard; the SIF has 33 items under themes.
    reports = FIXTURES / "reports"
    jar = (
        (reports / "leicestershire-jar-2008.txt").read_text().replace("well-being, including CAMHS.", "well-being, and")
    )
    import_drafts = {
        "admin": drafts.import_pasted_text(jar, user=admin).id,
        "programme_manager": drafts.import_pasted_text(
            (reports / "leicester-sif-2015.txt").read_text(), user=manager
        ).id,
    }
    draft_report_id, issued_report_id = _reports(inspection, manager)
    invited = auth_services.invite_user(
        invited_by=admin, name="Nadia Okafor", email="nadia.okafor@demo.test", role=Role.SERVICE_MANAGER
    )
    emails = _emails(today)
    calendar.issue_calendar_token(owner, actor=owner)
    api_token, _ = api_tokens.issue_token(name="Performance team Power BI", user=viewer, days=90, actor=admin)
    world = World(
        inspection_id=inspection.id,
        recommendation_id=own.recommendation_id,
        own_action_id=own.id,
        other_action_id=other.id,
        deadline_id=deadline.id,
        checklist_item_id=deadline.checklist[0].id,
        draft_report_id=draft_report_id,
        issued_report_id=issued_report_id,
        emails=emails,
        person_id=owner.id,
        invited_person_id=invited.id,
        import_drafts=import_drafts,
        invitation_token=auth_services.issue_token(invited, TokenPurpose.INVITATION, timedelta(days=7)),
        reset_token=auth_services.issue_token(owner, TokenPurpose.PASSWORD_RESET, timedelta(hours=2)),
        link_token=links.issue_links([(own.id, owner.id)], clock.today(), clock.now())[(own.id, owner.id)],
        api_token_id=api_token.id,
    )
    db.session.flush()
    return world


def bump_action(app: Flask, action_id: int, *, due_date: bool = False) -> None:
    """Someone else changes the action, as if at the same moment in another browser: its title, or its due date
    (a progress update conflicts only with a change of what it reports on: status, RAG, owner, due date)."""
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action is not None
        manager = _user(EMAILS["programme_manager"])
        if due_date:
            assert action.due_on is not None
            changes: dict[str, object] = {"due_on": action.due_on + timedelta(days=7)}
        else:
            changes = {"title": f"{action.title} (revised)"}
        update_action(action, changes, actor=manager, due_on_reason="Moved in another browser")
        db.session.commit()


def user_id(app: Flask, email: str) -> int:
    with app.app_context():
        return _user(email).id


def bump_person(app: Flask, email: str) -> None:
    """Another administrator saves a change to the person, as if at the same moment."""
    with app.app_context():
        person = _user(email)
        person.job_title = f"{person.job_title or 'Councillor'} (revised)"
        db.session.commit()


# The plan ----------------------------------------------------------------------------------------

Params = dict[str, object]


def _draft_for(world: World, role: str) -> list[Params]:
    # A manager reviews their own import; anyone else is shown the programme manager's (and refused).
    return [{"draft_id": world.import_drafts.get(role, world.import_drafts["programme_manager"])}]


def _actions_for(world: World, role: str) -> list[Params]:
    if role == "service_manager":
        return [{"action_id": world.own_action_id}, {"action_id": world.other_action_id}]
    return [{"action_id": world.own_action_id}]


# Endpoints whose parameters need more than one value per name, or a secret.
SPECIAL: dict[str, Callable[[World, str], list[Params]]] = {
    "inspections.review_import": _draft_for,
    "inspections.discard_import": _draft_for,
    "auth.set_password": lambda w, _role: [{"token": w.invitation_token}],
    "auth.reset_password": lambda w, _role: [{"token": w.reset_token}],
    "reminders.update_from_email": lambda w, _role: [{"token": w.link_token}],
    "reports.view_report": lambda w, _role: [{"report_id": w.draft_report_id}, {"report_id": w.issued_report_id}],
    "reports.print_report": lambda w, _role: [{"report_id": w.draft_report_id}, {"report_id": w.issued_report_id}],
    # A queued email and the failed one (with its retry button); the HTML of every kind of email.
    "admin.view_email": lambda w, _role: [{"email_id": w.emails["invitation"]}, {"email_id": w.emails["digest"]}],
    "admin.email_html": lambda w, _role: [{"email_id": email_id} for email_id in w.emails.values()],
    "admin.edit_person": lambda w, _role: [{"user_id": w.person_id}, {"user_id": w.invited_person_id}],
}


def _single_values(world: World) -> dict[str, object]:
    return {
        "inspection_id": world.inspection_id,
        "recommendation_id": world.recommendation_id,
        "deadline_id": world.deadline_id,
        "item_id": world.checklist_item_id,
        "report_id": world.draft_report_id,
        "email_id": world.emails["digest"],
        "user_id": world.person_id,
        "token_id": world.api_token_id,
    }


class UnfilledRoute(LookupError):
    """A route whose URL parameters the sweep does not know how to fill."""


def params_for(endpoint: str, arguments: set[str], world: World, role: str) -> list[Params]:
    """Every set of URL parameters to visit `endpoint` with, as `role`."""
    if endpoint in SPECIAL:
        return SPECIAL[endpoint](world, role)
    if "action_id" in arguments:
        rest = arguments - {"action_id"}
        base = params_for(endpoint, rest, world, role) if rest else [{}]
        return [{**b, **a} for b in base for a in _actions_for(world, role)]
    values = _single_values(world)
    missing = arguments - values.keys()
    if missing:
        raise UnfilledRoute(f"{endpoint}: no value for {sorted(missing)}")
    return [{name: values[name] for name in arguments}]


@dataclass(frozen=True)
class Visit:
    endpoint: str
    role: str
    path: str


def html_get_endpoints(app: Flask) -> dict[str, set[str]]:
    """Every endpoint answering GET, with its URL parameters, less the allow-listed non-HTML ones."""
    endpoints: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or set()) and rule.endpoint not in NOT_HTML:
            endpoints.setdefault(rule.endpoint, set()).update(rule.arguments)
    return endpoints


def is_public(app: Flask, endpoint: str) -> bool:
    return getattr(app.view_functions[endpoint], "permission", "") == "public"


def plan_visits(app: Flask, world: World) -> list[Visit]:
    """Every HTML GET route as every signed-in role; the public ones also signed out."""
    visits = []
    with app.test_request_context():
        for role in ROLES:
            for endpoint, arguments in sorted(html_get_endpoints(app).items()):
                if role == ANONYMOUS and not is_public(app, endpoint):
                    continue
                for params in params_for(endpoint, arguments, world, role):
                    visits.append(Visit(endpoint, role, url_for(endpoint, **params)))
    return visits


def extra_visits(world: World) -> list[Visit]:
    """Error and dead-end pages that no route's normal answer shows."""
    return [
        # An issued report cannot be edited: back to the report, with an error banner.
        Visit("reports.edit_report", "programme_manager", f"/reports/{world.issued_report_id}/edit"),
        Visit("errors.404", "admin", "/inspections/999999"),
        Visit("errors.404", ANONYMOUS, "/no-such-page"),
        Visit("auth.set_password", ANONYMOUS, "/set-password/not-a-real-token"),
        Visit("auth.reset_password", ANONYMOUS, "/reset-password/not-a-real-token"),
        Visit("reminders.update_from_email", ANONYMOUS, "/update/not-a-real-token"),
        Visit("auth.logout", "viewer", "/sign-out"),  # GET where only POST is allowed: 405
    ]


# Forms ---------------------------------------------------------------------------------------------

# Every form on the page: its method, action and the names of the fields a person fills in.
FORMS = """
() => {
const NOT_FILLED_IN = ['hidden', 'submit', 'button', 'reset', 'image'];
return Array.from(document.querySelectorAll('form')).map((form, index) => ({
  index,
  method: (form.getAttribute('method') || 'get').toLowerCase(),
  action: form.getAttribute('action') || '',
  inMain: !!form.closest('main'),
  fields: [...new Set(Array.from(form.elements)
    .filter(el => el.name && el.tagName !== 'BUTTON' && !NOT_FILLED_IN.includes(el.type))
    .map(el => el.name))],
}));
}
"""

# Empties form `index` as a person would (clears text, unticks boxes) and sends it with its main button.
EMPTY_AND_SUBMIT = """
(index) => {
  const form = document.querySelectorAll('form')[index];
  for (const el of form.elements) {
    const kept = ['hidden', 'submit', 'button', 'reset', 'image', 'file'];
    if (!el.name || el.tagName === 'BUTTON' || kept.includes(el.type)) continue;
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
    else if (el.tagName === 'SELECT') { if (Array.from(el.options).some(o => o.value === '')) el.value = ''; }
    else el.value = '';
  }
  const buttons = Array.from(form.elements).filter(el =>
    (el.tagName === 'BUTTON' && (el.getAttribute('type') || 'submit') === 'submit')
    || (el.tagName === 'INPUT' && el.type === 'submit'));
  const primary = b => b.classList.contains('govuk-button') && !/govuk-button--(secondary|warning)/.test(b.className);
  const main = buttons.find(primary) || buttons.find(b => b.tabIndex >= 0) || buttons[0];
  form.requestSubmit(main);
}
"""
