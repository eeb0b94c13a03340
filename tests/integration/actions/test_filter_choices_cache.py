"""All actions' filter choices are kept by each worker between requests (tracker.cache_stamps) and are read again
as soon as a transaction that changes them commits, wherever it ran: here the test's own session plays the other
worker, since the page's worker learns of a change only from the stamp."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, text, update

from tests.conftest import sign_in, soup
from tests.factories import ActionFactory, UserFactory
from tests.integration.actions.conftest import Plan
from tracker import cache_stamps
from tracker.extensions import db
from tracker.models import Action, ActionStatus, CacheStamp, Rag


def owner_names(client) -> list[str]:  # noqa: ANN001
    return [option.text for option in soup(client.get("/actions")).select("select[name=owner] option")][1:]


def stamp() -> str | None:
    return db.session.scalar(select(CacheStamp.stamp).where(CacheStamp.topic == "action_filters"))


def statements_of(client, url: str) -> list[str]:  # noqa: ANN001
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001, ANN002
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def kept(client) -> bool:  # noqa: ANN001
    """Whether All actions showed its choices without reading them."""
    return not any("DISTINCT actions.owner_id" in statement for statement in statements_of(client, "/actions"))


def test_the_choices_are_read_once_while_nothing_changes(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.viewer)
    first = statements_of(client, "/actions")
    again = statements_of(client, "/actions")

    assert any("DISTINCT actions.owner_id" in statement for statement in first)
    assert not any("DISTINCT actions.owner_id" in statement for statement in again)
    assert len(again) == len(first) - 4  # owners, their names, inspections, agencies


def change_owner_with_the_orm(plan: Plan) -> None:
    plan.action.owner = UserFactory(name="Zara New")


def change_owner_with_one_statement(plan: Plan) -> None:
    newcomer = UserFactory(name="Zara New")
    db.session.flush()
    db.session.execute(update(Action).where(Action.id == plan.action.id).values(owner_id=newcomer.id))


def change_owner_with_sql_written_by_hand(plan: Plan) -> None:
    newcomer = UserFactory(name="Zara New")
    db.session.flush()
    by_hand = text("UPDATE actions SET owner_id = :owner WHERE id = :id")
    db.session.execute(by_hand, {"owner": newcomer.id, "id": plan.action.id})


@pytest.mark.parametrize(
    "change", [change_owner_with_the_orm, change_owner_with_one_statement, change_owner_with_sql_written_by_hand]
)
def test_a_new_owner_is_offered_as_soon_as_the_change_commits(client, db_session, plan: Plan, change) -> None:  # noqa: ANN001
    sign_in(client, plan.viewer)
    assert owner_names(client) == ["Ruth Allen", "Sam Patel"]
    assert kept(client)

    change(plan)
    db_session.commit()

    assert owner_names(client) == ["Ruth Allen", "Zara New"]


def test_renamed_people_and_inspections_and_archived_actions_show_at_once(client, db_session, plan: Plan) -> None:
    sign_in(client, plan.viewer)
    assert owner_names(client) == ["Ruth Allen", "Sam Patel"]
    assert kept(client)

    plan.owner.name = "Samira Patel"
    plan.inspection.title = "Leicester JAR, renamed"
    db_session.commit()
    page = soup(client.get("/actions"))
    assert [o.text for o in page.select("select[name=owner] option")][1:] == ["Ruth Allen", "Samira Patel"]
    assert [o.text for o in page.select("select[name=inspection] option")][1:] == ["Leicester JAR, renamed"]

    plan.other_action.archived_at = datetime(2026, 11, 20, tzinfo=UTC)
    plan.action.lead_agency = "Leicestershire Police"
    db_session.commit()
    assert kept(client) is False
    page = soup(client.get("/actions"))
    assert [o.text for o in page.select("select[name=owner] option")][1:] == ["Samira Patel"]
    assert [o.text for o in page.select("select[name=agency] option")][1:] == ["Leicestershire Police"]

    assert kept(client)
    db_session.delete(plan.owner)  # their actions are left without an owner (ON DELETE SET NULL)
    db_session.commit()
    assert owner_names(client) == []


def test_progress_and_rolled_back_changes_leave_the_stamp_alone(client, db_session, plan: Plan) -> None:
    """Recording progress (status, RAG) changes no choice: the choices stay kept. A change rolled back is not
    stamped, by itself or with the next transaction."""
    before = stamp()
    assert before is not None

    plan.action.owner = plan.other_owner
    db_session.flush()
    db_session.rollback()
    plan.action.status, plan.action.rag = ActionStatus.IN_PROGRESS, Rag.GREEN
    db_session.commit()

    assert stamp() == before


def test_a_change_made_outside_the_app_is_read_after_the_longest_keep(
    client, db_session, plan: Plan, monkeypatch
) -> None:
    """SQL typed in psql is not seen as it passes: what is kept is read again after MAX_AGE_SECONDS."""
    sign_in(client, plan.viewer)
    assert owner_names(client) == ["Ruth Allen", "Sam Patel"]
    assert kept(client)
    with db.engine.begin() as connection:  # a connection of its own: not the session, so not stamped
        connection.execute(text("UPDATE users SET name = 'Sam Outside' WHERE id = :id"), {"id": plan.owner.id})

    assert owner_names(client) == ["Ruth Allen", "Sam Patel"]
    monkeypatch.setattr(cache_stamps, "MAX_AGE_SECONDS", 0)
    assert owner_names(client) == ["Ruth Allen", "Sam Outside"]


def test_without_a_stamp_the_choices_are_read_every_time(client, db_session, plan: Plan) -> None:
    db_session.execute(text("DELETE FROM cache_stamps"))
    db_session.commit()
    sign_in(client, plan.viewer)
    assert owner_names(client) == ["Ruth Allen", "Sam Patel"]

    with db.engine.begin() as connection:
        connection.execute(text("UPDATE users SET name = 'Sam Outside' WHERE id = :id"), {"id": plan.owner.id})

    assert owner_names(client) == ["Ruth Allen", "Sam Outside"]
    assert not kept(client)
    ActionFactory(recommendation=plan.six_months, reference="2.2", owner=plan.owner)
    db_session.commit()
    assert stamp() is not None  # the next change writes one again
