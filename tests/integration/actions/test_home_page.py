"""The home page's counts: every rating including "Not rated", and a programme manager's revised due dates waiting
for a decision."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, InspectionFactory, ProgressUpdateFactory, RecommendationFactory
from tests.integration.actions.conftest import Plan
from tracker.models import DueDateRequestState, Rag


def _ratings(page) -> dict[str, str]:  # noqa: ANN001
    return {
        item.select_one(".app-rag").text.strip(): item.text.replace(item.select_one(".app-rag").text, "").strip()
        for item in page.select("main table tbody tr td ul li")
    }


def _pending(action, **values) -> None:  # noqa: ANN001, ANN003
    ProgressUpdateFactory(
        action=action,
        requested_due_on=datetime(2027, 2, 26).date(),
        request_reason="The supplier moved go-live",
        request_state=DueDateRequestState.PENDING,
        created_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
        **values,
    )


def test_the_rating_counts_include_actions_not_rated_yet(client, db_session, plan: Plan) -> None:
    ActionFactory(recommendation=plan.immediate, reference="1.2", owner=plan.owner, rag=None)
    ActionFactory(recommendation=plan.immediate, reference="1.3", owner=plan.owner, rag=None)
    plan.other_action.rag = Rag.RED
    db_session.commit()
    sign_in(client, plan.manager)
    ratings = _ratings(soup(client.get("/")))
    assert ratings == {"Red": "1", "Amber": "0", "Green": "1", "Blue": "0", "Not rated": "2"}


def test_a_programme_manager_sees_the_requests_waiting_for_a_decision(client, db_session, plan: Plan) -> None:
    _pending(plan.action)
    _pending(plan.other_action)
    ProgressUpdateFactory(action=plan.action, requested_due_on=datetime(2027, 3, 1).date(),
                          request_state=DueDateRequestState.APPROVED)  # fmt: skip
    elsewhere = ActionFactory(recommendation=RecommendationFactory(inspection=InspectionFactory()))
    _pending(elsewhere)  # not an inspection Jo runs
    db_session.commit()

    sign_in(client, plan.manager)
    page = soup(client.get("/"))
    section = page.select_one("#waiting-for-decision")
    assert section is not None and section.text == "Waiting for your decision"
    card = section.find_next("p")
    assert " ".join(card.text.split()) == "2 requests for a revised due date"
    [link] = section.find_next("ul").select("a")
    assert link.text == f"2 waiting in {plan.inspection.title}"
    assert link["href"] == f"/inspections/{plan.inspection.id}/dashboard#pending-requests"
    dashboard = soup(client.get(link["href"].split("#")[0]))
    assert dashboard.select_one("#pending-requests").text == "Revised due dates waiting for a decision"


def test_an_owner_is_not_shown_the_requests(client, db_session, plan: Plan) -> None:
    _pending(plan.action)
    db_session.commit()
    sign_in(client, plan.owner)
    assert soup(client.get("/")).select_one("#waiting-for-decision") is None


def test_the_home_page_lists_the_latest_ten_inspections_and_leads_to_the_rest(client, db_session, plan: Plan) -> None:
    for n in range(11):
        InspectionFactory(title=f"Later inspection {n}", published_on=date(2020, 1, 1 + n))
    db_session.commit()
    sign_in(client, plan.owner)

    page = soup(client.get("/"))

    titles = [
        row.select_one("td").text.strip() for row in page.select("main table tbody tr") if "inspection" in row.text
    ]
    assert titles == [f"Later inspection {n}" for n in range(10, 0, -1)]
    note = page.find(string=lambda text: text and "These are the latest" in text).parent
    assert " ".join(note.text.split()) == "These are the latest 10 of 12. See every inspection"
    assert note.select_one("a")["href"] == "/inspections"


def test_requests_waiting_in_an_inspection_past_the_first_ten_are_still_counted(client, db_session, plan: Plan) -> None:
    for n in range(10):
        InspectionFactory(published_on=date(2020, 1, 1 + n), managers=[plan.manager])
    _pending(plan.action)  # plan.inspection was published in 2008: the eleventh, not listed
    db_session.commit()
    sign_in(client, plan.manager)

    page = soup(client.get("/"))

    assert plan.inspection.title not in page.select_one("main table").text
    [link] = page.select_one("#waiting-for-decision").find_next("ul").select("a")
    assert link.text == f"1 waiting in {plan.inspection.title}"
