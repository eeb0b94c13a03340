"""Issue 17: a transaction that only read ends with COMMIT on PostgreSQL, so the statements psycopg prepared stay
prepared for the next request (tracker/prepared_statements.py); one that wrote, or failed, is still rolled back."""

from __future__ import annotations

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.factories import UserFactory
from tracker.extensions import db
from tracker.models import Role, User

PREPARE_THRESHOLD = 5  # psycopg prepares a statement on a connection's fifth run of it


def _prepared(connection) -> list[str]:  # noqa: ANN001
    return list(connection.scalars(text("SELECT statement FROM pg_prepared_statements")))


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def test_statements_stay_prepared_after_a_transaction_that_only_read(app_context) -> None:
    """Before, the rollback that ends every read-only request made psycopg deallocate all it had prepared, so
    PostgreSQL planned every statement of every page again."""
    lookup = select(User.id).where(User.email == "nobody@example.gov.uk")
    with db.engine.connect() as connection:
        for _ in range(PREPARE_THRESHOLD + 1):
            assert connection.scalar(lookup) is None
        connection.rollback()
        if not _postgres():
            return  # SQLite prepares nothing on a server: there is nothing to keep, and the rollback is its own
        runs = text(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE 'SELECT users.id %'"
        )
        before = connection.scalar(runs)
        assert before is not None, _prepared(connection)
        connection.rollback()
        # The next transaction runs it prepared.
        assert connection.scalar(lookup) is None
        assert connection.scalar(runs) == before + 1


def test_a_transaction_that_wrote_is_still_rolled_back(app_context) -> None:
    """The COMMIT is only for transactions that did nothing but read: an INSERT or an UPDATE, from the session's
    flush or from a statement of its own, is undone by the rollback as before."""
    person = UserFactory(name="Kept")
    db.session.commit()
    db.session.execute(select(User.id)).all()  # a read first: the write that follows must still count
    db.session.add(User(name="Flushed", email="flushed@example.gov.uk", role=Role.VIEWER, password_hash="x"))
    db.session.flush()
    db.session.execute(update(User).where(User.id == person.id).values(name="Changed"))
    db.session.rollback()
    assert db.session.scalars(select(User.name)).all() == ["Kept"]
    db.session.rollback()

    with db.engine.connect() as connection:
        connection.execute(text("UPDATE users SET name = 'By text' WHERE id = :id"), {"id": person.id})
        connection.execute(
            insert(User).values(name="Inserted", email="inserted@example.gov.uk", role=Role.VIEWER, password_hash="x")
        )
        connection.rollback()
        assert connection.scalars(select(User.name)).all() == ["Kept"]


def test_a_failed_transaction_is_rolled_back_and_the_next_one_runs(app_context) -> None:
    lookup = select(func.count()).select_from(User)
    with db.engine.connect() as connection:
        for _ in range(PREPARE_THRESHOLD + 1):
            connection.scalar(lookup)
        try:
            connection.execute(text("SELECT count(*) FROM no_such_table"))
        except DBAPIError:
            connection.rollback()
        else:
            raise AssertionError("a query of a table that does not exist did not fail")
        assert connection.scalar(lookup) == 0
        if _postgres():
            # psycopg deallocated its statements at the rollback of the failed transaction; none is left behind.
            assert _prepared(connection) == []


def test_the_pages_statements_name_the_statuses_and_limits_themselves(app_context, now) -> None:
    """The overdue list and the dashboard write the open statuses, the pending state and their LIMIT and OFFSET into
    their statements (is_open, is_pending, written_in) rather than sending them as parameters: PostgreSQL's plan made
    once for every run of a prepared statement can use the partial indexes only then (ix_actions_open_due,
    ix_progress_updates_pending), and was otherwise never chosen over planning each run again (issue 17)."""
    from datetime import date

    from sqlalchemy import event
    from werkzeug.datastructures import MultiDict

    from tests.factories import ActionFactory, ProgressUpdateFactory
    from tracker.actions.queries import action_list
    from tracker.actions.queries.dashboard import build_dashboard

    action = ActionFactory(due_on=date(2026, 11, 2))
    ProgressUpdateFactory(action=action)
    db.session.commit()
    sent: list[tuple[str, object]] = []

    def note(_connection, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        sent.append((" ".join(statement.split()), parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        lines = action_list.build_action_list(
            action_list.ActionFilters.from_args(MultiDict({"overdue": "yes"})), now.date()
        ).lines
        page = build_dashboard(action.inspection, now.date())
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert [line.action.id for line in lines] == [action.id] == [overdue.id for overdue in page.overdue]
    listed = next(statement for statement, _ in sent if "AS chosen" in statement and "lead_agency" in statement)
    assert "actions.status IN ('not_started', 'in_progress')" in listed and "LIMIT 50 OFFSET 0" in listed
    updates = next(statement for statement, _ in sent if statement.startswith("SELECT progress_updates.id"))
    assert "progress_updates.request_state = 'pending'" in updates and "LIMIT 10" in updates
    parameters = [value for _, values in sent for value in (values.values() if isinstance(values, dict) else values)]
    assert not [value for value in parameters if value in {"not_started", "in_progress", "pending"}]
