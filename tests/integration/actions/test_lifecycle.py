"""The plan's lifecycle: draft → out for consultation → published (checked against the statutory date) → closed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, RecommendationFactory
from tests.integration.actions.conftest import Plan
from tracker.models import AuditEvent, DeadlineKind, Inspection, PlanStatus, StatutoryDeadline


def plan_deadline(db_session, inspection_id: int) -> StatutoryDeadline:  # noqa: ANN001
    return db_session.scalars(
        select(StatutoryDeadline).where(
            StatutoryDeadline.inspection_id == inspection_id, StatutoryDeadline.kind == DeadlineKind.ACTION_PLAN
        )
    ).one()


def change(client, plan: Plan, status: str, published_on: list[str] | None = None):  # noqa: ANN001, ANN201
    data: dict[str, object] = {"status": status}
    if published_on is not None:
        data["published_on"] = published_on
    return client.submit(f"/inspections/{plan.inspection.id}/plan/status", data)


def test_publishing_on_the_statutory_date_marks_the_deadline_met(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    assert change(client, plan, "consultation").status_code == 302
    assert db_session.get(Inspection, plan.inspection.id).plan_status == PlanStatus.CONSULTATION
    response = change(client, plan, "published", ["9", "9", "2008"])
    assert response.status_code == 302
    inspection = db_session.get(Inspection, plan.inspection.id)
    assert (inspection.plan_status, inspection.plan_published_on) == (PlanStatus.PUBLISHED, date(2008, 9, 9))
    deadline = plan_deadline(db_session, inspection.id)
    assert (deadline.due_on, deadline.met_on) == (date(2008, 9, 9), date(2008, 9, 9))
    page = soup(client.get(response.headers["Location"]))
    assert "The action plan is now published. Statutory deadline (9 September 2008): met" in page.text
    assert "Met" in page.select_one(".govuk-summary-list").text
    events = {
        e.field: e.new_value
        for e in db_session.scalars(select(AuditEvent).where(AuditEvent.inspection_id == inspection.id))
    }
    assert (
        events["plan_status"] == "published"
        and events["plan_published_on"] == "2008-09-09"
        and events["met_on"] == "2008-09-09"
    )


def test_publishing_late_marks_it_missed_by_working_days(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    response = change(client, plan, "published", ["15", "9", "2008"])
    assert response.status_code == 302
    assert plan_deadline(db_session, plan.inspection.id).met_on is None
    page = soup(client.get(f"/inspections/{plan.inspection.id}/plan"))
    assert "Missed by 4 working days" in page.text
    assert "Missed by 4 working days" in soup(client.get(f"/inspections/{plan.inspection.id}/dashboard")).text


def test_publishing_needs_a_real_past_date_after_the_report(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    for typed, message in (
        (["", "", ""], "Enter the date the plan was published"),
        (["31", "2", "2009"], "Date the plan was published must be a real date"),
        (
            ["1", "6", "2008"],
            "Date the plan was published must be on or after the report's publication date, 3 June 2008",
        ),
        (["1", "1", "2027"], "Date the plan was published must be today or in the past"),
    ):
        response = change(client, plan, "published", typed)
        assert response.status_code == 400
        assert message in soup(response).select_one(".govuk-error-summary").text
    assert db_session.get(Inspection, plan.inspection.id).plan_status == PlanStatus.DRAFT


def test_a_published_plan_can_be_closed_and_not_returned_to_draft(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    change(client, plan, "published", ["9", "9", "2008"])
    page = soup(client.get(f"/inspections/{plan.inspection.id}/plan/status"))
    assert [i["value"] for i in page.select("input[name=status]")] == ["closed"]
    assert not page.select("input[name=published_on]")
    assert change(client, plan, "draft").status_code == 400
    assert change(client, plan, "closed").status_code == 302
    inspection = db_session.get(Inspection, plan.inspection.id)
    assert inspection.plan_status == PlanStatus.CLOSED and inspection.closed_at is not None
    assert change(client, plan, "published").status_code == 302
    inspection = db_session.get(Inspection, plan.inspection.id)
    assert (inspection.plan_status, inspection.closed_at, inspection.plan_published_on) == (
        PlanStatus.PUBLISHED,
        None,
        date(2008, 9, 9),
    )


def test_the_print_view_is_the_plan_document(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.viewer)
    url = f"/inspections/{plan.inspection.id}/plan/print"
    page = soup(client.get(url))
    assert "Draft – draft, not yet published" in page.text
    assert page.select_one("h1").text == f"Action plan in response to the {plan.inspection.title}"
    headings = [h.text for h in page.select("h2.app-plan__timescale")]
    assert headings == ["For immediate action", "Within six months"]
    table = page.select_one("table.app-plan__table").text
    assert "1.1" in table and "Sam Patel" in table and "18 Dec 2026" in table
    plan.inspection.plan_status = PlanStatus.PUBLISHED
    plan.inspection.plan_published_on = date(2008, 9, 9)
    db_session.commit()
    page = soup(client.get(url))
    assert "not yet published" not in page.text
    assert "Action plan published 9 September 2008" in page.text


def test_a_double_clicked_status_change_changes_it_once(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    first = change(client, plan, "published", ["9", "9", "2008"])
    second = change(client, plan, "published", ["9", "9", "2008"])
    assert (first.status_code, second.status_code) == (302, 302)
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.field == "plan_status")).all()
    assert len(events) == 1
    assert "The action plan is now published" in soup(client.get(second.headers["Location"])).text


def test_publishing_with_recommendations_without_actions_asks_for_confirmation(client, db_session, plan: Plan) -> None:
    for number in ("3", "4"):
        RecommendationFactory(inspection=plan.inspection, number=number, position=int(number))
    ActionFactory(recommendation=plan.six_months, reference="2.2", archived_at=datetime(2026, 11, 1, tzinfo=UTC))
    plan.other_action.archived_at = datetime(2026, 11, 1, tzinfo=UTC)
    db_session.commit()
    sign_in(client, plan.manager)
    url = f"/inspections/{plan.inspection.id}/plan/status"
    page = soup(client.get(url))
    assert "3 of 4 recommendations have no actions: 2, 3, 4" in page.select_one(".govuk-warning-text").text

    data = {"status": "published", "published_on": ["1", "9", "2008"]}
    response = client.submit(url, data)
    assert response.status_code == 400
    page = soup(response)
    assert "Confirm that the plan should go ahead although some recommendations have no actions" in (
        page.select_one(".govuk-error-summary").text
    )
    assert [i.get("value") for i in page.select("input[name='published_on']")] == ["1", "9", "2008"]
    assert page.select_one("input[name='status'][value='published']").has_attr("checked")
    assert plan.inspection.plan_status == PlanStatus.DRAFT

    response = client.submit(url, {**data, "confirm_unactioned": "y"})
    assert response.status_code == 302
    db_session.refresh(plan.inspection)
    assert plan.inspection.plan_status == PlanStatus.PUBLISHED


def test_a_plan_with_every_recommendation_answered_publishes_without_a_warning(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/inspections/{plan.inspection.id}/plan/status"
    assert soup(client.get(url)).select_one(".govuk-warning-text") is None
    response = client.submit(url, {"status": "published", "published_on": ["1", "9", "2008"]})
    assert response.status_code == 302


def test_the_dashboard_counts_recommendations_without_actions(client, db_session, plan: Plan) -> None:
    third = RecommendationFactory(inspection=plan.inspection, number="3", position=2)
    ActionFactory(recommendation=third, reference="3.1", archived_at=datetime(2026, 11, 1, tzinfo=UTC))
    RecommendationFactory(inspection=plan.inspection, number=None, position=3)  # unnumbered: its place, 4
    db_session.commit()
    sign_in(client, plan.viewer)
    page = soup(client.get(f"/inspections/{plan.inspection.id}/dashboard"))
    card = next(p for p in page.select(".app-count-card") if "without actions" in p.text)
    assert card.select_one(".app-count-card__number").text == "2"
    assert card.select_one("a")["href"] == f"/inspections/{plan.inspection.id}/plan"
    assert "3, 4 of 4" in card.text
    # The archived action is not counted with the live ones either.
    assert page.select_one("table tbody tr:last-child td:last-child").text.strip() == "2"
