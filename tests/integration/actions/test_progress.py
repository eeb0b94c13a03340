"""Owners record progress; updates are append-only and the latest sets the action's status and RAG."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from tests.conftest import sign_in, soup
from tests.factories import ProgressUpdateFactory
from tests.integration.actions.conftest import Plan
from tracker.actions.services.progress import InvalidProgress, record_progress
from tracker.actions.services.versions import ActionConflict
from tracker.models import Action, ActionStatus, AuditEvent, DueDateRequestState, Inspection, ProgressUpdate, Rag


def open_form(client, action_id: int) -> dict[str, str]:  # noqa: ANN001
    page = soup(client.get(f"/actions/{action_id}/progress"))
    return {name: page.select_one(f"input[name={name}]")["value"] for name in ("version", "seen")}


def updates(db_session, action_id: int) -> list[ProgressUpdate]:  # noqa: ANN001
    query = select(ProgressUpdate).where(ProgressUpdate.action_id == action_id).order_by(ProgressUpdate.id)
    return list(db_session.scalars(query))


def test_the_owner_records_completion_and_the_action_follows(client, db_session, plan: Plan, now) -> None:  # noqa: ANN001
    sign_in(client, plan.owner)
    hidden = open_form(client, plan.action.id)
    response = client.submit(
        f"/actions/{plan.action.id}/progress",
        {
            **hidden,
            "status": "complete",
            "rag": "blue",
            "narrative": "All 240 case files audited; report to the LSCB on 3 November.",
            "evidence_links": "https://example.gov.uk/lscb/audit-report\nhttps://example.gov.uk/minutes",
        },
    )
    assert response.status_code == 302
    action = db_session.get(Action, plan.action.id)
    assert (action.status, action.rag, action.completed_on) == (ActionStatus.COMPLETE, Rag.BLUE, date(2026, 11, 24))
    assert action.last_progress_at.replace(tzinfo=UTC) == now
    (update,) = updates(db_session, action.id)
    assert (update.author_id, update.status, update.rag, update.via_email_link) == (
        plan.owner.id,
        ActionStatus.COMPLETE,
        Rag.BLUE,
        False,
    )
    fields = {e.field: (e.old_value, e.new_value, e.note) for e in db_session.scalars(select(AuditEvent))}
    assert fields["status"] == ("in_progress", "complete", "Progress update")
    assert fields["rag"] == ("green", "blue", "Progress update")
    page = soup(client.get(response.headers["Location"]))
    assert "Progress recorded for 1.1" in page.text
    progress = page.select_one(".app-timeline").text
    assert "All 240 case files audited" in progress and "Blue – complete" in progress and "Sam Patel" in progress
    assert page.select_one(".app-timeline a[href='https://example.gov.uk/lscb/audit-report']") is not None


def test_the_form_suggests_red_for_an_overdue_action_and_explains_a_different_choice(
    client, db_session, plan: Plan
) -> None:
    plan.action.due_on = date(2026, 11, 20)  # Friday before the fixed today, Tuesday 24 November 2026
    db_session.commit()
    sign_in(client, plan.owner)
    page = soup(client.get(f"/actions/{plan.action.id}/progress"))
    assert page.select_one("input[name=rag][checked]")["value"] == "red"
    assert "Red – off track" in page.select_one(".app-rag-suggestion").text
    assert "2 working days overdue" in page.text
    assert page.select_one("form.app-progress-form")["data-suggest-complete"] == "blue"
    hidden = open_form(client, plan.action.id)
    response = client.submit(f"/actions/{plan.action.id}/progress", {**hidden, "status": "in_progress", "rag": "green"})
    assert response.status_code == 400
    assert "Enter a narrative explaining why you chose Green when the suggested rating is Red" in soup(response).text
    response = client.submit(
        f"/actions/{plan.action.id}/progress",
        {**hidden, "status": "in_progress", "rag": "green", "narrative": "Extension agreed verbally"},
    )
    assert response.status_code == 302


def test_narrative_rules_and_limits_are_stated(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.owner)
    url = f"/actions/{plan.action.id}/progress"
    hidden = open_form(client, plan.action.id)
    cases = [
        ({"status": "in_progress", "rag": "amber"}, "Enter a narrative explaining the Amber rating"),
        ({"status": "in_progress", "rag": "red"}, "Enter a narrative explaining the Red rating"),
        ({"status": "complete", "rag": "blue"}, "Enter a narrative saying what was done to complete the action"),
        (
            {"status": "in_progress", "rag": "green", "narrative": "x" * 2001},
            "Narrative must be 2,000 characters or fewer",
        ),
        ({"status": "in_progress", "rag": "blue", "narrative": "y"}, "Blue means complete"),
        ({"status": "", "rag": ""}, "Select a status"),
        ({"status": "in_progress", "rag": "green", "evidence_links": "javascript:alert(1)"}, "starting https://"),
        (
            {"status": "in_progress", "rag": "green", "requested_due_on": ["31", "2", "2027"], "request_reason": "x"},
            "Revised due date must be a real date",
        ),
        (
            {"status": "in_progress", "rag": "green", "requested_due_on": ["1", "3", "2010"], "request_reason": "x"},
            "Revised due date must be in the future",
        ),
        (
            {"status": "in_progress", "rag": "green", "requested_due_on": ["24", "11", "2026"], "request_reason": "x"},
            "Revised due date must be in the future",
        ),
        (
            {"status": "in_progress", "rag": "green", "requested_due_on": ["18", "12", "2026"], "request_reason": "x"},
            "Revised due date must be different from the current due date",
        ),
    ]
    for data, message in cases:
        response = client.submit(url, {**hidden, **data})
        assert response.status_code == 400, data
        assert message in soup(response).select_one(".govuk-error-summary").text, data
    page = soup(client.get(url))
    assert "You can enter up to 2,000 characters" in page.text
    assert page.select_one("textarea[name=narrative]").find_parent(attrs={"data-maxlength": "2000"}) is not None
    long = soup(client.submit(url, {**hidden, "status": "in_progress", "rag": "green", "narrative": "z" * 2001}))
    assert long.select_one("textarea[name=narrative]").text == "z" * 2001  # nothing lost
    assert updates(db_session, plan.action.id) == []


def test_html_in_a_narrative_is_shown_as_text(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.owner)
    hidden = open_form(client, plan.action.id)
    client.submit(
        f"/actions/{plan.action.id}/progress",
        {
            **hidden,
            "status": "in_progress",
            "rag": "amber",
            "narrative": "<script>alert('x')</script><img src=x onerror=alert(1)>",
        },
    )
    html = client.get(f"/actions/{plan.action.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_a_double_clicked_submit_records_one_update(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.owner)
    hidden = open_form(client, plan.action.id)
    data = {**hidden, "status": "in_progress", "rag": "amber", "narrative": "Recruitment delayed"}
    first = client.submit(f"/actions/{plan.action.id}/progress", data)
    second = client.submit(f"/actions/{plan.action.id}/progress", data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert len(updates(db_session, plan.action.id)) == 1
    assert "Progress recorded" in soup(client.get(second.headers["Location"])).text


def test_someone_elses_update_in_between_is_a_conflict_and_keeps_what_was_typed(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.owner)
    hidden = open_form(client, plan.action.id)
    # The programme manager records an update while the owner is typing.
    other = client.application.test_client()
    sign_in(other, plan.manager)
    other_hidden = open_form(other, plan.action.id)
    client_data = {**hidden, "status": "in_progress", "rag": "amber", "narrative": "My careful words"}
    manager_data = {**other_hidden, "status": "in_progress", "rag": "red", "narrative": "Escalated to the director"}
    assert other.submit(f"/actions/{plan.action.id}/progress", manager_data).status_code == 302
    response = client.submit(f"/actions/{plan.action.id}/progress", client_data)
    assert response.status_code == 409
    page = soup(response)
    banner = page.select_one(".app-conflict").text
    assert "Changed by Jo Clarke at" in banner
    assert "Progress update: In progress, Red – off track" in banner and "Escalated to the director" in banner
    assert page.select_one("textarea[name=narrative]").text == "My careful words"
    assert page.select_one("input[name=rag][value=amber]").has_attr("checked")
    assert len(updates(db_session, plan.action.id)) == 1
    resubmit = {
        "version": page.select_one("input[name=version]")["value"],
        "seen": page.select_one("input[name=seen]")["value"],
        "status": "in_progress",
        "rag": "amber",
        "narrative": "My careful words",
    }
    assert client.submit(f"/actions/{plan.action.id}/progress", resubmit).status_code == 302
    assert [u.narrative for u in updates(db_session, plan.action.id)] == [
        "Escalated to the director",
        "My careful words",
    ]
    assert db_session.get(Action, plan.action.id).rag == Rag.AMBER


def test_record_progress_service_serves_email_links_too(app, db_session, plan: Plan) -> None:  # noqa: ANN001
    action = db_session.get(Action, plan.action.id)
    update = record_progress(
        action, plan.owner, {"status": "in_progress", "rag": "green", "narrative": ""}, via_email_link=True
    )
    db_session.commit()
    assert update.via_email_link and update.narrative == ""
    try:
        record_progress(action, plan.owner, {"status": "complete", "rag": "blue"})
    except InvalidProgress as problem:
        assert problem.errors == {"narrative": "Enter a narrative saying what was done to complete the action"}
    else:
        raise AssertionError("completion without a narrative was accepted")
    try:
        record_progress(action, plan.owner, {"status": "in_progress", "rag": "green", "version": 1})
    except ActionConflict:
        db_session.rollback()
    else:
        raise AssertionError("a stale version was accepted")
    assert db_session.scalar(select(func.count()).select_from(ProgressUpdate)) == 1


def request_new_date(client, plan: Plan) -> ProgressUpdate:  # noqa: ANN001
    hidden = open_form(client, plan.action.id)
    response = client.submit(
        f"/actions/{plan.action.id}/progress",
        {
            **hidden,
            "status": "in_progress",
            "rag": "amber",
            "narrative": "Waiting for the new case management system",
            "requested_due_on": ["26", "2", "2027"],
            "request_reason": "The supplier moved go-live to February",
        },
    )
    assert response.status_code == 302
    from tracker.extensions import db

    return db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == plan.action.id)).one()


def test_a_revised_due_date_is_approved_by_the_programme_manager(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.owner)
    update = request_new_date(client, plan)
    assert update.request_state == DueDateRequestState.PENDING
    action = db_session.get(Action, plan.action.id)
    assert action.due_on == date(2026, 12, 18)
    owner_view = soup(client.get(f"/actions/{plan.action.id}"))
    assert "Waiting for a programme manager to decide" in owner_view.text
    assert not owner_view.select("input[name=decision]")

    client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, plan.manager)
    page = soup(client.get(f"/actions/{plan.action.id}"))
    assert "26 February 2027" in page.select_one(".govuk-inset-text").text
    assert (
        "Revised due dates waiting for a decision"
        in soup(client.get(f"/inspections/{plan.inspection.id}/dashboard")).text
    )
    url = f"/actions/{plan.action.id}/due-date-requests/{update.id}"
    refused = client.submit(url, {}, page_url=f"/actions/{plan.action.id}")
    assert refused.status_code == 400
    error_link = soup(refused).select_one(".govuk-error-summary a")
    assert error_link.text == "Select approve or decline"
    assert soup(refused).select_one(error_link["href"]) is not None
    response = client.submit(
        url, {"decision": "approve", "note": "Agreed at the board"}, page_url=f"/actions/{plan.action.id}"
    )
    assert response.status_code == 302
    action = db_session.get(Action, plan.action.id)
    assert (action.due_on, action.original_due_on) == (date(2027, 2, 26), date(2026, 12, 18))
    update = db_session.get(ProgressUpdate, update.id)
    assert (update.request_state, update.decided_by_id, update.decision_note) == (
        DueDateRequestState.APPROVED,
        plan.manager.id,
        "Agreed at the board",
    )
    events = {(e.entity_type, e.field): (e.old_value, e.new_value) for e in db_session.scalars(select(AuditEvent))}
    assert events[("actions", "due_on")] == ("2026-12-18", "2027-02-26")
    assert events[("progress_updates", "request_state")] == ("pending", "approved")
    page = soup(client.get(response.headers["Location"]))
    assert "Revised due date approved: 1.1 is now due 26 February 2027" in page.text
    assert "Originally due 18 December 2026" in page.text
    assert "Approved by Jo Clarke" in page.text
    again = client.submit(url, {"decision": "decline"}, page_url=f"/actions/{plan.action.id}")
    assert "already been decided" in soup(client.get(again.headers["Location"])).text


def test_a_declined_request_leaves_the_due_date(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.owner)
    update = request_new_date(client, plan)
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, plan.manager)
    url = f"/actions/{plan.action.id}/due-date-requests/{update.id}"
    client.submit(url, {"decision": "decline"}, page_url=f"/actions/{plan.action.id}")
    action = db_session.get(Action, plan.action.id)
    assert (action.due_on, db_session.get(ProgressUpdate, update.id).request_state) == (
        date(2026, 12, 18),
        DueDateRequestState.DECLINED,
    )


def test_updates_are_append_only_and_the_latest_sets_the_action(client, db_session, plan: Plan) -> None:
    ProgressUpdateFactory(action=plan.action, narrative="Earlier", created_at=datetime(2026, 10, 1, tzinfo=UTC))
    db_session.commit()
    sign_in(client, plan.owner)
    hidden = open_form(client, plan.action.id)
    client.submit(
        f"/actions/{plan.action.id}/progress", {**hidden, "status": "not_started", "rag": "red", "narrative": "Paused"}
    )
    assert [u.narrative for u in updates(db_session, plan.action.id)] == ["Earlier", "Paused"]
    action = db_session.get(Action, plan.action.id)
    assert (action.status, action.rag, action.completed_on) == (ActionStatus.NOT_STARTED, Rag.RED, None)
    timeline = [li.text for li in soup(client.get(f"/actions/{plan.action.id}")).select(".app-timeline__item")]
    assert "Paused" in timeline[0] and "Earlier" in timeline[1]


def test_a_revised_due_date_in_the_past_is_refused_keeping_what_was_typed(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.owner)
    url = f"/actions/{plan.action.id}/progress"
    data = {
        **open_form(client, plan.action.id),
        "status": "in_progress",
        "rag": "amber",
        "narrative": "The supplier is late",
        "requested_due_on": ["1", "3", "2010"],
        "request_reason": "Go-live moved",
    }
    response = client.submit(url, data)
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one(".govuk-error-summary a").text == "Revised due date must be in the future"
    assert [field["value"] for field in page.select("input[name=requested_due_on]")] == ["1", "3", "2010"]
    assert page.select_one("textarea[name=request_reason]").text == "Go-live moved"
    assert page.select_one("textarea[name=narrative]").text == "The supplier is late"
    assert db_session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == plan.action.id)).first() is None


def test_the_inspection_rule_for_suggesting_amber_can_be_changed_and_is_audited(client, db_session, plan: Plan) -> None:
    """Action 1.1 is due 18 December 2026, 18 working days after the fixed today: Green under the default 10."""
    sign_in(client, plan.manager)
    progress = f"/actions/{plan.action.id}/progress"
    assert soup(client.get(progress)).select_one("input[name=rag][checked]")["value"] == "green"
    url = f"/inspections/{plan.inspection.id}/due-date-rules"
    page = soup(client.get(url))
    assert page.select_one("input[name=rag_amber_within_working_days]")["value"] == "10"
    rules = {field["name"]: field.get("value", "") for field in page.select("input[type=text]")}
    rules["immediate_due"] = "action_plan"
    refused = {
        "61": "Working days for suggesting Amber must be between 0 and 60",
        "-1": "Working days for suggesting Amber must be between 0 and 60",
        "ten": "Working days for suggesting Amber must be a whole number",
        "": "Enter the number of working days for suggesting Amber",
    }
    for typed, message in refused.items():
        response = client.submit(url, {**rules, "rag_amber_within_working_days": typed})
        assert response.status_code == 400, typed
        assert soup(response).select_one(".govuk-error-summary").text.strip().endswith(message), typed
        assert soup(response).select_one("input[name=rag_amber_within_working_days]")["value"] == typed
    assert client.submit(url, {**rules, "rag_amber_within_working_days": "20"}).status_code == 302
    assert db_session.get(Inspection, plan.inspection.id).rag_amber_within_working_days == 20
    assert soup(client.get(progress)).select_one("input[name=rag][checked]")["value"] == "amber"
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.field == "rag_amber_within_working_days")).one()
    assert (event.old_value, event.new_value, event.actor_id) == ("10", "20", plan.manager.id)
    history = soup(client.get(f"/inspections/{plan.inspection.id}")).text
    assert "Amber suggested within (working days)" in history


def test_reasons_and_notes_ending_in_a_full_stop_are_not_given_another(client, db_session, plan: Plan) -> None:
    ProgressUpdateFactory(
        action=plan.action,
        requested_due_on=date(2027, 2, 26),
        request_reason="The contract ends in January 2027.",
        request_state=DueDateRequestState.PENDING,
    )
    ProgressUpdateFactory(
        action=plan.action,
        requested_due_on=date(2027, 3, 26),
        request_reason="Staff are on leave",
        request_state=DueDateRequestState.APPROVED,
        decided_by=plan.manager,
        decided_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        decision_note="Keep the monthly audits going.",
    )
    db_session.commit()
    sign_in(client, plan.manager)
    text = " ".join(soup(client.get(f"/actions/{plan.action.id}")).select_one(".app-timeline").text.split())
    assert "ends in January 2027. Waiting for a decision." in text
    assert "Staff are on leave. Approved by Jo Clarke on 20 November 2026: Keep the monthly audits going." in text
    assert ".." not in text


def edit_behind_their_back(client, editor, action_id: int, changes: dict[str, object]) -> None:  # noqa: ANN001
    """Someone else (`editor`) saves `changes` on the edit form while `client` has the progress form open."""
    from tests.integration.actions.test_conflicts import edit_form

    other = client.application.test_client()
    sign_in(other, editor)
    form = edit_form(other, action_id)
    assert other.submit(f"/actions/{action_id}/edit", {**form, **changes}).status_code == 302


def test_an_edit_to_the_title_or_criteria_merges_with_a_progress_update(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.owner)
    hidden = open_form(client, plan.action.id)
    changes = {"title": "Audit every open case file", "success_criteria": "All 240 files audited"}
    edit_behind_their_back(client, plan.manager, plan.action.id, changes)
    data = {**hidden, "status": "in_progress", "rag": "amber", "narrative": "Half the files audited"}
    response = client.submit(f"/actions/{plan.action.id}/progress", data)
    assert response.status_code == 302
    action = db_session.get(Action, plan.action.id)
    assert (action.title, action.success_criteria) == ("Audit every open case file", "All 240 files audited")
    assert (action.status, action.rag) == (ActionStatus.IN_PROGRESS, Rag.AMBER)
    assert [u.narrative for u in updates(db_session, plan.action.id)] == ["Half the files audited"]


def test_a_change_of_due_date_or_owner_since_the_form_opened_is_a_conflict(client, db_session, plan: Plan) -> None:
    data = {"status": "in_progress", "rag": "amber", "narrative": "Half the files audited"}
    sign_in(client, plan.owner)
    hidden = open_form(client, plan.action.id)
    edit_behind_their_back(
        client, plan.manager, plan.action.id, {"due_on": ["20", "1", "2027"], "due_on_reason": "Agreed at the board"}
    )
    response = client.submit(f"/actions/{plan.action.id}/progress", {**hidden, **data})
    assert response.status_code == 409
    assert "Due date" in soup(response).select_one(".app-conflict").text
    # The programme manager records progress for the owner while an admin gives the action to someone else.
    manager = client.application.test_client()
    sign_in(manager, plan.manager)
    hidden = open_form(manager, plan.action.id)
    edit_behind_their_back(client, plan.admin, plan.action.id, {"owner_id": str(plan.other_owner.id)})
    response = manager.submit(f"/actions/{plan.action.id}/progress", {**hidden, **data})
    assert response.status_code == 409
    assert "Changed by Priya Shah at" in soup(response).select_one(".app-conflict").text
    assert updates(db_session, plan.action.id) == []
