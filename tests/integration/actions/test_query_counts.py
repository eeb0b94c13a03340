"""Page work does not grow with the database: each list page runs as many SQL queries for 1,000
actions as for 10 (DESIGN §9), counted with a before_cursor_execute listener."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert

from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.integration.actions.conftest import Plan
from tracker.extensions import db
from tracker.models import Action, ActionStatus, ProgressUpdate, Rag

STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE)
RAGS = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, None)


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def add_actions(plan: Plan, count: int, start: int) -> None:
    """`count` more actions across both recommendations, a third of them the plan owner's and the rest spread
    over many people (so a query per owner would show), each with a progress update."""
    people = [plan.owner.id, *(user.id for user in UserFactory.create_batch(min(count, 40)))]
    rows = []
    for n in range(start, start + count):
        recommendation = plan.immediate if n % 2 else plan.six_months
        due_on = date(2026, 11, 24) + timedelta(days=(n % 120) - 40)
        rows.append(
            {
                "recommendation_id": recommendation.id,
                "inspection_id": plan.inspection.id,
                "reference": f"{recommendation.number}.{n + 10}",
                "title": f"Generated action {n}",
                "description": "",
                "owner_id": plan.owner.id if n % 3 == 0 else people[n % len(people)],
                "lead_agency": ("Leicester City Council", "NHS Leicester", "Leicestershire Police")[n % 3],
                "due_on": due_on,
                "original_due_on": due_on,
                "success_criteria": "",
                "status": STATUSES[n % 4],
                "rag": RAGS[n % 5],
                "position": n,
                "version": 1,
            }
        )
    db.session.execute(insert(Action), rows)
    ids = [action_id for (action_id,) in db.session.execute(db.select(Action.id).where(Action.position >= start))]
    db.session.execute(
        insert(ProgressUpdate),
        [
            {
                "action_id": action_id,
                "inspection_id": plan.inspection.id,
                "author_id": plan.owner.id,
                "created_at": datetime(2026, 11, 1, tzinfo=UTC),
                "status": ActionStatus.IN_PROGRESS,
                "rag": Rag.GREEN,
                "narrative": "Generated",
            }
            for action_id in ids
        ],
    )
    db.session.commit()


def pages(plan: Plan) -> dict[str, str]:
    return {
        "my actions": "/my-actions?status=all",
        "action list": "/actions?sort=owner&rag=green&q=generated",
        "plan": f"/inspections/{plan.inspection.id}/plan",
        "dashboard": f"/inspections/{plan.inspection.id}/dashboard",
    }


def queries_per_page(client, plan: Plan) -> dict[str, int]:  # noqa: ANN001
    counts = {}
    for name, url in pages(plan).items():
        client.get(url)  # warm: the first request may load what later ones cache
        with counting_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(statements)
    return counts


@pytest.mark.parametrize("persona", ["owner", "manager"])
def test_list_pages_run_the_same_queries_for_10_and_1000_actions(client, db_session, plan: Plan, persona: str) -> None:
    add_actions(plan, 8, start=100)  # with the plan's own two: 10 actions
    sign_in(client, getattr(plan, persona))
    with_ten = queries_per_page(client, plan)
    add_actions(plan, 990, start=2000)
    with_a_thousand = queries_per_page(client, plan)
    print(f"\nqueries per page as the {persona}: {with_ten} (10 actions), {with_a_thousand} (1,000 actions)")
    assert with_a_thousand == with_ten
    assert max(with_ten.values()) <= 12, with_ten


def test_a_progress_update_runs_six_statements_and_reads_nobody_again_after_its_commit(
    client, db_session, plan: Plan, caplog
) -> None:
    """The signed-in person, the action, the action locked and read again (one SELECT … FOR UPDATE of its own row,
    not joined again to what the first read loaded with it), whether
    anything changed since the form was opened (one statement for updates and audited changes), the UPDATE and
    the INSERT. The access log names the person from the session's identity map: reading user.id after the commit
    has expired it would load the row again."""
    sign_in(client, plan.owner)
    url, owner_id = f"/actions/{plan.action.id}/progress", plan.owner.id  # read before the counting starts
    page = client.get(url).get_data(as_text=True)
    hidden = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
              for name in ("version", "seen", "csrf_token")}  # fmt: skip
    caplog.set_level(logging.INFO, logger="tracker.access")

    with counting_queries() as statements:
        response = client.post(url, data={**hidden, "status": "in_progress", "rag": "green"})

    assert response.status_code == 302
    assert len(statements) == 6, "\n".join(statements)
    assert sum("FOR UPDATE" in statement for statement in statements) == 1 or db.engine.dialect.name == "sqlite"
    [loaded, locked] = [statement for statement in statements if statement.startswith("SELECT actions.")]
    assert "JOIN" in loaded and "JOIN" not in locked, locked
    # This request's line alone: the sign-in's POST is logged too when an earlier test left the logger at INFO.
    [line] = [r.getMessage() for r in caplog.records if r.name == "tracker.access" and f"POST {url}" in r.getMessage()]
    assert f"user_id={owner_id} " in line


def test_the_action_page_reads_the_plans_statutory_date_only_when_the_timescale_ends_with_it(
    client, db_session, plan: Plan
) -> None:
    """An immediate action's timescale ends with the action plan's statutory date (the inspection's default
    policy), so its page reads it to warn of a due date after it; a six-month action's ends six months after
    publication, and its page does not read it."""
    sign_in(client, plan.manager)
    read: dict[str, list[str]] = {}
    for name, action_id in (("immediate", plan.action.id), ("six months", plan.other_action.id)):
        client.get(f"/actions/{action_id}")  # warm
        with counting_queries() as statements:
            page = client.get(f"/actions/{action_id}").get_data(as_text=True)
        read[name] = statements
        if name == "immediate":
            assert "is after 9 September 2008, the end of the timescale" in page
    deadline_reads = {
        name: sum("FROM statutory_deadlines" in s for s in statements) for name, statements in read.items()
    }
    assert deadline_reads == {"immediate": 1, "six months": 0}
    assert len(read["six months"]) == len(read["immediate"]) - 1


def test_a_new_actions_form_works_out_its_default_due_date_once(client, db_session, plan: Plan) -> None:
    """The add-action form's due date and its hint are the same date, the end of the immediate timescale (the
    action plan's statutory date): read once for both."""
    sign_in(client, plan.manager)
    url = f"/recommendations/{plan.immediate.id}/actions/new"
    client.get(url)  # warm
    with counting_queries() as statements:
        page = client.get(url).get_data(as_text=True)
    assert sum("FROM statutory_deadlines" in s for s in statements) == 1
    assert re.search(r'id="due_on-day" name="due_on" type="text" value="09"', page), "the form's due date"
    assert re.search(r'id="due_on-year" name="due_on" type="text" value="2008"', page)
    assert "The timescale suggests 9 September 2008" in page
