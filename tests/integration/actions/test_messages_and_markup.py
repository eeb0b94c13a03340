"""Small things the audit of issue 4 found: clear messages, valid markup, the right closing date."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from tests.conftest import sign_in, soup
from tests.factories import ProgressUpdateFactory
from tests.integration.actions.conftest import Plan
from tests.integration.actions.test_lifecycle import change
from tracker.models import DueDateRequestState

_TAG = re.compile(r"<textarea\b([^>]*)>")
_ATTRIBUTE = re.compile(r"\s([a-zA-Z_:-]+)(?==)")


def test_no_textarea_repeats_an_attribute(client, db_session, plan: Plan) -> None:
    ProgressUpdateFactory(
        action=plan.action,
        requested_due_on=datetime(2027, 2, 26).date(),
        request_reason="Supplier late",
        request_state=DueDateRequestState.PENDING,
    )
    db_session.commit()
    sign_in(client, plan.manager)
    pages = {
        f"/recommendations/{plan.immediate.id}/actions/new": {"description": "3", "success_criteria": "4"},
        f"/actions/{plan.action.id}/progress": {"narrative": "6", "evidence_links": "3", "request_reason": "3"},
        f"/actions/{plan.action.id}": {},
    }
    for url, expected_rows in pages.items():
        html = client.get(url).get_data(as_text=True)
        tags = _TAG.findall(html)
        assert tags, url
        for attributes in tags:
            repeated = [name for name, count in Counter(_ATTRIBUTE.findall(attributes)).items() if count > 1]
            assert not repeated, (url, attributes)
        rows = {area["name"]: area["rows"] for area in soup(client.get(url)).select("textarea")}
        assert expected_rows.items() <= rows.items(), url


def test_a_closed_plan_shows_the_day_it_was_closed(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    change(client, plan, "published", ["9", "9", "2008"])
    plan_page = f"/inspections/{plan.inspection.id}/plan"
    assert "Published on 9 September 2008" in soup(client.get(plan_page)).get_text(" ", strip=True)
    client.application.config["TRACKER_NOW"] = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # 26th in London
    sign_in(client, plan.manager)  # two days on, the session has been idle too long
    change(client, plan, "closed")
    text = soup(client.get(plan_page)).get_text(" ", strip=True)
    assert "Closed on 26 November 2026 (published 9 September 2008)" in text


def test_an_impossible_plan_status_change_says_what_is_possible(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    change(client, plan, "published", ["9", "9", "2008"])
    response = change(client, plan, "consultation")
    assert response.status_code == 400
    summary = soup(response).select_one(".govuk-error-summary").text
    assert "The plan is published: it can become closed, not out for consultation" in summary
    assert "Not a valid choice" not in summary


def test_bulk_assigning_actions_someone_already_owns_says_so(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/inspections/{plan.inspection.id}/plan/assign"
    response = client.submit(url, {"owner_id": str(plan.owner.id), "action_ids": [str(plan.action.id)]})
    assert "Sam Patel already owns the selected action" in soup(client.get(response.headers["Location"])).text
    both = [str(plan.action.id), str(plan.other_action.id)]
    response = client.submit(url, {"owner_id": str(plan.owner.id), "action_ids": both})
    message = soup(client.get(response.headers["Location"])).text
    assert "Sam Patel now owns 1 more action (1 of those selected was already theirs)" in message
    response = client.submit(url, {"owner_id": str(plan.owner.id), "action_ids": both})
    assert "Sam Patel already owns all 2 selected actions" in soup(client.get(response.headers["Location"])).text
