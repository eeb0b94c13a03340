"""`flask demo load` and `flask users create-admin`."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import sign_in, soup
from tracker import clock
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.working_days import add_working_days
from tracker.models import Action, ActionStatus, Inspection, Rag, Recommendation, Role, StatutoryDeadline, User
from tracker.permissions import ROLES_THAT_OWN_ACTIONS, can_own_actions


def test_demo_load_is_idempotent_and_prints_the_log_ins(app, db_session, now) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo: 12 people, 16 recommendations" in first.output
    for email in ("admin@demo.test", "programme.manager@demo.test", "service.manager@demo.test", "viewer@demo.test"):
        assert email in first.output
    assert "demo-tracker-password" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already loaded" in second.output
    assert db_session.scalar(select(func.count()).select_from(Inspection)) == 1
    assert db_session.scalar(select(func.count()).select_from(Recommendation)) == 16


def test_demo_plan_has_something_in_every_state_today(app, db_session, now) -> None:
    app.test_cli_runner().invoke(args=["demo", "load"])
    today = clock.today()
    soon = add_working_days(today, 10, BANK_HOLIDAYS, counting="after")
    actions = db_session.scalars(select(Action)).all()
    open_actions = [a for a in actions if a.status in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)]
    assert any(a.due_on < today for a in open_actions), "no overdue action"
    assert any(today <= a.due_on <= soon for a in open_actions), "no action due soon"
    assert any(a.due_on > soon and a.rag == Rag.GREEN for a in open_actions), "no on-track action"
    assert any(a.status == ActionStatus.COMPLETE and a.rag == Rag.BLUE for a in actions), "no completed action"
    per_recommendation = db_session.execute(
        select(Action.recommendation_id, func.count()).group_by(Action.recommendation_id)
    ).all()
    assert len(per_recommendation) == 16
    assert all(2 <= count <= 4 for _id, count in per_recommendation)
    agencies = {a.lead_agency for a in actions}
    assert {"NHS Leicester City", "Leicestershire Constabulary", "Leicester City Council (schools)"} <= agencies


def test_demo_actions_are_owned_only_by_people_who_can_own_actions(app, db_session, now) -> None:
    app.test_cli_runner().invoke(args=["demo", "load"])
    owners = db_session.scalars(select(User).join(Action, Action.owner_id == User.id).distinct()).all()
    assert owners, "the demo plan has owners"
    assert {owner.role for owner in owners} <= set(ROLES_THAT_OWN_ACTIONS)
    assert all(can_own_actions(owner) for owner in owners)
    viewers = db_session.scalars(select(User).where(User.role == Role.VIEWER)).all()
    assert {viewer.email for viewer in viewers} == {"director@demo.test", "viewer@demo.test"}


def test_demo_statutory_dates_follow_the_jar_rules(app, db_session, now) -> None:
    from datetime import date

    app.test_cli_runner().invoke(args=["demo", "load"])
    due = sorted(d.due_on for d in db_session.scalars(select(StatutoryDeadline)))
    assert due == [date(2008, 7, 14), date(2008, 9, 9)]


def test_demo_service_manager_home_shows_overdue_and_due_soon(app, client, db_session, now) -> None:
    app.test_cli_runner().invoke(args=["demo", "load"])
    user = db_session.scalars(select(User).where(User.email == "service.manager@demo.test")).one()
    client.submit("/sign-in", {"email": user.email, "password": "demo-tracker-password"})
    page = soup(client.get("/"))
    captions = [c.text.strip() for c in page.select("caption")]
    assert "Overdue" in captions
    assert "Due in the next 10 working days" in captions
    assert "working days overdue" in page.get_text()


def test_demo_load_if_empty_leaves_a_real_database_alone(app, db_session) -> None:
    from tests.factories import UserFactory

    UserFactory()
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert "was not loaded" in result.output
    assert db_session.scalar(select(func.count()).select_from(Inspection)) == 0


def test_create_admin_command_creates_an_admin_who_can_sign_in(app, client, db_session) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--name", "Priya Shah", "--email", "Priya@Leicester.gov.uk"],
        input="tangerine lamp harbour\ntangerine lamp harbour\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator Priya Shah <priya@leicester.gov.uk>" in result.output
    admin = db_session.scalars(select(User)).one()
    assert admin.role == Role.ADMIN
    sign_in(client, admin, password="tangerine lamp harbour")


def test_create_admin_refuses_a_weak_password_and_a_duplicate(app, db_session) -> None:
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["users", "create-admin", "--name", "A", "--email", "a@example.gov.uk", "--password", "short"]
    )
    assert weak.exit_code != 0
    assert "12 characters or more" in weak.output
    ok = ["users", "create-admin", "--name", "A", "--email", "a@example.gov.uk", "--password", "plum garden rocket"]
    assert runner.invoke(args=ok).exit_code == 0
    duplicate = runner.invoke(args=ok)
    assert duplicate.exit_code != 0
    assert "already has an account" in duplicate.output


def test_create_admin_checks_the_name_and_email_like_the_invite_form_before_asking_for_a_password(
    app, db_session
) -> None:
    runner = app.test_cli_runner()
    cases = {
        ("", "a@example.gov.uk"): "Enter a name",
        ("L" * 201, "a@example.gov.uk"): "Full name must be 200 characters or fewer",
        ("Priya Shah", "not-an-email"): "Enter an email address in the correct format",
        ("Priya Shah", "a@b"): "Enter an email address in the correct format",
        ("Priya Shah", "<b>x</b>@example.com"): "Enter an email address in the correct format",
    }

    def message_end(message: str) -> str:
        return ", like name@example.com" if "format" in message else ""

    for (name, email), message in cases.items():
        result = runner.invoke(args=["users", "create-admin", "--name", name, "--email", email], input="")
        assert result.exit_code == 1, (name, email, result.output)
        assert result.output.strip().splitlines() == [f"Error: {message}" + message_end(message)]
        assert "Password" not in result.output
    assert db_session.scalar(select(func.count()).select_from(User)) == 0
    args = ["users", "create-admin", "--name", " Priya Shah ", "--email", " admin@demo.test "]
    demo = runner.invoke(args=[*args, "--password", "plum garden rocket"])
    assert demo.exit_code == 0, demo.output
    assert "Created administrator Priya Shah <admin@demo.test>" in demo.output
