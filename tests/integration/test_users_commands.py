"""`flask users …` for IT teams' joiner and leaver scripts: each change audited as done by the command line, logged
as a security event, with exit codes a script can rely on (0 done, 1 refused, 2 usage error, 3 not found)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import security_events, sign_in
from tests.factories import PASSWORD, ActionFactory, InspectionFactory, UserFactory
from tracker.models import AuditEvent, OutboxEmail, Role, TokenPurpose, User, UserSession, UserToken

ROOT = Path(__file__).resolve().parents[2]
WRONG = "not the right password at all"


@pytest.fixture
def run(app, db_session, caplog):  # noqa: ANN001, ANN201
    caplog.set_level(logging.INFO, logger="tracker.security")
    runner = app.test_cli_runner()

    def invoke(*args: str):  # noqa: ANN202
        result = runner.invoke(args=["users", *args])
        db_session.expire_all()
        return result

    return invoke


def _history(db_session, user: User) -> list[AuditEvent]:  # noqa: ANN001
    query = select(AuditEvent).where(AuditEvent.entity_type == "users", AuditEvent.entity_id == user.id)
    return list(db_session.scalars(query.order_by(AuditEvent.id)))


def _user(db_session, email: str) -> User:  # noqa: ANN001
    return db_session.scalars(select(User).where(User.email == email)).one()


def test_invite_creates_the_account_and_queues_the_invitation(run, db_session, caplog) -> None:
    result = run("invite", " Ruth.Allen@Leicester.gov.uk ", "--role", "service-manager", "--organisation", "Leicester")

    assert result.exit_code == 0, result.output
    assert "Invited Ruth Allen <ruth.allen@leicester.gov.uk> as service manager" in result.output
    ruth = _user(db_session, "ruth.allen@leicester.gov.uk")
    assert (ruth.name, ruth.role, ruth.organisation, ruth.password_hash) == (
        "Ruth Allen", Role.SERVICE_MANAGER, "Leicester", None
    )  # fmt: skip
    [email] = db_session.scalars(select(OutboxEmail)).all()
    assert email.recipient == ruth.email and "You have been invited to the Inspection action tracker" in email.text_body
    assert db_session.scalars(select(UserToken)).one().purpose == TokenPurpose.INVITATION
    [audit] = _history(db_session, ruth)
    assert (audit.actor_id, audit.field, audit.new_value) == (None, "account", "invited as service manager")
    assert audit.note.startswith("By the command line (flask users invite), run by ")
    [logged] = security_events(caplog, "invitation_sent")
    assert (logged["via"], logged["actor"], logged["user_id"], logged["role"]) == (
        "command_line", "command line", ruth.id, "service_manager"
    )  # fmt: skip
    assert logged["os_user"]

    named = run("invite", "h.ward@nhs.example", "--role", "viewer", "--name", "Dr Helen Ward")
    assert named.exit_code == 0 and _user(db_session, "h.ward@nhs.example").name == "Dr Helen Ward"


def test_invite_refuses_what_it_cannot_do_with_the_documented_codes(run, db_session) -> None:
    UserFactory(email="taken@example.gov.uk")
    db_session.commit()
    cases = {
        ("invite", "taken@example.gov.uk", "--role", "viewer"): (1, "Someone already has an account with"),
        ("invite", "new@example.gov.uk", "--role", "manager"): (1, "'manager' is not a role: use one of admin, "),
        ("invite", "new@example.gov.uk"): (2, "Missing option '--role'"),
        ("invite", "not-an-email", "--role", "viewer"): (2, "Enter an email address in the correct format"),
        ("invite", "new@example.gov.uk", "--role", "viewer", "--name", " "): (2, "Enter a name"),
    }
    for args, (code, message) in cases.items():
        result = run(*args)
        assert (result.exit_code, message in result.output) == (code, True), (args, result.output)
    assert db_session.scalars(select(User.email)).all() == ["taken@example.gov.uk"]


def test_set_role_changes_it_audited_and_logged(run, db_session, caplog) -> None:
    UserFactory(role=Role.ADMIN)
    viewer = UserFactory(email="viewer@example.gov.uk", role=Role.VIEWER)
    db_session.commit()

    result = run("set-role", "Viewer@example.gov.uk", "programme_manager")

    assert result.exit_code == 0, result.output
    assert "viewer@example.gov.uk is now a programme manager (was viewer)" in result.output
    assert _user(db_session, viewer.email).role == Role.PROGRAMME_MANAGER
    [audit] = _history(db_session, viewer)
    assert (audit.actor_id, audit.field, audit.old_value, audit.new_value) == (
        None, "role", "viewer", "programme_manager"
    )  # fmt: skip
    assert audit.note.startswith("By the command line (flask users set-role)")
    [logged] = security_events(caplog, "role_changed")
    assert (logged["old_role"], logged["new_role"], logged["via"]) == ("viewer", "programme_manager", "command_line")

    again = run("set-role", viewer.email, "programme_manager")
    assert again.exit_code == 0 and "already a programme manager: nothing changed" in again.output
    assert len(_history(db_session, viewer)) == 1


def test_set_role_refusals(run, db_session) -> None:
    admin = UserFactory(email="only.admin@example.gov.uk", role=Role.ADMIN)
    owner = UserFactory(email="owner@example.gov.uk", role=Role.SERVICE_MANAGER)
    ActionFactory(owner=owner)
    runner_of = UserFactory(email="pm@example.gov.uk", role=Role.PROGRAMME_MANAGER)
    inspection = InspectionFactory(title="Leicester JAR 2008")
    inspection.managers.append(runner_of)
    db_session.commit()
    cases = {
        (owner.email, "viewer"): (1, "owner@example.gov.uk owns 1 open action(s): reassign them before making them"),
        (runner_of.email, "service_manager"): (1, "pm@example.gov.uk runs Leicester JAR 2008: reassign them"),
        (admin.email, "viewer"): (1, "only.admin@example.gov.uk is the only active administrator"),
        (owner.email, "boss"): (1, "'boss' is not a role"),
        ("nobody@example.gov.uk", "viewer"): (3, "Nobody has an account with nobody@example.gov.uk"),
    }
    for (email, role), (code, message) in cases.items():
        result = run("set-role", email, role)
        assert (result.exit_code, message in result.output) == (code, True), (email, role, result.output)
    assert run("set-role", owner.email).exit_code == 2
    assert db_session.scalar(select(AuditEvent.id)) is None


def test_deactivate_signs_them_out_everywhere_and_stops_their_links(app, run, client, db_session, caplog) -> None:
    UserFactory(role=Role.ADMIN)
    leaver = UserFactory(email="leaver@example.gov.uk", role=Role.SERVICE_MANAGER)
    ActionFactory(owner=leaver)
    db_session.commit()
    sign_in(client, leaver)
    client.submit("/sign-out", page_url="/")
    sign_in(client, leaver)
    client.submit("/forgot-password", {"email": leaver.email})  # a reset link, waiting in the outbox

    result = run("deactivate", leaver.email)

    assert result.exit_code == 0, result.output
    assert "Deactivated leaver@example.gov.uk: signed out everywhere" in result.stdout
    assert "leaver@example.gov.uk still owns 1 open action(s): reassign them" in result.stderr
    assert _user(db_session, leaver.email).active is False
    assert db_session.scalars(select(UserSession).where(UserSession.user_id == leaver.id)).all() == []
    assert db_session.scalars(select(UserToken)).one().used_at is not None  # the reset link no longer works
    assert client.get("/").status_code == 302  # the browser's session no longer works
    assert client.submit("/sign-in", {"email": leaver.email, "password": PASSWORD}).status_code == 400
    [audit] = _history(db_session, leaver)
    assert (audit.field, audit.new_value, audit.actor_id) == ("active", "False", None)
    [logged] = security_events(caplog, "active_changed")
    assert (logged["active"], logged["open_actions"], logged["via"]) == (False, 1, "command_line")

    again = run("deactivate", leaver.email)
    assert again.exit_code == 0 and "already deactivated: nothing changed" in again.output
    assert run("deactivate", "nobody@example.gov.uk").exit_code == 3


def test_the_only_active_administrator_cannot_be_deactivated(run, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    UserFactory(role=Role.ADMIN, active=False)
    db_session.commit()
    result = run("deactivate", admin.email)
    assert result.exit_code == 1 and "the only active administrator" in result.output
    assert _user(db_session, admin.email).active is True


def test_unlock_lets_a_slowed_sign_in_through_at_once(app, run, client, db_session, now, caplog) -> None:
    user = UserFactory(email="sam@example.gov.uk")
    db_session.commit()
    for _ in range(5):
        client.submit("/sign-in", {"email": user.email, "password": WRONG})
    assert client.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 429
    listed = json.loads(run("list", "--json").output)
    assert listed[0]["sign_in_delayed_until"] == "2026-11-24T10:01:00+00:00"

    result = run("unlock", user.email)

    assert result.exit_code == 0, result.output
    assert "sam@example.gov.uk can sign in straight away" in result.output
    [audit] = _history(db_session, user)
    assert (audit.field, audit.new_value, audit.actor_id) == ("sign_in_delay", "cleared", None)
    assert audit.note.startswith("By the command line (flask users unlock)")
    assert security_events(caplog, "sign_in_delay_cleared")[0]["was_delayed"] is True
    assert client.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302

    again = run("unlock", user.email)
    assert again.exit_code == 0 and "was not being held up: nothing to clear" in again.output
    assert run("unlock", "nobody@example.gov.uk").exit_code == 3


def test_list_prints_everyone_and_json_for_scripts(run, db_session) -> None:
    UserFactory(email="b.viewer@example.gov.uk", name="Bea Viewer", role=Role.VIEWER)
    UserFactory(email="a.invited@example.gov.uk", name="Al Invited", role=Role.SERVICE_MANAGER, password_hash=None)
    UserFactory(email="c.gone@example.gov.uk", name="Cy Gone", role=Role.VIEWER, active=False)
    db_session.commit()

    text = run("list")
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert lines[0].split()[:4] == ["a.invited@example.gov.uk", "service_manager", "active,", "invited"]
    assert lines[-1] == "3 people"

    people = json.loads(run("list", "--json").output)
    assert [(p["email"], p["role"], p["active"], p["invited"]) for p in people] == [
        ("a.invited@example.gov.uk", "service_manager", True, True),
        ("b.viewer@example.gov.uk", "viewer", True, False),
        ("c.gone@example.gov.uk", "viewer", False, False),
    ]
    assert set(people[0]) == {
        "id", "email", "name", "role", "active", "invited", "job_title", "organisation", "last_sign_in_at",
        "sign_in_delayed_until",
    }  # fmt: skip


def test_a_real_process_exits_with_the_documented_codes_and_logs_json(app, db_session, tmp_path) -> None:
    UserFactory(email="owner@example.gov.uk", role=Role.SERVICE_MANAGER)
    db_session.commit()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAIL_", "SCHEDULER_", "LOG_"))}
    env.update(
        TRACKER_ENV="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TRACKER_INSTANCE_PATH=str(tmp_path / "instance"),
        LOG_FORMAT="json",
    )

    def flask(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "users", *args]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    done = flask("set-role", "owner@example.gov.uk", "programme_manager")
    assert done.returncode == 0, done.stderr
    [logged] = [json.loads(line) for line in done.stderr.splitlines() if '"event"' in line]
    assert (logged["event"], logged["via"], logged["new_role"], logged["logger"]) == (
        "role_changed", "command_line", "programme_manager", "tracker.security"
    )  # fmt: skip
    assert flask("set-role", "owner@example.gov.uk", "chief").returncode == 1
    assert flask("set-role", "owner@example.gov.uk").returncode == 2
    assert flask("deactivate", "nobody@example.gov.uk").returncode == 3
