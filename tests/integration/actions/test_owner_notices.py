"""New owners are told, once per batch, whichever way the plan gives them actions: adding one, editing one, or a
plan imported from a spreadsheet (issue 14 item 4; the emails' wording is read back over SMTP in
tests/integration/reminders/test_notices.py)."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.integration.actions.conftest import Plan
from tests.integration.actions.test_plan_building import form_data
from tests.integration.actions.test_spreadsheets import HEADER, confirm, upload
from tracker.models import OutboxEmail


def assignment_emails(db_session) -> list[OutboxEmail]:  # noqa: ANN001
    db_session.expire_all()
    query = select(OutboxEmail).where(OutboxEmail.dedupe_key.startswith("assigned:")).order_by(OutboxEmail.id)
    return list(db_session.scalars(query))


def test_adding_and_reassigning_an_action_tells_its_new_owner(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    added = client.submit(f"/recommendations/{plan.immediate.id}/actions/new", form_data(owner_id=str(plan.owner.id)))
    assert added.status_code == 302
    url = f"/actions/{plan.action.id}/edit"
    form = soup(client.get(url))
    hidden = {name: form.select_one(f"input[name={name}]")["value"] for name in ("version", "seen")}
    edited = client.submit(url, form_data(reference="1.1", owner_id=str(plan.other_owner.id), **hidden))
    assert edited.status_code == 302
    untouched = client.submit(
        url,
        form_data(reference="1.1", title="Retitled", owner_id=str(plan.other_owner.id), version="2",
                  seen=soup(client.get(url)).select_one("input[name=seen]")["value"]),
    )  # fmt: skip
    assert untouched.status_code == 302
    assert [(e.recipient, e.subject) for e in assignment_emails(db_session)] == [
        (plan.owner.email, "Action 1.2 is now yours: Audit every looked after child's case file"),
        (plan.other_owner.email, "Action 1.1 is now yours: Audit every looked after child's case file"),
    ]


def test_an_imported_plan_tells_each_owner_once_listing_their_actions(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    preview = upload(
        client,
        plan,
        [
            HEADER,
            [1, "1.2", "Audit case files", plan.owner.email, ""],
            [1, "1.3", "Train team managers", plan.owner.email, ""],
            [2, "2.2", "Joint funding agreement", plan.other_owner.email, ""],
            [2, "2.3", "Nobody's yet", "", ""],
            [2, "2.4", "The manager's own", plan.manager.email, ""],
        ],
    )
    assert confirm(client, plan.inspection.id, preview).status_code == 302
    emails = {e.recipient: e for e in assignment_emails(db_session)}
    assert set(emails) == {plan.owner.email, plan.other_owner.email}
    assert emails[plan.owner.email].subject == f"2 actions are now yours: {plan.inspection.title}"
    assert "1.2 Audit case files" in emails[plan.owner.email].text_body
    assert "1.3 Train team managers" in emails[plan.owner.email].text_body
    assert "Joint funding agreement" in emails[plan.other_owner.email].text_body
