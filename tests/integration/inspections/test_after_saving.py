"""After an inspection is saved: correcting its recommendations and choosing who runs it."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, UserFactory
from tests.integration.inspections.conftest import make_inspection
from tracker.models import AuditEvent, Recommendation, Role, Timescale


def _history(db_session, field: str) -> list[AuditEvent]:  # noqa: ANN001
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.field == field)))


def test_a_manager_corrects_a_recommendation_and_the_change_is_in_the_history(client, db_session) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, name="Jo Clarke")
    inspection = make_inspection(db_session, manager)
    recommendation = inspection.recommendations[0]
    db_session.commit()
    sign_in(client, manager)
    url = f"/inspections/{inspection.id}/recommendations/{recommendation.id}/edit"
    page = soup(client.get(url))
    assert page.select_one("textarea[name=text]").text.strip() == recommendation.text
    response = client.submit(
        url,
        {
            "number": "1",
            "timescale": "six_months",
            "addressee": "The LSCB",
            "theme": "",
            "text": "ensure  that\nit works",
        },
    )
    assert response.status_code == 302
    db_session.refresh(recommendation)
    assert (recommendation.number, recommendation.timescale, recommendation.addressee, recommendation.text) == (
        "1",
        Timescale.SIX_MONTHS,
        "The LSCB",
        "ensure that it works",
    )
    changes = {e.field: (e.new_value, e.actor_id) for e in db_session.scalars(select(AuditEvent))}
    assert changes["timescale"] == ("six_months", manager.id)
    assert changes["text"] == ("ensure that it works", manager.id)
    history = soup(client.get(f"/inspections/{inspection.id}/history")).get_text()
    assert "ensure that it works" in history


def test_a_recommendation_needs_its_text_and_keeps_what_was_typed(client, db_session) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    inspection = make_inspection(db_session, manager)
    db_session.commit()
    sign_in(client, manager)
    response = client.submit(
        f"/inspections/{inspection.id}/recommendations/new",
        {"number": "17", "timescale": "longer_term", "addressee": "The <b>LSCB</b>", "text": " "},
    )
    assert response.status_code == 400
    page = soup(response)
    assert "Enter the recommendation" in page.select_one(".govuk-error-summary").text
    assert page.select_one("input[name=addressee]")["value"] == "The <b>LSCB</b>"


def test_a_missed_recommendation_is_added_at_the_end(client, db_session) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    inspection = make_inspection(db_session, manager)
    db_session.commit()
    sign_in(client, manager)
    response = client.submit(
        f"/inspections/{inspection.id}/recommendations/new",
        {"number": "4", "timescale": "immediate", "text": "publish the findings to children"},
    )
    assert response.status_code == 302
    added = db_session.scalars(select(Recommendation).where(Recommendation.number == "4")).one()
    assert added.position == 3
    assert "publish the findings to children" in soup(client.get(f"/inspections/{inspection.id}")).get_text()
    assert _history(db_session, "created")[-1].note == "Added by hand after the report was saved"


def test_a_recommendation_with_actions_cannot_be_deleted_one_without_can(client, db_session) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    inspection = make_inspection(db_session, manager)
    with_action, without = inspection.recommendations[0], inspection.recommendations[1]
    ActionFactory(recommendation=with_action)
    db_session.commit()
    without_id, without_text = without.id, without.text
    sign_in(client, manager)
    base = f"/inspections/{inspection.id}/recommendations"
    assert "cannot be deleted" in soup(client.get(f"{base}/{with_action.id}/delete")).get_text()
    refused = client.submit(f"{base}/{with_action.id}/delete", page_url=f"{base}/{without_id}/delete")
    assert refused.status_code == 302
    assert db_session.get(Recommendation, with_action.id) is not None
    assert client.submit(f"{base}/{without_id}/delete").status_code == 302
    assert db_session.get(Recommendation, without_id) is None
    assert _history(db_session, "deleted")[0].old_value == without_text


def test_choosing_who_runs_an_inspection(client, db_session) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, name="Jo Clarke")
    colleague = UserFactory(role=Role.PROGRAMME_MANAGER, name="Amir Hussain")
    UserFactory(role=Role.SERVICE_MANAGER, name="Not A Manager")
    inspection = make_inspection(db_session, manager)
    db_session.commit()
    sign_in(client, manager)
    url = f"/inspections/{inspection.id}/managers"
    choices = [label.get_text(strip=True) for label in soup(client.get(url)).select(".govuk-checkboxes__label")]
    assert any("Amir Hussain" in c for c in choices) and not any("Not A Manager" in c for c in choices)

    empty = client.submit(url, {})
    assert empty.status_code == 400
    assert "Select at least one programme manager" in soup(empty).select_one(".govuk-error-summary").text

    assert client.submit(url, {"manager_ids": [str(colleague.id)]}).status_code == 302
    db_session.refresh(inspection)
    assert [m.name for m in inspection.managers] == ["Amir Hussain"]
    event = _history(db_session, "managers")[0]
    assert (event.old_value, event.new_value, event.actor_id) == ("Jo Clarke", "Amir Hussain", manager.id)
    # Jo no longer runs it, so may no longer change it.
    assert client.get(url).status_code == 403
