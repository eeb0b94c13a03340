"""Two people, one action: a stale edit is not saved, the person is told who changed what, and keeps their text."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.integration.actions.conftest import Plan
from tracker.models import Action, AuditEvent


def edit_form(client, action_id: int) -> dict[str, object]:  # noqa: ANN001
    page = soup(client.get(f"/actions/{action_id}/edit"))
    data: dict[str, object] = {}
    for field in page.select("form input[name], form textarea[name], form select[name]"):
        name = field["name"]
        if field.name == "textarea":
            value: object = field.text
        elif field.name == "select":
            chosen = field.select_one("option[selected]")
            value = chosen["value"] if chosen else ""
        else:
            value = field.get("value", "")
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    data.pop("csrf_token", None)
    return data


def test_a_stale_edit_is_refused_with_the_other_change_and_the_typed_text(client, db_session, plan: Plan) -> None:
    original_title = plan.action.title
    sign_in(client, plan.manager)
    mine = edit_form(client, plan.action.id)
    other = client.application.test_client()
    sign_in(other, plan.admin)
    theirs = edit_form(other, plan.action.id)
    assert other.submit(f"/actions/{plan.action.id}/edit", {**theirs, "title": "Their better title"}).status_code == 302

    response = client.submit(
        f"/actions/{plan.action.id}/edit", {**mine, "title": "My title", "success_criteria": "Mine too"}
    )
    assert response.status_code == 409
    page = soup(response)
    banner = page.select_one(".app-conflict").text
    assert "Changed by Priya Shah at" in banner
    assert f"Action: {original_title} → Their better title" in banner
    assert "Your changes have not been saved" in banner
    assert page.select_one("input[name=title]")["value"] == "My title"
    assert page.select_one("textarea[name=success_criteria]").text == "Mine too"
    assert db_session.get(Action, plan.action.id).title == "Their better title"

    fresh = {**mine, "title": "My title", "version": page.select_one("input[name=version]")["value"]}
    fresh["seen"] = page.select_one("input[name=seen]")["value"]
    assert client.submit(f"/actions/{plan.action.id}/edit", fresh).status_code == 302
    assert db_session.get(Action, plan.action.id).title == "My title"


def test_a_double_clicked_edit_saves_once_and_reports_no_conflict(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    data = {**edit_form(client, plan.action.id), "title": "Clicked twice"}
    first = client.submit(f"/actions/{plan.action.id}/edit", data)
    second = client.submit(f"/actions/{plan.action.id}/edit", data)
    assert (first.status_code, second.status_code) == (302, 302)
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.field == "title")).all()
    assert len(events) == 1
    assert db_session.get(Action, plan.action.id).version == 2


def test_a_progress_update_in_between_makes_an_edit_stale(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    mine = edit_form(client, plan.action.id)
    owner = client.application.test_client()
    sign_in(owner, plan.owner)
    progress = soup(owner.get(f"/actions/{plan.action.id}/progress"))
    owner.submit(
        f"/actions/{plan.action.id}/progress",
        {
            "version": progress.select_one("input[name=version]")["value"],
            "seen": progress.select_one("input[name=seen]")["value"],
            "status": "in_progress",
            "rag": "amber",
            "narrative": "Two posts vacant",
        },
    )
    response = client.submit(f"/actions/{plan.action.id}/edit", {**mine, "title": "New title"})
    assert response.status_code == 409
    banner = soup(response).select_one(".app-conflict").text
    assert "Changed by Sam Patel at" in banner and "Two posts vacant" in banner


def test_fields_only_the_other_person_changed_take_their_value(client, db_session, plan: Plan) -> None:
    """A resubmit must not quietly undo the other change: untouched fields show the newer value."""
    sign_in(client, plan.manager)
    mine = edit_form(client, plan.action.id)
    other = client.application.test_client()
    sign_in(other, plan.admin)
    theirs = edit_form(other, plan.action.id)
    other.submit(
        f"/actions/{plan.action.id}/edit",
        {**theirs, "lead_agency": "NHS Leicester", "owner_id": str(plan.other_owner.id), "title": "Theirs"},
    )
    response = client.submit(f"/actions/{plan.action.id}/edit", {**mine, "title": "Mine"})
    page = soup(response)
    assert page.select_one("input[name=title]")["value"] == "Mine"
    assert page.select_one("input[name=lead_agency]")["value"] == "NHS Leicester"
    assert page.select_one(f"select[name=owner_id] option[value='{plan.other_owner.id}']").has_attr("selected")
    assert "You had not changed owner (lead officer), lead agency, so the form now shows their values" in page.text
    resubmit = {name: page.select_one(f"[name={name}]").get("value") for name in ("version", "seen", "lead_agency")}
    client.submit(
        f"/actions/{plan.action.id}/edit", {**mine, **resubmit, "title": "Mine", "owner_id": str(plan.other_owner.id)}
    )
    action = db_session.get(Action, plan.action.id)
    assert (action.title, action.lead_agency, action.owner_id) == ("Mine", "NHS Leicester", plan.other_owner.id)
