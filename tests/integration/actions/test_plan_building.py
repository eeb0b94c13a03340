"""A programme manager builds the plan: add, edit, reorder, assign, delete or archive; every change audited."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, ProgressUpdateFactory
from tests.integration.actions.conftest import Plan
from tracker.models import Action, AuditEvent

ACTION = {
    "reference": "1.2",
    "title": "Audit every looked after child's case file",
    "description": "Team managers audit ten files each month",
    "owner_id": "0",
    "lead_agency": "Leicester City Council",
    "start_on": ["1", "7", "2008"],
    "due_on": ["9", "9", "2008"],
    "success_criteria": "Every file audited; findings reported to the LSCB",
}


def form_data(**changes: object) -> dict[str, object]:
    return {**ACTION, **changes}


def audit(entity_id: int, entity_type: str = "actions") -> dict[str, tuple[str | None, str | None]]:
    from tracker.extensions import db

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
    )
    return {event.field: (event.old_value, event.new_value) for event in events}


def test_the_add_form_numbers_the_action_and_defaults_the_due_date_from_the_timescale(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    page = soup(client.get(f"/recommendations/{plan.immediate.id}/actions/new"))
    assert page.select_one("input[name=reference]")["value"] == "1.2"
    # Immediate actions are due with the action plan: 70 working days from 3 June 2008.
    assert [i["value"] for i in page.select("input[name=due_on]")] == ["09", "09", "2008"]
    page = soup(client.get(f"/recommendations/{plan.six_months.id}/actions/new"))
    assert page.select_one("input[name=reference]")["value"] == "2.2"
    assert [i["value"] for i in page.select("input[name=due_on]")] == ["03", "12", "2008"]


def test_adding_an_action_saves_it_and_records_who(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/recommendations/{plan.immediate.id}/actions/new"
    response = client.submit(url, form_data(owner_id=str(plan.owner.id)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/inspections/{plan.inspection.id}/plan#recommendation-{plan.immediate.id}"
    )
    action = db_session.scalars(select(Action).where(Action.reference == "1.2")).one()
    assert (action.title, action.owner_id, action.due_on, action.original_due_on, action.position) == (
        ACTION["title"],
        plan.owner.id,
        date(2008, 9, 9),
        date(2008, 9, 9),
        1,
    )
    assert audit(action.id)["created"] == (None, f"1.2 {ACTION['title']}")
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.entity_id == action.id)).one()
    assert (event.actor_id, event.inspection_id) == (plan.manager.id, plan.inspection.id)
    page = soup(client.get(response.headers["Location"]))
    assert "Action added: 1.2 Audit every looked after child" in page.text
    assert "Check the due date" not in page.text


def test_a_late_or_weekend_due_date_is_a_warning_not_a_block(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/recommendations/{plan.immediate.id}/actions/new"
    # Saturday 13 September 2008: after the plan's date (9 September) and not a working day.
    response = client.submit(url, form_data(due_on=["13", "9", "2008"]))
    assert response.status_code == 302
    assert db_session.scalars(select(Action).where(Action.reference == "1.2")).one().due_on == date(2008, 9, 13)
    page = soup(client.get(response.headers["Location"]))
    banner = page.select_one(".govuk-notification-banner:not(.govuk-notification-banner--success)").text
    assert "Check the due date" in banner
    assert "is after 9 September 2008, the end of the timescale “For immediate action”" in banner
    assert "13 September 2008 is a Saturday, not a working day" in banner
    row = next(tr for tr in page.select("tr") if "1.2 Audit" in tr.text)
    assert "Check" in row.text and "not a working day" in row.text


def test_a_bank_holiday_due_date_is_named(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/recommendations/{plan.six_months.id}/actions/new"
    response = client.submit(url, form_data(reference="2.2", due_on=["25", "8", "2008"]))
    page = soup(client.get(response.headers["Location"]))
    assert "25 August 2008 is a bank holiday, not a working day" in page.text


def test_impossible_dates_and_dates_before_publication_are_refused_keeping_what_was_typed(
    client, db_session, plan: Plan
) -> None:
    sign_in(client, plan.manager)
    url = f"/recommendations/{plan.immediate.id}/actions/new"
    response = client.submit(url, form_data(due_on=["31", "02", "2009"], start_on=["1", "", "2008"]))
    assert response.status_code == 400
    page = soup(response)
    summary = page.select_one(".govuk-error-summary").text
    assert "Due date must be a real date" in summary
    assert "The start date must include a month" in summary
    assert [i["value"] for i in page.select("input[name=due_on]")] == ["31", "02", "2009"]
    assert page.select_one("input[name=title]")["value"] == ACTION["title"]
    assert page.title.text.startswith("Error: ")
    response = client.submit(url, form_data(due_on=["2", "6", "2008"]))
    assert response.status_code == 400
    assert "Due date must be on or after the report's publication date, 3 June 2008" in soup(response).text
    response = client.submit(url, form_data(due_on=["", "", ""], title=""))
    assert {"Enter a due date", "Enter the action"} <= {a.text for a in soup(response).select(".govuk-error-summary a")}
    assert db_session.scalars(select(Action).where(Action.reference == "1.2")).first() is None


def test_html_typed_into_any_field_is_shown_as_text(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    script = "<script>alert('x')</script>"
    client.submit(
        f"/recommendations/{plan.immediate.id}/actions/new",
        form_data(title=f"Title {script}", description=script, success_criteria=f"<b>{script}</b>", lead_agency=script),
    )
    action = db_session.scalars(select(Action).where(Action.reference == "1.2")).one()
    for url in (
        f"/actions/{action.id}",
        f"/inspections/{plan.inspection.id}/plan",
        f"/inspections/{plan.inspection.id}/plan/print",
        "/actions",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url


def test_editing_records_each_changed_field_and_the_page_shows_it(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/actions/{plan.action.id}/edit"
    form = soup(client.get(url))
    assert form.select_one("input[name=version]")["value"] == "1"
    response = client.submit(
        url,
        form_data(
            reference="1.1",
            title="Reviewed title",
            owner_id=str(plan.other_owner.id),
            due_on=["5", "9", "2008"],
            version="1",
            seen=form.select_one("input[name=seen]")["value"],
        ),
    )
    assert response.status_code == 302
    action = db_session.get(Action, plan.action.id)
    assert (action.title, action.owner_id, action.due_on, action.version) == (
        "Reviewed title",
        plan.other_owner.id,
        date(2008, 9, 5),
        2,
    )
    # The factory's plan is still a draft, so the original due date follows the due date.
    assert action.original_due_on == date(2008, 9, 5)
    changes = audit(action.id)
    assert changes["title"][1] == "Reviewed title"
    assert changes["owner"] == ("Sam Patel", "Ruth Allen")
    assert changes["due_on"] == ("2026-12-18", "2008-09-05")
    assert "reference" not in changes
    history = soup(client.get(f"/actions/{action.id}")).select_one("#history + table").text
    assert "Owner" in history and "Sam Patel" in history and "Ruth Allen" in history and "Jo Clarke" in history
    assert "18 December 2026" in history and "5 September 2008" in history


def test_published_plans_keep_their_original_due_date(client, db_session, plan: Plan) -> None:
    from tracker.models import PlanStatus

    plan.inspection.plan_status = PlanStatus.PUBLISHED
    db_session.commit()
    sign_in(client, plan.manager)
    url = f"/actions/{plan.action.id}/edit"
    reason = "Waiting for the new case management system"
    response = client.submit(
        url,
        form_data(
            reference="1.1", owner_id=str(plan.owner.id), due_on=["1", "9", "2008"], due_on_reason=reason, version="1"
        ),
    )
    assert response.status_code == 302
    action = db_session.get(Action, plan.action.id)
    assert (action.due_on, action.original_due_on) == (date(2008, 9, 1), date(2026, 12, 18))
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.entity_id == action.id, AuditEvent.field == "due_on")
    ).one()
    assert event.note == reason


def test_a_new_due_date_on_a_published_plan_needs_a_reason_keeping_what_was_typed(
    client, db_session, plan: Plan
) -> None:
    from tracker.models import PlanStatus

    plan.inspection.plan_status = PlanStatus.PUBLISHED
    db_session.commit()
    sign_in(client, plan.manager)
    url = f"/actions/{plan.action.id}/edit"
    assert soup(client.get(url)).select_one("textarea#due_on_reason") is not None
    data = form_data(reference="1.1", title="Retyped title", owner_id=str(plan.owner.id), version="1")
    response = client.submit(url, {**data, "due_on": ["1", "9", "2008"], "due_on_reason": "  "})
    assert response.status_code == 400
    page = soup(response)
    assert "Enter the reason for changing the due date" in page.select_one(".govuk-error-summary").text
    assert page.select_one("#due_on-day")["value"] == "1"
    assert page.select_one("#title")["value"] == "Retyped title"
    assert db_session.get(Action, plan.action.id).due_on == date(2026, 12, 18)
    # Other edits that keep the due date need no reason.
    assert client.submit(url, {**data, "due_on": ["18", "12", "2026"]}).status_code == 302
    assert db_session.get(Action, plan.action.id).title == "Retyped title"


def test_while_the_plan_is_drafted_due_dates_move_without_a_reason(client, plan: Plan) -> None:
    sign_in(client, plan.manager)
    url = f"/actions/{plan.action.id}/edit"
    assert soup(client.get(url)).select_one("#due_on_reason") is None
    response = client.submit(url, form_data(reference="1.1", owner_id=str(plan.owner.id), version="1"))
    assert response.status_code == 302


def test_reordering_swaps_neighbours(client, db_session, plan: Plan) -> None:
    second = ActionFactory(recommendation=plan.immediate, reference="1.2", position=1)
    db_session.commit()
    sign_in(client, plan.manager)
    move = {"direction": "up", "position": "1"}
    response = client.submit(f"/actions/{second.id}/move", move, page_url=f"/inspections/{plan.inspection.id}/plan")
    assert response.status_code == 302
    client.submit(f"/actions/{second.id}/move", {**move, "direction": "down"}, page_url="/")  # a second, stale click
    assert (db_session.get(Action, second.id).position, db_session.get(Action, plan.action.id).position) == (0, 1)
    assert audit(second.id)["position"] == ("1", "0")
    rows = [
        tr.select_one("a").text
        for tr in soup(client.get(f"/inspections/{plan.inspection.id}/plan")).select(
            f"#recommendation-{plan.immediate.id} tbody tr"
        )
    ]
    assert rows[0].startswith("1.2") and rows[1].startswith("1.1")
    response = client.submit(f"/actions/{second.id}/move", {"direction": "sideways", "position": "0"}, page_url="/")
    assert response.status_code == 400


def test_bulk_assign_gives_chosen_actions_one_owner(client, db_session, plan: Plan) -> None:
    third = ActionFactory(recommendation=plan.six_months, reference="2.2", position=1, owner=None, lead_agency="")
    db_session.commit()
    sign_in(client, plan.manager)
    url = f"/inspections/{plan.inspection.id}/plan/assign"
    response = client.submit(url, {"owner_id": "0", "action_ids": []})
    assert response.status_code == 400
    assert {"Select the new owner", "Select at least one action"} <= {
        a.text for a in soup(response).select(".govuk-error-summary a")
    }
    response = client.submit(
        url,
        {
            "owner_id": str(plan.owner.id),
            "action_ids": [str(plan.other_action.id), str(third.id)],
            "lead_agency": "NHS Leicester",
        },
    )
    assert response.status_code == 302
    for action_id in (plan.other_action.id, third.id):
        action = db_session.get(Action, action_id)
        assert (action.owner_id, action.lead_agency) == (plan.owner.id, "NHS Leicester")
    assert audit(third.id)["owner"] == (None, "Sam Patel")
    assert "Sam Patel now owns 2 more actions" in soup(client.get(response.headers["Location"])).text


def test_bulk_assign_ignores_actions_of_other_inspections(client, db_session, plan: Plan) -> None:
    elsewhere = ActionFactory()
    db_session.commit()
    sign_in(client, plan.manager)
    url = f"/inspections/{plan.inspection.id}/plan/assign"
    response = client.submit(url, {"owner_id": str(plan.owner.id), "action_ids": [str(elsewhere.id)]})
    assert response.status_code == 400
    assert db_session.get(Action, elsewhere.id).owner_id != plan.owner.id


def test_deleting_asks_first_and_removes_an_action_without_history(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    action_id = plan.other_action.id
    url = f"/actions/{action_id}/delete"
    page = soup(client.get(url))
    assert "Are you sure you want to delete 2.1" in page.select_one("h1").text
    assert "cannot be undone" in page.text
    response = client.submit(url)
    assert response.status_code == 302
    assert "Action deleted: 2.1" in soup(client.get(response.headers["Location"])).text
    assert db_session.get(Action, action_id) is None
    assert audit(action_id)["deleted"][0].startswith("2.1 ")


def test_deleting_an_action_with_progress_archives_it(client, db_session, plan: Plan) -> None:
    ProgressUpdateFactory(action=plan.action, narrative="First quarter done")
    db_session.commit()
    sign_in(client, plan.manager)
    url = f"/actions/{plan.action.id}/delete"
    assert "It will be archived" in soup(client.get(url)).text
    response = client.submit(url)
    assert "Action archived" in soup(client.get(response.headers["Location"])).text
    action = db_session.get(Action, plan.action.id)
    assert action is not None and action.archived_at is not None
    assert "archived_at" in audit(action.id)
    plan_page = soup(client.get(f"/inspections/{plan.inspection.id}/plan"))
    assert "1 archived action not shown" in plan_page.text
    assert f'/actions/{action.id}"' not in str(plan_page)
    page = soup(client.get(f"/actions/{action.id}"))
    assert "This action was archived" in page.text and "First quarter done" in page.text
    assert not page.select(f"a[href='/actions/{action.id}/progress']")


def test_an_action_owned_by_someone_who_has_left_can_still_be_edited(client, db_session, plan: Plan) -> None:
    plan.owner.active = False
    db_session.commit()
    sign_in(client, plan.manager)
    page = soup(client.get(f"/actions/{plan.action.id}/edit"))
    assert page.select_one(f"select[name=owner_id] option[value='{plan.owner.id}']").has_attr("selected")
    response = client.submit(
        f"/actions/{plan.action.id}/edit",
        form_data(reference="1.1", title="Still theirs", owner_id=str(plan.owner.id), version="1"),
    )
    assert response.status_code == 302
    assert db_session.get(Action, plan.action.id).owner_id == plan.owner.id
    add_page = soup(client.get(f"/recommendations/{plan.immediate.id}/actions/new"))
    assert add_page.select_one(f"select[name=owner_id] option[value='{plan.owner.id}']") is None


def test_references_are_unique_within_a_recommendation_and_a_double_click_adds_once(
    client, db_session, plan: Plan
) -> None:
    sign_in(client, plan.manager)
    url = f"/recommendations/{plan.immediate.id}/actions/new"
    response = client.submit(url, form_data(reference="1.1"))
    assert response.status_code == 400
    assert "Reference 1.1 is already used in this recommendation" in soup(response).text
    first, second = client.submit(url, form_data()), client.submit(url, form_data())
    assert (first.status_code, second.status_code) == (302, 302)
    assert db_session.scalars(select(Action).where(Action.reference == "1.2")).all()[1:] == []
    edit = client.submit(
        f"/actions/{plan.action.id}/edit", form_data(reference="1.2", owner_id=str(plan.owner.id), version="1")
    )
    assert edit.status_code == 400
    assert "Reference 1.2 is already used in this recommendation" in soup(edit).text


def test_a_long_plan_is_paginated_by_whole_recommendations(client, db_session, plan: Plan) -> None:
    from tests.factories import RecommendationFactory
    from tracker.models import Timescale

    for number in range(3, 9):
        rec = RecommendationFactory(inspection=plan.inspection, number=str(number), timescale=Timescale.LONGER_TERM)
        for n in range(30):
            ActionFactory(recommendation=rec, reference=f"{number}.{n + 1}", position=n)
    db_session.commit()
    sign_in(client, plan.viewer)
    url = f"/inspections/{plan.inspection.id}/plan"
    first = soup(client.get(url))
    assert [h.text.split()[1] for h in first.select("h2[id$=-heading]")] == ["1", "2", "3", "4", "5"]
    assert "Showing 1 to 5 of 8 recommendations" in first.text
    assert "8 recommendations, 182 actions" in first.text
    second = soup(client.get(first.select_one(".govuk-pagination__next a")["href"]))
    assert [h.text.split()[1] for h in second.select("h2[id$=-heading]")] == ["6", "7", "8"]
    printed = soup(client.get(f"{url}/print"))
    assert len(printed.select(".app-plan__recommendation")) == 8
