"""Who can own an action: viewers and deactivated people are never offered, and a viewer who owns one
still changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, UserFactory
from tests.integration.actions.conftest import Plan
from tests.integration.actions.test_plan_building import form_data
from tests.integration.actions.test_spreadsheets import upload
from tracker.models import Action, ProgressUpdate, Role


def test_viewers_and_deactivated_people_are_not_offered_as_owners(client, db_session, plan: Plan) -> None:
    gone = UserFactory(role=Role.SERVICE_MANAGER, active=False)
    db_session.commit()
    sign_in(client, plan.manager)
    for url in (
        f"/recommendations/{plan.immediate.id}/actions/new",
        f"/actions/{plan.other_action.id}/edit",
        f"/inspections/{plan.inspection.id}/plan/assign",
    ):
        offered = {option["value"] for option in soup(client.get(url)).select("select[name=owner_id] option")}
        assert str(plan.owner.id) in offered, url
        assert str(plan.viewer.id) not in offered and str(gone.id) not in offered, url


def test_a_viewer_cannot_be_made_an_owner(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.manager)
    edit = client.submit(
        f"/actions/{plan.action.id}/edit",
        form_data(reference="1.1", owner_id=str(plan.viewer.id), version="1"),
    )
    assert edit.status_code == 400
    message = "Select an owner from the list: viewers and deactivated people cannot own actions"
    assert message in soup(edit).select_one(".govuk-error-summary").text
    assign = client.submit(
        f"/inspections/{plan.inspection.id}/plan/assign",
        {"owner_id": str(plan.viewer.id), "action_ids": [str(plan.action.id)]},
    )
    assert assign.status_code == 400
    assert message in soup(assign).select_one(".govuk-error-summary").text
    assert db_session.get(Action, plan.action.id).owner_id == plan.owner.id


def test_a_viewer_who_owns_an_action_cannot_record_progress(client, db_session, plan: Plan) -> None:
    mine = ActionFactory(recommendation=plan.immediate, reference="1.9", owner=plan.viewer)
    db_session.commit()
    sign_in(client, plan.viewer)
    url = f"/actions/{mine.id}/progress"
    assert client.get(url).status_code == 403
    posted = client.submit(url, {"status": "in_progress", "rag": "green", "narrative": "x"}, page_url="/")
    assert posted.status_code == 403
    assert db_session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == mine.id)).first() is None
    assert not soup(client.get(f"/actions/{mine.id}")).select(f"a[href='{url}']")


def test_an_import_naming_a_viewer_or_deactivated_person_as_owner_is_a_row_error(
    client, db_session, plan: Plan
) -> None:
    gone = UserFactory(role=Role.SERVICE_MANAGER, active=False, name="Pat Gone")
    db_session.commit()
    sign_in(client, plan.manager)
    response = upload(
        client,
        plan,
        [
            ["Recommendation", "Action", "Owner email"],
            [1, "Owned by a viewer", plan.viewer.email.upper()],
            [1, "Owned by someone who left", gone.email],
            [1, "Owned by a service manager", plan.owner.email],
        ],
    )
    summary = soup(response).select_one(".govuk-error-summary").text
    assert f"Row 2: Cllr Morgan Reid ({plan.viewer.email}) is a viewer and cannot own actions" in summary
    assert f"Row 3: Pat Gone ({gone.email}) has been deactivated and cannot own actions" in summary
    assert "3 rows, 1 ready to import" in soup(response).text
