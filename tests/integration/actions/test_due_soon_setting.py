"""Every "due soon" on a page reads the one setting, DUE_SOON_WORKING_DAYS (as the reminder emails do)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory
from tests.integration.actions.conftest import Plan
from tracker.models import ActionStatus, StatutoryDeadline

# Today is Tuesday 24 November 2026: 3 working days on is Friday 27 November, 5 is Tuesday 1 December.
IN_THREE_WORKING_DAYS = date(2026, 11, 27)
IN_FIVE_WORKING_DAYS = date(2026, 12, 1)


@pytest.fixture
def due_soon_three(app, db_session, plan: Plan) -> Plan:  # noqa: ANN001
    for reference, due_on in [("1.2", IN_THREE_WORKING_DAYS), ("1.3", IN_FIVE_WORKING_DAYS)]:
        ActionFactory(recommendation=plan.immediate, reference=reference, due_on=due_on, owner=plan.owner)
    plan.action.due_on, plan.action.status = date(2027, 6, 1), ActionStatus.IN_PROGRESS
    deadline = _first_deadline(db_session, plan)
    deadline.due_on, deadline.met_on = IN_FIVE_WORKING_DAYS, None
    app.config["DUE_SOON_WORKING_DAYS"] = 3
    return plan


def _first_deadline(db_session, plan: Plan) -> StatutoryDeadline:  # noqa: ANN001
    query = select(StatutoryDeadline).where(StatutoryDeadline.inspection_id == plan.inspection.id)
    return db_session.scalars(query.order_by(StatutoryDeadline.id)).first()


def _captions(page) -> dict[str, list[str]]:  # noqa: ANN001
    return {
        table.select_one("caption").text.strip(): [a.text.split()[0] for a in table.select("tbody tr td:first-child a")]
        for table in page.select("main table")
    }


def test_my_actions_and_the_home_page_use_the_setting(client, db_session, due_soon_three: Plan) -> None:
    db_session.commit()
    sign_in(client, due_soon_three.owner)

    mine = soup(client.get("/my-actions"))
    assert _captions(mine) == {"Due in the next 3 working days": ["1.2"], "Due later": ["1.3", "1.1"]}
    assert "1 due in the next 3 working days" in " ".join(mine.select_one(".app-count-card--soon").text.split())

    home = soup(client.get("/"))
    assert "1 due in the next 3 working days" in " ".join(home.select_one(".app-count-card--soon").text.split())
    assert "Due in the next 3 working days" in _captions(home)
    assert "10 working days" not in home.text and "10 working days" not in mine.text


def test_a_statutory_deadline_is_due_soon_by_the_same_setting(client, db_session, due_soon_three: Plan, app) -> None:  # noqa: ANN001
    deadline = _first_deadline(db_session, due_soon_three)
    db_session.commit()
    sign_in(client, due_soon_three.manager)
    page = f"/inspections/{due_soon_three.inspection.id}"
    tag = f"#deadline-{deadline.id} .govuk-tag"
    assert soup(client.get(page)).select_one(tag).text.strip() == "Open"

    app.config["DUE_SOON_WORKING_DAYS"] = 10
    assert soup(client.get(page)).select_one(tag).text.strip() == "Due soon"
