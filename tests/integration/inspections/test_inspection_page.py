"""The inspection page: details, recommendations by timescale with default due dates, statutory deadlines
with their working-day countdown, overrides with reasons, the publication checklist, meetings and history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from tests.conftest import soup
from tests.integration.inspections.conftest import (
    REPORTS,
    at,
    deadline_named,
    import_fixture,
    make_inspection,
    post_review,
    review_form,
)
from tracker.extensions import db
from tracker.models import AuditEvent, Meeting, Recommendation, StatutoryDeadline, Timescale

PUBLISH = "Publish the report locally"
PLAN = "Publish the action plan"


def _deadline_block(page, deadline_id: int):  # noqa: ANN001, ANN202
    return page.select_one(f"#deadline-{deadline_id}")


def _text(node) -> str:  # noqa: ANN001
    return node.get_text(" ", strip=True)


def test_the_page_shows_details_judgements_and_recommendations_by_timescale(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    page = soup(client.get(f"/inspections/{inspection.id}"))

    assert page.select_one("h1").text == "Joint area review of Leicester"
    details = _text(page.select_one("dl.govuk-summary-list"))
    assert "Report published 3 June 2008" in details
    assert "Report received 20 May 2008" in details
    assert "Run by Jo Clarke" in details
    assert "Safeguarding" in _text(page.select_one("table"))
    headings = [h.text for h in page.select(".app-timescale-heading")]
    assert headings == ["For immediate action", "Within six months", "In the longer term"]
    defaults = [_text(p) for p in page.select(".app-timescale-heading + p")]
    assert "9 September 2008" in defaults[0] and "action plan's statutory date" in defaults[0]
    assert "3 December 2008" in defaults[1]
    assert "3 December 2009" in defaults[2]


def test_statutory_dates_for_a_jar_published_3_june_2008(client, manager, db_session, app) -> None:
    inspection = make_inspection(db_session, manager)
    publish = deadline_named(db_session, inspection.id, PUBLISH)
    plan = deadline_named(db_session, inspection.id, PLAN)
    assert (publish.due_on, plan.due_on) == (date(2008, 7, 14), date(2008, 9, 9))

    at(app, date(2008, 6, 20))
    page = soup(client.get(f"/inspections/{inspection.id}"))
    block = _text(_deadline_block(page, publish.id))
    assert "Due in 16 working days" in block
    assert "14 July 2008" in block
    assert "30 working days from the date the report was published (3 June 2008), beginning with that day" in block
    assert "SI 2005/1973" in block

    at(app, date(2008, 7, 16))
    block = _text(_deadline_block(soup(client.get(f"/inspections/{inspection.id}")), publish.id))
    assert "Missed by 2 working days" in block


def test_an_ilacs_plan_counted_after_publication(client, manager, db_session) -> None:
    review_url = import_fixture(client, REPORTS / "leicester-sif-2015.txt")
    data = review_form(client, review_url)
    data["framework"] = "ILACS"
    data.setlist("published_on", ["1", "4", "2022"])
    data.setlist("received_on", ["", "", ""])
    response = post_review(client, review_url, data, "save")
    assert response.status_code == 302
    inspection_id = int(response.headers["Location"].rsplit("/", 1)[1])
    statement = deadline_named(db_session, inspection_id, "Written statement of proposed action")
    assert statement.due_on == date(2022, 7, 15)
    publish = deadline_named(db_session, inspection_id, PUBLISH)
    assert publish.due_on is None  # counted from receipt, which was not entered

    page = soup(client.get(f"/inspections/{inspection_id}"))
    block = _text(_deadline_block(page, statement.id))
    assert "15 July 2022" in block and "counted from the next working day" in block
    assert "No date set: the date the council received the report not recorded" in _text(
        _deadline_block(page, publish.id)
    )


def test_marking_a_deadline_done_and_undoing_it(client, manager, db_session, app) -> None:
    inspection = make_inspection(db_session, manager)
    publish = deadline_named(db_session, inspection.id, PUBLISH)
    at(app, date(2008, 7, 20))
    url = f"/inspections/{inspection.id}/deadlines/{publish.id}/mark-done"

    response = client.submit(url, {"met_on": ["21", "7", "2008"]})
    assert response.status_code == 400
    assert "must be today or in the past" in _text(soup(response).select_one(".govuk-error-summary"))

    response = client.submit(url, {"met_on": ["10", "7", "2008"], "reason": "Sent by the press office"})
    assert response.status_code == 302
    page = soup(client.get(f"/inspections/{inspection.id}"))
    assert "Met on 10 July 2008" in _text(_deadline_block(page, publish.id))
    assert deadline_named(db_session, inspection.id, PUBLISH).met_on == date(2008, 7, 10)

    response = client.submit(url, {"met_on": ["17", "7", "2008"], "reason": "Sent by the press office"})
    page = soup(client.get(f"/inspections/{inspection.id}"))
    assert "Missed: done on 17 July 2008, 3 working days late" in _text(_deadline_block(page, publish.id))

    client.submit(
        f"/inspections/{inspection.id}/deadlines/{publish.id}/mark-not-done", page_url=f"/inspections/{inspection.id}"
    )
    assert deadline_named(db_session, inspection.id, PUBLISH).met_on is None


def test_a_deadline_with_an_incomplete_checklist_is_marked_done_only_with_a_reason(
    client, manager, db_session, app
) -> None:
    inspection = make_inspection(db_session, manager)
    publish = deadline_named(db_session, inspection.id, PUBLISH)
    first, *others = publish.checklist
    first.done_on, first.evidence = date(2008, 7, 8), "Emailed to partners"
    db_session.commit()
    at(app, date(2008, 7, 20))
    url = f"/inspections/{inspection.id}/deadlines/{publish.id}/mark-done"
    form = soup(client.get(url))
    assert [li.text for li in form.select("#checklist-incomplete li")] == [item.label for item in others]

    response = client.submit(url, {"met_on": ["10", "7", "2008"], "reason": "  "})
    assert response.status_code == 400
    page = soup(response)
    assert _text(page.select_one(".govuk-error-summary a")) == (
        "Enter why the deadline is done although 4 lines of its checklist are not ticked, or tick them first"
    )
    assert [page.select_one(f"#met_on-{part}")["value"] for part in ("day", "month", "year")] == ["10", "7", "2008"]
    assert deadline_named(db_session, inspection.id, PUBLISH).met_on is None

    reason = "Radio Leicester ran the story; the paper's copy is on file"
    response = client.submit(url, {"met_on": ["10", "7", "2008"], "reason": reason})
    assert response.status_code == 302
    assert deadline_named(db_session, inspection.id, PUBLISH).met_on == date(2008, 7, 10)
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "statutory_deadlines", AuditEvent.field == "met_on")
    ).one()
    assert event.note == f"Checklist not complete: {reason}"

    for item in others:
        item.done_on, item.evidence = date(2008, 7, 9), "Filed"
    plan = deadline_named(db_session, inspection.id, PLAN)
    for item in plan.checklist:
        item.done_on, item.evidence = date(2008, 7, 9), "Filed"
    db_session.commit()
    plan_url = f"/inspections/{inspection.id}/deadlines/{plan.id}/mark-done"
    assert soup(client.get(plan_url)).select_one("#checklist-incomplete") is None
    assert client.submit(plan_url, {"met_on": ["10", "7", "2008"]}).status_code == 302


def test_overriding_a_computed_date_needs_a_reason_which_is_kept_in_the_history(
    client, manager, db_session, app
) -> None:
    inspection = make_inspection(db_session, manager)
    plan = deadline_named(db_session, inspection.id, PLAN)
    url = f"/inspections/{inspection.id}/deadlines/{plan.id}/change-date"

    response = client.submit(url, {"due_on": ["16", "9", "2008"], "reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for changing the date" in _text(soup(response).select_one(".govuk-error-summary"))
    assert soup(response).select_one("#due_on-day")["value"] == "16"
    assert deadline_named(db_session, inspection.id, PLAN).due_on == date(2008, 9, 9)

    reason = "Cabinet agreed the plan on 15 September; Ofsted told by letter"
    response = client.submit(url, {"due_on": ["16", "9", "2008"], "reason": reason})
    assert response.status_code == 302
    plan = deadline_named(db_session, inspection.id, PLAN)
    assert (plan.due_on, plan.computed_due_on, plan.override_reason) == (date(2008, 9, 16), date(2008, 9, 9), reason)
    change = db_session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "statutory_deadlines", AuditEvent.field == "due_on")
    ).one()
    assert (change.old_value, change.new_value, change.note, change.actor_id) == (
        "2008-09-09",
        "2008-09-16",
        reason,
        manager.id,
    )
    page = soup(client.get(f"/inspections/{inspection.id}"))
    block = _text(_deadline_block(page, plan.id))
    assert "16 September 2008" in block
    assert f"Changed by hand from 9 September 2008: {reason}" in block
    history = _text(page.select_one("#history ~ table"))
    assert "Deadline: Publish the action plan: Due date" in history
    assert "9 September 2008 → changed to 16 September 2008" in history
    assert reason in history and "Jo Clarke" in history

    # A new publication date recounts the other deadline but the overridden one keeps its date.
    response = client.submit(
        f"/inspections/{inspection.id}/edit",
        {
            "authority": inspection.authority,
            "title": inspection.title,
            "framework": "JAR",
            "inspectorate": "Ofsted",
            "inspection_start_on": ["4", "2", "2008"],
            "inspection_end_on": ["15", "2", "2008"],
            "published_on": ["10", "6", "2008"],
            "received_on": ["20", "5", "2008"],
            "overall_judgement": "",
            "judgements-0-area": "Safeguarding",
            "judgements-0-grade": "2",
        },
    )
    assert response.status_code == 302
    plan = deadline_named(db_session, inspection.id, PLAN)
    assert (plan.due_on, plan.computed_due_on) == (date(2008, 9, 16), date(2008, 9, 16))
    assert deadline_named(db_session, inspection.id, PUBLISH).due_on == date(2008, 7, 21)
    assert "1 deadline keeps its changed date" in _text(soup(client.get(f"/inspections/{inspection.id}")))

    client.submit(
        f"/inspections/{inspection.id}/deadlines/{plan.id}/restore-date", page_url=f"/inspections/{inspection.id}"
    )
    plan = deadline_named(db_session, inspection.id, PLAN)
    assert (plan.due_on, plan.override_reason) == (date(2008, 9, 16), "")


def test_adding_a_deadline_by_hand(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    url = f"/inspections/{inspection.id}/deadlines/new"

    response = client.submit(url, {"title": "Send the plan to Ofsted"})
    assert response.status_code == 400
    assert "Enter a due date or a number of working days" in _text(soup(response))

    response = client.submit(url, {"title": "Send the plan to Ofsted", "working_days": "10"})
    assert response.status_code == 400
    summary = _text(soup(response).select_one(".govuk-error-summary"))
    assert "Select the date the working days are counted from" in summary
    assert "Select how the working days are counted" in summary

    response = client.submit(
        url, {"title": "Send the plan to Ofsted", "due_on": ["1", "9", "2008"], "working_days": "10"}
    )
    assert "not both" in _text(soup(response).select_one(".govuk-error-summary"))

    response = client.submit(
        url,
        {"title": "Send the plan to Ofsted", "working_days": "10", "anchor": "published_on", "counting": "after"},
    )
    assert response.status_code == 302
    counted = deadline_named(db_session, inspection.id, "Send the plan to Ofsted")
    assert counted.due_on == date(2008, 6, 17)

    response = client.submit(url, {"title": "Cabinet papers deadline", "due_on": ["22", "8", "2008"]})
    assert response.status_code == 302
    fixed = deadline_named(db_session, inspection.id, "Cabinet papers deadline")
    assert (fixed.due_on, fixed.working_days) == (date(2008, 8, 22), None)
    page = soup(client.get(f"/inspections/{inspection.id}"))
    assert "A fixed date entered by hand" in _text(_deadline_block(page, fixed.id))

    fixed_id = fixed.id
    client.submit(f"/inspections/{inspection.id}/deadlines/{fixed_id}/delete", page_url=f"/inspections/{inspection.id}")
    assert db_session.get(StatutoryDeadline, fixed_id) is None
    # Statutory deadlines cannot be deleted, only given a new date with a reason.
    plan = deadline_named(db_session, inspection.id, PLAN)
    response = client.submit(
        f"/inspections/{inspection.id}/deadlines/{plan.id}/delete", page_url=f"/inspections/{inspection.id}"
    )
    assert response.status_code == 400


def test_ticking_the_publication_checklist(client, manager, db_session, app) -> None:
    inspection = make_inspection(db_session, manager)
    at(app, date(2008, 7, 1))
    publish = deadline_named(db_session, inspection.id, PUBLISH)
    item = publish.checklist[1]
    url = f"/inspections/{inspection.id}/deadlines/{publish.id}/checklist/{item.id}"

    response = client.submit(url, {"done_on": ["", "", ""], "evidence": ""})
    assert response.status_code == 400
    summary = _text(soup(response).select_one(".govuk-error-summary"))
    assert "Enter the date it was done" in summary and "Enter the evidence" in summary

    response = client.submit(
        url, {"done_on": ["10", "6", "2008"], "evidence": "Press release to the Leicester Mercury"}
    )
    assert response.status_code == 302
    page = soup(client.get(f"/inspections/{inspection.id}"))
    row = [r for r in _deadline_block(page, publish.id).select("tbody tr") if item.label in r.text][0]
    assert "Done 10 Jun 2008" in _text(row)
    assert "Leicester Mercury" in _text(row)
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "deadline_checklist_items")).all()
    assert {e.field for e in events} == {"done_on", "evidence"}

    client.submit(url + "/untick", page_url=f"/inspections/{inspection.id}")
    db_session.refresh(item)
    assert item.done_on is None


def test_meetings_and_the_warning_when_approval_comes_after_the_statutory_date(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    url = f"/inspections/{inspection.id}/meetings/new"

    response = client.submit(url, {"committee": "", "meets_on": ["31", "2", "2008"]})
    assert response.status_code == 400
    summary = _text(soup(response).select_one(".govuk-error-summary"))
    assert "Enter the name of the committee" in summary and "The date of the meeting must be a real date" in summary

    response = client.submit(
        url,
        {"committee": "Overview and Scrutiny Management Board", "meets_on": ["6", "8", "2008"], "approves_plan": "y"},
    )
    assert response.status_code == 302
    page = soup(client.get(f"/inspections/{inspection.id}"))
    assert page.select_one(".govuk-warning-text") is None
    assert "Overview and Scrutiny Management Board" in _text(page.select_one("#meetings ~ table"))

    client.submit(url, {"committee": "Cabinet", "meets_on": ["15", "9", "2008"], "approves_plan": "y"})
    page = soup(client.get(f"/inspections/{inspection.id}"))
    warning = _text(page.select_one(".govuk-warning-text"))
    assert "Cabinet meets on 15 September 2008 to approve the action plan" in warning
    assert "after the statutory date to publish it (9 September 2008)" in warning

    meeting_id = db_session.scalars(select(Meeting.id).where(Meeting.committee == "Cabinet")).one()
    client.submit(
        f"/inspections/{inspection.id}/meetings/{meeting_id}/delete", page_url=f"/inspections/{inspection.id}"
    )
    page = soup(client.get(f"/inspections/{inspection.id}"))
    assert page.select_one(".govuk-warning-text") is None
    assert "Removed: Cabinet on 15 September 2008 (approves the action plan)" in _text(
        page.select_one("#history ~ table")
    )


def test_a_meeting_that_does_not_approve_the_plan_never_warns(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    client.submit(
        f"/inspections/{inspection.id}/meetings/new", {"committee": "Scrutiny", "meets_on": ["1", "12", "2008"]}
    )
    assert soup(client.get(f"/inspections/{inspection.id}")).select_one(".govuk-warning-text") is None


def test_changing_the_framework_replaces_untouched_statutory_deadlines(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    response = client.submit(
        f"/inspections/{inspection.id}/edit",
        {
            "authority": "Leicester City Council",
            "title": "Inspection of services for children in need of help and protection",
            "framework": "SIF",
            "inspectorate": "Ofsted",
            "inspection_start_on": ["", "", ""],
            "inspection_end_on": ["", "", ""],
            "published_on": ["1", "4", "2022"],
            "received_on": ["25", "3", "2022"],
            "overall_judgement": "Requires improvement to be good",
            "judgements-0-area": "Overall effectiveness",
            "judgements-0-grade": "Requires improvement to be good",
            "judgements-1-area": "",
            "judgements-1-grade": "",
        },
    )
    assert response.status_code == 302
    titles = {
        d.title: d.due_on
        for d in db_session.scalars(select(StatutoryDeadline).where(StatutoryDeadline.inspection_id == inspection.id))
    }
    assert titles == {
        "Publish the report locally": date(2022, 5, 11),
        "Written statement of proposed action": date(2022, 7, 15),
    }
    inspection = db_session.get(type(inspection), inspection.id)
    assert [(j.area, j.grade) for j in inspection.judgements] == [
        ("Overall effectiveness", "Requires improvement to be good")
    ]
    history = _text(soup(client.get(f"/inspections/{inspection.id}/history")))
    assert "Framework" in history and "JAR → changed to SIF" in history
    assert "Safeguarding: 2 → changed to Overall effectiveness: Requires improvement to be good" in history


def test_editing_details_shows_errors_and_keeps_what_was_typed(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    page = soup(client.get(f"/inspections/{inspection.id}/edit"))
    assert page.select_one("#published_on-day")["value"] == "03"
    response = client.submit(
        f"/inspections/{inspection.id}/edit",
        {"authority": "Leicester", "title": "", "framework": "JAR", "published_on": ["3", "13", "2008"]},
    )
    assert response.status_code == 400
    page = soup(response)
    summary = _text(page.select_one(".govuk-error-summary"))
    assert "Enter the title of the report" in summary
    assert "The date the report was published must be a real date" in summary
    assert page.select_one("#published_on-month")["value"] == "13"


def test_due_date_rules_change_the_default_due_dates(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    url = f"/inspections/{inspection.id}/due-date-rules"
    page = soup(client.get(url))
    assert page.select_one("#six_months_months")["value"] == "6"

    response = client.submit(
        url,
        {
            "immediate_due": "action_plan",
            "three_months_months": "3",
            "six_months_months": "0",
            "longer_term_months": "18",
            "improvement_months": "12",
            "rag_amber_within_working_days": "10",
        },
    )
    assert response.status_code == 400
    assert "Months must be between 1 and 120" in _text(soup(response).select_one(".govuk-error-summary"))

    response = client.submit(
        url,
        {
            "immediate_due": "action_plan",
            "three_months_months": "3",
            "six_months_months": "9",
            "longer_term_months": "18",
            "improvement_months": "12",
            "rag_amber_within_working_days": "10",
        },
    )
    assert response.status_code == 302
    page = soup(client.get(f"/inspections/{inspection.id}"))
    defaults = [_text(p) for p in page.select(".app-timescale-heading + p")]
    assert "3 March 2009" in defaults[1] and "9 months after publication" in defaults[1]
    assert "Inspection: Six-month timescale (months) 6 → changed to 9" in _text(page.select_one("#history ~ table"))


def _count_queries(client, url: str) -> int:  # noqa: ANN001
    statements: list[str] = []

    def count(*_args) -> None:  # noqa: ANN002
        statements.append("query")

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_page_makes_the_same_number_of_queries_whatever_the_inspection_size(client, manager, db_session) -> None:
    small = make_inspection(db_session, manager)
    large = make_inspection(db_session, manager, title="A large inspection")
    for position in range(3, 60):
        db_session.add(
            Recommendation(
                inspection_id=large.id, timescale=Timescale.IMPROVEMENT, text=f"Item {position}", position=position
            )
        )
    db_session.commit()
    # One of everything on the small page, so that only the sizes differ.
    client.submit(f"/inspections/{small.id}/meetings/new", {"committee": "Cabinet", "meets_on": ["1", "9", "2008"]})
    for day in range(1, 12):
        client.submit(
            f"/inspections/{large.id}/meetings/new",
            {"committee": f"Committee {day}", "meets_on": [str(day), "9", "2008"]},
        )
        client.submit(
            f"/inspections/{large.id}/deadlines/new", {"title": f"Deadline {day}", "due_on": [str(day), "10", "2008"]}
        )
    assert _count_queries(client, f"/inspections/{small.id}") == _count_queries(client, f"/inspections/{large.id}")


def test_the_list_is_paginated_with_a_fixed_number_of_queries(client, manager, db_session) -> None:
    make_inspection(db_session, manager, title="Inspection 0")
    one = _count_queries(client, "/inspections")
    for number in range(1, 30):
        make_inspection(db_session, manager, title=f"Inspection {number}")
    assert _count_queries(client, "/inspections") == one
    page = soup(client.get("/inspections"))
    assert len(page.select("main tbody tr")) == 25
    assert "30 inspections" in _text(page.select_one("caption"))
    second = soup(client.get("/inspections?page=2"))
    assert len(second.select("main tbody tr")) == 5
    assert second.select_one(".govuk-pagination__item--current").text.strip() == "2"


@pytest.mark.parametrize(
    ("day", "named"),
    [(["7", "9", "2008"], "is a Sunday"), (["25", "8", "2008"], "is a bank holiday")],
)
def test_a_deadline_moved_to_a_weekend_or_bank_holiday_is_saved_with_a_warning(
    client, manager, db_session, day: list[str], named: str
) -> None:
    inspection = make_inspection(db_session, manager)
    plan = deadline_named(db_session, inspection.id, PLAN)
    url = f"/inspections/{inspection.id}/deadlines/{plan.id}/change-date"

    response = client.submit(url, {"due_on": day, "reason": "Agreed with Ofsted"})

    assert response.status_code == 302
    assert deadline_named(db_session, inspection.id, PLAN).due_on == date(int(day[2]), int(day[1]), int(day[0]))
    banners = [
        _text(node) for node in soup(client.get(response.headers["Location"])).select(".govuk-notification-banner")
    ]
    assert any(f"{named}, not a working day" in text for text in banners), banners


def test_over_long_deadline_fields_say_which_field_and_its_limit(client, manager, db_session) -> None:
    inspection = make_inspection(db_session, manager)
    response = client.submit(
        f"/inspections/{inspection.id}/deadlines/new", {"title": "x" * 301, "due_on": ["1", "9", "2008"]}
    )
    assert response.status_code == 400
    assert "What must be done must be 300 characters or fewer" in _text(
        soup(response).select_one(".govuk-error-summary")
    )
    plan = deadline_named(db_session, inspection.id, PLAN)
    url = f"/inspections/{inspection.id}/deadlines/{plan.id}/change-date"
    response = client.submit(url, {"due_on": ["16", "9", "2008"], "reason": "r" * 2001})
    assert response.status_code == 400
    assert "Reason must be 2,000 characters or fewer" in _text(soup(response).select_one(".govuk-error-summary"))
