"""My actions, the action list across inspections, and the inspection dashboard."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, InspectionFactory, ProgressUpdateFactory, RecommendationFactory, UserFactory
from tests.integration.actions.conftest import Plan
from tracker.models import ActionStatus, DeadlineAnchor, DueDateRequestState, Rag, StatutoryDeadline, Timescale


def my_actions(client, query: str = "") -> list[tuple[str, list[str]]]:  # noqa: ANN001
    """(section caption, [action references]) in page order."""
    page = soup(client.get(f"/my-actions{query}"))
    return [
        (
            table.select_one("caption").text.strip(),
            [a.text.split()[0] for a in table.select("tbody tr td:first-child a")],
        )
        for table in page.select("main table")
    ]


def test_my_actions_puts_overdue_first_then_due_soon_then_the_rest(client, db_session, plan: Plan) -> None:
    # Today is Tuesday 24 November 2026; ten working days on is Tuesday 8 December.
    rec = plan.immediate
    for reference, due_on, status in [
        ("1.2", date(2026, 11, 2), ActionStatus.IN_PROGRESS),  # 16 working days overdue
        ("1.3", date(2026, 11, 23), ActionStatus.NOT_STARTED),  # 1 working day overdue
        ("1.4", date(2026, 12, 8), ActionStatus.IN_PROGRESS),  # due in 10: due soon
        ("1.5", date(2026, 12, 9), ActionStatus.IN_PROGRESS),  # later
        ("1.6", None, ActionStatus.IN_PROGRESS),  # no due date: later, last
        ("1.7", date(2026, 1, 1), ActionStatus.COMPLETE),  # closed
    ]:
        ActionFactory(recommendation=rec, reference=reference, due_on=due_on, status=status, owner=plan.owner)
    ActionFactory(recommendation=rec, reference="9.9", due_on=date(2026, 1, 1), owner=plan.other_owner)
    db_session.commit()
    sign_in(client, plan.owner)
    page = soup(client.get("/my-actions"))
    counts = [p.text.split() for p in page.select(".app-count-card")]
    assert [c[0] for c in counts] == ["2", "1", "3", "1"]
    assert my_actions(client) == [
        ("Overdue", ["1.2", "1.3"]),
        ("Due in the next 10 working days", ["1.4"]),
        ("Due later", ["1.5", "1.1", "1.6"]),
    ]
    overdue = page.select_one("#section-0").text
    assert "16 working days overdue" in overdue and "1 working day overdue" in overdue
    link = page.select_one("#section-0 tbody tr a[href$='/progress']")
    assert link["href"].endswith("/progress") and "Update progress" in link.text
    assert my_actions(client, "?status=complete") == [("Complete or no longer required", ["1.7"])]
    assert len(my_actions(client, "?status=all")) == 4


def test_my_actions_filters_by_inspection(client, db_session, plan: Plan) -> None:
    other = InspectionFactory(title="Annual performance assessment")
    ActionFactory(recommendation=RecommendationFactory(inspection=other), reference="A.1", owner=plan.owner)
    db_session.commit()
    sign_in(client, plan.owner)
    page = soup(client.get("/my-actions"))
    options = [o.text for o in page.select("select[name=inspection] option")]
    assert options == ["All inspections", plan.inspection.title, "Annual performance assessment"]
    assert [r for _, refs in my_actions(client, f"?inspection={other.id}") for r in refs] == ["A.1"]
    assert [r for _, refs in my_actions(client, "?inspection=nonsense&status=nonsense") for r in refs] == ["1.1", "A.1"]


def test_my_actions_is_paginated(client, db_session, plan: Plan) -> None:
    for n in range(30):
        ActionFactory(
            recommendation=plan.six_months, reference=f"2.{n + 10}", owner=plan.owner, due_on=date(2027, 1, 1 + n % 28)
        )
    db_session.commit()
    sign_in(client, plan.owner)
    first = soup(client.get("/my-actions"))
    assert "Showing 1 to 25 of 31 actions" in first.text
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert parse_qs(urlparse(next_link).query) == {"page": ["2"], "status": ["open"]}
    second = soup(client.get(next_link))
    assert "Showing 26 to 31 of 31 actions" in second.text


def test_the_action_list_filters_sorts_and_keeps_the_filters_in_the_url(client, db_session, plan: Plan) -> None:
    police = UserFactory(name="Insp. Dan Cole", organisation="Leicestershire Police")
    ActionFactory(
        recommendation=plan.six_months,
        reference="2.2",
        title="Joint protocol for missing children",
        owner=police,
        lead_agency="Leicestershire Police",
        rag=Rag.RED,
        due_on=date(2026, 10, 1),
    )
    ActionFactory(
        recommendation=plan.six_months,
        reference="2.3",
        title="Train 100% of staff_members",
        rag=Rag.BLUE,
        status=ActionStatus.COMPLETE,
        due_on=date(2026, 9, 1),
    )
    db_session.commit()
    sign_in(client, plan.viewer)

    def refs(query: str) -> list[str]:
        page = soup(client.get(f"/actions?{query}"))
        return [a.text.split()[0] for a in page.select("main table tbody tr td:first-child a")]

    assert refs("") == ["2.3", "2.2", "1.1", "2.1"]
    assert refs("sort=-due") == ["1.1", "2.1", "2.2", "2.3"]
    assert refs("sort=rag") == ["2.2", "1.1", "2.1", "2.3"]
    assert refs(f"owner={police.id}") == ["2.2"]
    assert refs("agency=Leicestershire+Police") == ["2.2"]
    assert refs("rag=red") == ["2.2"]
    assert refs("status=complete") == ["2.3"]
    assert refs("status=open&overdue=yes") == ["2.2"]
    assert refs("timescale=immediate") == ["1.1"]
    assert refs("q=MISSING") == ["2.2"]
    assert refs("q=100%25") == ["2.3"]  # % is searched for, not a wildcard
    assert refs("q=of_staff") == []  # nor is _ (as a wildcard it would match "of staff")
    assert refs("q=f_m") == ["2.3"]
    assert refs("rag=purple&sort=nonsense&page=x") == ["2.3", "2.2", "1.1", "2.1"]
    page = soup(client.get(f"/actions?owner={police.id}&rag=red&sort=title"))
    assert page.select_one(f"select[name=owner] option[value='{police.id}']").has_attr("selected")
    assert page.select_one("select[name=sort] option[value=title]").has_attr("selected")
    assert page.select_one("form.app-filters")["method"] == "get"
    assert "Clear filters" in page.text


def test_the_action_list_is_paginated_with_the_filters_in_every_link(client, db_session, plan: Plan) -> None:
    for n in range(60):
        ActionFactory(recommendation=plan.six_months, reference=f"2.{n + 10}", rag=Rag.AMBER)
    db_session.commit()
    sign_in(client, plan.viewer)
    page = soup(client.get("/actions?rag=amber&sort=title"))
    assert "Showing 1 to 50 of 60 actions" in page.text
    link = page.select_one(".govuk-pagination__next a")["href"]
    assert parse_qs(urlparse(link).query) == {"page": ["2"], "rag": ["amber"], "sort": ["title"]}
    assert "Showing 51 to 60 of 60 actions" in soup(client.get(link)).text


def test_the_dashboard_counts_by_rag_and_timescale(client, db_session, plan: Plan) -> None:
    ActionFactory(recommendation=plan.immediate, reference="1.2", rag=Rag.RED, due_on=date(2026, 11, 2))
    ActionFactory(recommendation=plan.immediate, reference="1.3", rag=None, status=ActionStatus.NOT_STARTED)
    longer = RecommendationFactory(inspection=plan.inspection, number="3", timescale=Timescale.LONGER_TERM, position=2)
    ActionFactory(recommendation=longer, reference="3.1", rag=Rag.BLUE, status=ActionStatus.COMPLETE)
    ProgressUpdateFactory(action=plan.action, narrative="Latest news from the front line")
    db_session.commit()
    sign_in(client, plan.viewer)
    page = soup(client.get(f"/inspections/{plan.inspection.id}/dashboard"))
    grid = page.select_one("table")
    rows = {
        tr.select_one("th").text.strip(): [td.text.strip() for td in tr.select("td")] for tr in grid.select("tbody tr")
    }
    assert rows == {
        "For immediate action": ["1", "0", "1", "0", "1", "3"],
        "Within six months": ["0", "0", "1", "0", "0", "1"],
        "In the longer term": ["0", "0", "0", "1", "0", "1"],
        "All timescales": ["1", "0", "2", "1", "1", "5"],
    }
    assert [h.text.strip() for h in grid.select("thead th")][1:5] == ["Red", "Amber", "Green", "Blue"]
    assert page.select_one(".app-count-card--overdue").text.split()[0] == "1"
    assert "16 working days overdue" in page.text
    assert "Publish the action plan" in page.text and "Publish the report locally" in page.text
    assert "Latest news from the front line" in page.text


def test_the_dashboard_shows_its_own_inspections_updates_however_new_anothers(client, db_session, plan: Plan) -> None:
    """An update is filed under its action's inspection when it is recorded (the dashboard reads its newest updates
    by that, without joining the actions): one typed in the progress form shows on its own dashboard and not on
    another inspection's, whose newer updates do not show here."""
    elsewhere = ActionFactory(owner=plan.owner)
    for n in range(3):
        ProgressUpdateFactory(
            action=elsewhere, narrative=f"Elsewhere {n}", created_at=datetime(2026, 11, 25 + n, 9, tzinfo=UTC)
        )
    ProgressUpdateFactory(
        action=plan.other_action, narrative="Earlier here", created_at=datetime(2026, 11, 2, 9, tzinfo=UTC)
    )
    db_session.commit()
    sign_in(client, plan.owner)
    form = soup(client.get(f"/actions/{plan.action.id}/progress"))
    hidden = {name: form.select_one(f"input[name={name}]")["value"] for name in ("version", "seen")}
    typed = {**hidden, "status": "in_progress", "rag": "green", "narrative": "Typed in the form today"}
    assert client.submit(f"/actions/{plan.action.id}/progress", typed).status_code == 302
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, plan.viewer)

    def recent(inspection_id: int) -> list[str]:
        page = soup(client.get(f"/inspections/{inspection_id}/dashboard"))
        return [item.select_one(".app-preserve-lines").text for item in page.select(".app-recent-updates > li")]

    assert recent(plan.inspection.id) == ["Typed in the form today", "Earlier here"]
    assert recent(elsewhere.inspection_id) == ["Elsewhere 2", "Elsewhere 1", "Elsewhere 0"]


def test_the_dashboard_lists_the_ten_most_overdue_with_their_owners(client, db_session, plan: Plan) -> None:
    """Issue 17: the ten are chosen first and their owners joined after; the owner's column as everywhere else."""
    gone = UserFactory(name="Lee Gone", active=False)
    owners = [plan.owner, gone, None]
    for n in range(12):  # 12 overdue: due 2, 3, … 13 November
        ActionFactory(
            recommendation=plan.immediate, reference=f"1.{n + 2}", due_on=date(2026, 11, 2 + n), owner=owners[n % 3]
        )
    long_ago = date(2026, 10, 1)
    ActionFactory(recommendation=plan.immediate, reference="1.90", due_on=long_ago, archived_at=datetime.now(UTC))
    ActionFactory(recommendation=plan.immediate, reference="1.91", due_on=long_ago, status=ActionStatus.COMPLETE)
    db_session.commit()
    sign_in(client, plan.viewer)
    page = soup(client.get(f"/inspections/{plan.inspection.id}/dashboard"))
    assert page.select_one(".app-count-card--overdue").text.split()[0] == "12"
    table = page.find("caption", string="Overdue actions, most overdue first").find_parent("table")
    rows = [[cell.text.strip() for cell in tr.select("td")] for tr in table.select("tbody tr")]
    assert [row[0].split()[0] for row in rows] == [f"1.{n + 2}" for n in range(10)]
    assert [row[1] for row in rows[:3]] == ["Sam Patel", "Lee Gone (deactivated)", "No owner yet"]
    assert rows[0][2].startswith("2 Nov 2026") and rows[0][2].endswith("16 working days overdue")
    assert page.find("a", string="See all 12 overdue actions")


def test_the_dashboard_words_a_deadline_without_a_date_as_the_report_does(client, db_session, plan: Plan) -> None:
    plan.inspection.received_on = None
    publish = db_session.scalars(
        select(StatutoryDeadline).where(
            StatutoryDeadline.inspection_id == plan.inspection.id,
            StatutoryDeadline.title == "Publish the report locally",
        )
    ).one()
    publish.anchor = DeadlineAnchor.RECEIVED_ON
    publish.due_on = publish.computed_due_on = None
    db_session.commit()
    sign_in(client, plan.viewer)
    page = soup(client.get(f"/inspections/{plan.inspection.id}/dashboard"))
    row = next(tr for tr in page.select("table tr") if "Publish the report locally" in tr.text)
    assert [td.text.strip() for td in row.select("td")][1:] == [
        "Not set",
        "No date set: the date the council received the report not recorded",
    ]


def test_the_dashboard_shows_the_ten_newest_updates_and_every_request_waiting(client, db_session, plan: Plan) -> None:
    """Read in one query: the ten newest updates, newest first, and the requests waiting for a decision however old,
    oldest first, leaving out those on archived actions."""
    old_request = ProgressUpdateFactory(
        action=plan.action,
        narrative="Old request",
        requested_due_on=date(2027, 3, 1),
        request_state=DueDateRequestState.PENDING,
        created_at=datetime(2026, 9, 1, 9, tzinfo=UTC),
    )
    gone = ActionFactory(recommendation=plan.immediate, reference="1.9", archived_at=datetime(2026, 11, 2, tzinfo=UTC))
    ProgressUpdateFactory(
        action=gone,
        narrative="On an archived action",
        requested_due_on=date(2027, 3, 2),
        request_state=DueDateRequestState.PENDING,
        created_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
    )
    for n in range(12):
        ProgressUpdateFactory(
            action=plan.other_action, narrative=f"Update {n}", created_at=datetime(2026, 11, 10 + n, 9, tzinfo=UTC)
        )
    db_session.commit()
    sign_in(client, plan.viewer)

    page = soup(client.get(f"/inspections/{plan.inspection.id}/dashboard"))

    waiting = page.select_one("#pending-requests").find_next("ul").select("li")
    assert [" ".join(item.text.split()) for item in waiting] == [
        f"{plan.action.reference} {plan.action.title}: {old_request.author.name} asks for 1 March 2027"
    ]
    recent = [item.select_one(".app-preserve-lines").text for item in page.select(".app-recent-updates > li")]
    assert recent == [f"Update {n}" for n in range(11, 1, -1)]
