"""One transaction boundary (tracker/transactions.py): a request commits once when its view answers without an
error, and leaves nothing behind otherwise; nothing else in the app commits except the places named here."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, abort, redirect
from sqlalchemy import delete, func, select

import config
from tracker import create_app, transactions
from tracker.extensions import db
from tracker.models import Role, User

TRACKER = Path(__file__).resolve().parents[2] / "tracker"

# Modules that may commit or roll back the session themselves, and why.
OWN_BOUNDARIES = {
    "transactions.py": "the boundary itself",
    "jobs/__init__.py": "the job runner: a run, its JobRun row and its emails commit together; a dry run rolls back",
    "outbox/sender.py": "commits as it goes, so a crash leaves at most the email being sent in doubt",
    "scheduler/lease.py": "the scheduler's lease is renewed in a transaction of its own",
    "scheduler/runner.py": "the scheduler process recovers from a failed job by rolling back",
    "errors.py": "the 500 page rolls back a failed transaction so the connection can serve the next request",
    "health/services.py": "a failed health probe rolls back so the next one can run",
}
# Only the edge (routes, the API's authentication) may commit early or keep an error's changes.
EDGE_ONLY = {"commit_now", "keep_changes"}


def _calls(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node.func.attr, node.lineno
            owner = node.func.value
            on_session = isinstance(owner, ast.Attribute) and owner.attr == "session"
            if node.func.attr in {"commit", "rollback"} and on_session:
                yield "session." + node.func.attr, node.lineno


def test_only_the_named_places_commit_or_roll_back() -> None:
    offenders = []
    for path in sorted(TRACKER.rglob("*.py")):
        name = path.relative_to(TRACKER).as_posix()
        for call, line in _calls(path):
            if call.startswith("session.") and name not in OWN_BOUNDARIES:
                offenders.append(f"{name}:{line} calls db.{call}() (use tracker.transactions)")
            is_edge = "/routes" in name or name.endswith("routes.py") or name == "api/auth.py"
            if call in EDGE_ONLY and not is_edge:
                offenders.append(f"{name}:{line} calls {call}() outside a route")
    assert offenders == []


@pytest.fixture
def probe_app(database_url: str, app: Flask) -> Flask:
    """The app with routes that add a person and then answer in different ways."""

    class Config(config.TestingConfig):
        WTF_CSRF_ENABLED = False

    probe = create_app(Config)
    probe.config["SQLALCHEMY_DATABASE_URI"] = database_url

    def add_person(name: str) -> None:
        db.session.add(User(name=name, email=f"{name}@example.gov.uk", role=Role.VIEWER, job_title="", organisation=""))
        db.session.flush()

    @probe.route("/probe/<outcome>", methods=["GET", "POST"])
    def answer(outcome: str):  # noqa: ANN202 - a test view
        add_person(outcome)
        if outcome == "refused":
            return "refused", 400
        if outcome == "kept":
            transactions.keep_changes()
            return "kept", 400
        if outcome == "missing":
            abort(404)
        if outcome == "broken":
            raise RuntimeError("a bug in a view")
        if outcome == "early":
            transactions.commit_now()
            return "counted, then refused", 429
        return redirect("/")

    return probe


def _people(probe: Flask, name: str) -> int:
    with probe.app_context():
        return db.session.scalar(select(func.count()).select_from(User).where(User.name == name)) or 0


@pytest.mark.parametrize(
    ("method", "outcome", "kept"),
    [
        ("POST", "saved", 1),
        ("POST", "refused", 0),
        ("POST", "kept", 1),
        ("POST", "missing", 0),
        ("POST", "broken", 0),
        ("POST", "early", 1),
        ("GET", "saved", 0),
    ],
)
def test_a_request_commits_once_when_its_view_answers_without_an_error(
    probe_app: Flask, database_url: str, method: str, outcome: str, kept: int
) -> None:
    probe_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = probe_app.test_client().open(f"/probe/{outcome}", method=method)
    assert response.status_code < 600
    assert _people(probe_app, outcome) == kept
    with probe_app.app_context():
        db.session.execute(delete(User).where(User.name == outcome))
        db.session.commit()


def test_a_command_commits_when_it_returns_and_leaves_nothing_when_it_raises(app: Flask, db_session) -> None:
    @transactions.committed
    def invite(name: str, *, fail: bool) -> None:
        db.session.add(User(name=name, email=f"{name}@example.gov.uk", role=Role.VIEWER, job_title="", organisation=""))
        db.session.flush()
        if fail:
            raise RuntimeError("refused half way")

    invite("finished", fail=False)
    with pytest.raises(RuntimeError):
        invite("halfway", fail=True)
    db.session.remove()
    names = set(db.session.scalars(select(User.name)))
    assert "finished" in names and "halfway" not in names
