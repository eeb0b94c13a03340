"""The All actions list's filter choices (written in Python rather than by govukSelect), its page past the end,
its due-date order with undated actions, and inspections loaded without their report text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, InspectionFactory, RecommendationFactory, UserFactory
from tests.integration.actions.conftest import Plan
from tracker.actions.queries import action_list
from tracker.extensions import db


def options(page, name: str) -> list[tuple[str, str, bool]]:  # noqa: ANN001
    return [
        (option["value"], option.text, option.has_attr("selected"))
        for option in page.select(f"select[name={name}] option")
    ]


def test_owner_and_agency_choices_are_escaped_listed_once_and_leave_out_archived_actions(
    client, db_session, plan: Plan
) -> None:
    tricky = UserFactory(name='<b>"O\'Neil" & Co</b>')
    ActionFactory(recommendation=plan.six_months, reference="2.2", owner=tricky, lead_agency="NHS <Trust>")
    ActionFactory(recommendation=plan.six_months, reference="2.3", owner=tricky, lead_agency="NHS <Trust>")
    gone = UserFactory(name="Archived Only")
    ActionFactory(
        recommendation=plan.six_months,
        reference="2.4",
        owner=gone,
        lead_agency="Old Agency",
        archived_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    ActionFactory(recommendation=plan.six_months, reference="2.5", owner=None, lead_agency="")
    db_session.commit()
    sign_in(client, plan.viewer)

    response = client.get(f"/actions?owner={tricky.id}&agency=NHS+%3CTrust%3E")
    page = soup(response)

    assert "<b>" not in response.text.split('name="owner"', 1)[1].split("</select>", 1)[0]
    assert options(page, "owner") == [
        ("", "Anyone", False),
        (str(tricky.id), '<b>"O\'Neil" & Co</b>', True),
        (str(plan.other_owner.id), "Ruth Allen", False),
        (str(plan.owner.id), "Sam Patel", False),
    ]
    assert options(page, "agency") == [
        ("", "Any agency", False),
        ("Leicester City Council", "Leicester City Council", False),
        ("NHS <Trust>", "NHS <Trust>", True),
    ]
    assert options(page, "inspection") == [
        ("", "All inspections", False),
        (str(plan.inspection.id), plan.inspection.title, False),
    ]
    assert [option[0] for option in options(page, "sort")][:2] == ["due", "-due"]
    assert page.select_one("label[for=owner]").text.strip() == "Owner"
    assert [a.text.split()[0] for a in page.select("main table tbody tr td:first-child a")] == ["2.2", "2.3"]


def test_a_page_past_the_end_shows_the_last_page(client, db_session, plan: Plan) -> None:
    for n in range(55):
        ActionFactory(recommendation=plan.six_months, reference=f"2.{n + 10}")
    db_session.commit()
    sign_in(client, plan.viewer)

    page = soup(client.get("/actions?page=9"))

    assert "Showing 51 to 57 of 57 actions" in page.text
    assert len(page.select("main table tbody tr")) == 7
    assert soup(client.get("/actions?owner=999999&page=3")).select_one("main table") is None


def test_due_date_order_puts_undated_actions_last_both_ways(client, db_session, plan: Plan) -> None:
    ActionFactory(recommendation=plan.six_months, reference="2.2", due_on=None, original_due_on=None)
    ActionFactory(recommendation=plan.six_months, reference="2.3", due_on=date(2026, 1, 5))
    db_session.commit()
    sign_in(client, plan.viewer)

    def refs(query: str) -> list[str]:
        page = soup(client.get(f"/actions?{query}"))
        return [a.text.split()[0] for a in page.select("main table tbody tr td:first-child a")]

    assert refs("") == ["2.3", "1.1", "2.1", "2.2"]
    assert refs("sort=-due") == ["1.1", "2.1", "2.3", "2.2"]


def test_lists_of_inspections_leave_the_report_text_in_the_database(client, db_session, plan: Plan) -> None:
    plan.inspection.source_text = "THE WHOLE REPORT " * 5000
    db_session.commit()
    sign_in(client, plan.viewer)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for url in ("/actions", "/", "/my-actions", f"/inspections/{plan.inspection.id}/dashboard"):
            assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements and not [statement for statement in statements if "source_text" in statement]
    page = soup(client.get(f"/inspections/{plan.inspection.id}"))
    assert "THE WHOLE REPORT" in page.text  # read where it is shown


def test_past_the_longest_select_the_owner_and_inspection_filters_are_search_boxes(
    client, db_session, plan: Plan, monkeypatch
) -> None:
    """A council with more owners (or inspections) than a select can sensibly hold gets a search box, which finds
    people by part of their name or email address (inspections by council or title); the page's cost no longer
    grows with them."""
    monkeypatch.setattr(action_list, "LONGEST_SELECT", 2)
    police = UserFactory(name="Priya Shah", email="p.shah@police.example")
    ActionFactory(recommendation=plan.six_months, reference="2.2", owner=police)
    other = InspectionFactory(authority="Rutland County Council", title="Rutland focused visit")
    ActionFactory(recommendation=RecommendationFactory(inspection=other), reference="A.1", owner=plan.owner)
    InspectionFactory(title="A third inspection")
    db_session.commit()
    sign_in(client, plan.viewer)

    page = soup(client.get("/actions"))
    assert page.select_one("select[name=owner]") is None and page.select_one("select[name=inspection]") is None
    assert page.select_one("input[name=owner_name]")["aria-describedby"] == "owner_name-hint"
    assert page.select_one("label[for=owner_name]").text.strip() == "Owner"

    def refs(query: str) -> list[str]:
        found = soup(client.get(f"/actions?{query}"))
        return [a.text.split()[0] for a in found.select("main table tbody tr td:first-child a")]

    assert refs("owner_name=SHAH") == ["2.2"]
    assert refs("owner_name=police.example") == ["2.2"]
    assert refs("owner_name=nobody+at+all") == []
    assert refs("inspection_name=rutland") == ["A.1"]
    found = soup(client.get("/actions?owner_name=shah"))
    assert found.select_one("input[name=owner_name]")["value"] == "shah"

    # An owner chosen by id (an older link) still filters, is said, and can be dropped.
    chosen = soup(client.get(f"/actions?owner={police.id}&rag=red"))
    hidden = chosen.select_one("form input[type=hidden][name=owner]")
    assert hidden is not None and hidden["value"] == str(police.id)
    said = hidden.find_next("p")
    assert " ".join(said.text.split()).startswith("Only the actions of the owner Priya Shah.")
    assert said.select_one("a")["href"] == "/actions?rag=red"


def test_a_long_list_of_owners_costs_the_same_queries_as_a_short_one(
    client, db_session, plan: Plan, monkeypatch
) -> None:
    """The owners are read only as far as one more than a select holds: as many statements either side of it."""
    monkeypatch.setattr(action_list, "LONGEST_SELECT", 3)
    sign_in(client, plan.viewer)

    def statements() -> int:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/actions").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements()
    for n in range(5):
        ActionFactory(recommendation=plan.six_months, reference=f"2.{n + 10}", owner=UserFactory())
    db_session.commit()
    assert statements() == few - 1  # the names of the owners are no longer read


def test_every_row_links_to_its_action_as_url_for_builds_it(app, client, db_session, plan: Plan) -> None:
    """The rows' links are built around one URL made per page (template_filters.url_around), not one per row."""
    from flask import url_for

    from tracker.template_filters import url_around

    sign_in(client, plan.viewer)
    page = soup(client.get("/actions"))
    with app.test_request_context():
        expected = {url_for("actions.view_action", action_id=action.id) for action in (plan.action, plan.other_action)}
        assert url_around("actions.record_progress", "action_id") == ("/actions/", "/progress")
    assert {a["href"] for a in page.select("main table tbody tr td:first-child a")} == expected
