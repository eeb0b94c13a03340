"""A gunicorn worker killed with SIGKILL in the middle of a request that writes thousands of rows
leaves nothing half-written, and the server carries on with a fresh worker.

The request is a real action-plan import (upload, preview, confirm). The worker is paused with
SIGSTOP once it is provably inside its write transaction (PostgreSQL: its backend holds a
transaction id and the actions sequence has moved on part of the way; SQLite: it holds the write
lock), then killed. No test hook in the product: the size of the import is what makes it slow enough.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, text

from tests.factories import InspectionFactory, RecommendationFactory, UserFactory
from tests.load.support import Client, Reply, Server, hidden_fields, wait_for
from tracker.domain.plan_rows import HEADERS
from tracker.extensions import db
from tracker.models import Action, AuditEvent, ProgressUpdate, Role

ROWS = 2000  # the most one spreadsheet may hold (spreadsheets.MAX_ROWS): a few seconds of inserts
RECOMMENDATIONS = 5
WRITTEN_BEFORE_PAUSE = 50  # PostgreSQL: actions the import has inserted, uncommitted, before the pause


def _spreadsheet() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for n in range(ROWS):
        recommendation = str(n % RECOMMENDATIONS + 1)
        values = {"Recommendation": recommendation, "Reference": f"{recommendation}.{n + 1}",
                  "Action": f"Imported action {n + 1}", "Lead agency": "Leicester City Council",
                  "Due date": "2027-03-31", "Status": "In progress", "RAG": "Green",
                  "Latest progress": f"Imported progress {n + 1}"}  # fmt: skip
        writer.writerow([values.get(header, "") for header in HEADERS])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass
class Imported:
    actions: int
    progress_updates: int
    created_events: int


def _imported(db_session, inspection_id: int) -> Imported:  # noqa: ANN001
    db_session.expire_all()
    action_ids = select(Action.id).where(Action.inspection_id == inspection_id)
    return Imported(
        db_session.scalar(select(func.count()).where(Action.inspection_id == inspection_id)),
        db_session.scalar(select(func.count()).where(ProgressUpdate.action_id.in_(action_ids))),
        db_session.scalar(
            select(func.count()).where(
                AuditEvent.inspection_id == inspection_id, AuditEvent.entity_type == "actions",
                AuditEvent.field == "created",
            )
        ),
    )  # fmt: skip


def _confirm_form(client: Client, inspection_id: int) -> dict[str, str]:
    """Upload the spreadsheet and read the confirm form off the preview page."""
    page = client.get(f"/inspections/{inspection_id}/plan/import")
    token = hidden_fields(page.text)["csrf_token"]
    preview = client.post_file(
        f"/inspections/{inspection_id}/plan/import", {"csrf_token": token}, "spreadsheet", "plan.csv", _spreadsheet()
    )
    assert preview.status == 200, preview.text[:500]
    fields = hidden_fields(preview.text)
    assert {"csrf_token", "rows", "filename"} <= fields.keys()
    return fields


class InFlight(threading.Thread):
    """Sends one POST and waits for whatever comes back (a reply, or the connection dropping)."""

    def __init__(self, client: Client, path: str, form: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.client, self.path, self.form = client, path, form
        self.reply: Reply | None = None
        self.failure: Exception | None = None

    def run(self) -> None:
        try:
            self.reply = self.client.post(self.path, self.form)
        except OSError as error:
            self.failure = error


# PostgreSQL: how far the transaction has got is visible from outside ---------------------------


def _actions_numbered(engine: Engine) -> int:
    """Action ids handed out so far; nextval is not rolled back, so uncommitted inserts count too."""
    with engine.connect() as connection:
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence('actions', 'id')"))
        return connection.execute(
            text(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")
        ).scalar()


def _open_write_transactions(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
        )


def _pause_mid_transaction_postgresql(engine: Engine, worker: int, request: InFlight) -> str:
    before = _actions_numbered(engine)
    assert wait_for(lambda: _actions_numbered(engine) - before >= WRITTEN_BEFORE_PAUSE or not request.is_alive())
    os.kill(worker, signal.SIGSTOP)
    inserted = _actions_numbered(engine) - before
    assert WRITTEN_BEFORE_PAUSE <= inserted < ROWS, f"paused after {inserted} of {ROWS} inserts"
    assert _open_write_transactions(engine) == 1, "the paused worker is not inside a write transaction"
    return f"paused after {inserted} of {ROWS} actions were inserted, uncommitted"


# SQLite: the writer holds the database's write lock from its first insert to its commit ---------


def _write_locked(path: str) -> bool:
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error) or "busy" in str(error), error
        return True
    finally:
        connection.close()


def _pause_mid_transaction_sqlite(path: str, worker: int, request: InFlight) -> str:
    """Pause the worker, look at the lock, let it go on; once it has been writing a while, keep it paused."""
    writing_since: float | None = None
    while request.is_alive():
        os.kill(worker, signal.SIGSTOP)
        if _write_locked(path):
            writing_since = writing_since or time.monotonic()
            if time.monotonic() - writing_since >= 0.2:
                return "paused holding the write lock, 0.2 s into its transaction"
        os.kill(worker, signal.SIGCONT)
        time.sleep(0.01)
    raise AssertionError(f"the import finished before the worker could be paused inside it: {request.reply}")


def _pause_mid_transaction(engine: Engine, worker: int, request: InFlight) -> str:
    if engine.dialect.name == "postgresql":
        return _pause_mid_transaction_postgresql(engine, worker, request)
    return _pause_mid_transaction_sqlite(engine.url.database or "", worker, request)


def _kill_and_wait_for_a_new_worker(server: Server, worker: int, request: InFlight) -> int:
    os.kill(worker, signal.SIGKILL)
    request.join(timeout=30)
    assert not request.is_alive()
    assert request.reply is None or request.reply.status >= 500, "the killed request said it had saved"
    assert wait_for(lambda: len(server.worker_pids() - {worker}) == 1), server.log_tail()
    (replacement,) = server.worker_pids()
    return replacement


def test_worker_killed_in_the_middle_of_an_import_leaves_nothing_half_written(db_session, start_server, capsys) -> None:
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, job_title="Programme manager")
    inspection = InspectionFactory(managers=[manager])
    for number in range(1, RECOMMENDATIONS + 1):
        RecommendationFactory(inspection=inspection, number=str(number), position=number)
    db_session.commit()
    inspection_id, email = inspection.id, manager.email
    server = start_server(workers=1)
    client = server.signed_in(email)
    form = _confirm_form(client, inspection_id)
    (worker,) = server.worker_pids()
    engine = db.engine

    request = InFlight(client, f"/inspections/{inspection_id}/plan/import/confirm", form)
    request.start()
    try:
        pause = _pause_mid_transaction(engine, worker, request)
    except BaseException:
        os.kill(worker, signal.SIGCONT)
        raise
    replacement = _kill_and_wait_for_a_new_worker(server, worker, request)

    # All of the import or none of it: the actions, their first progress updates and their history agree.
    after_kill = _imported(db_session, inspection_id)
    assert after_kill in (Imported(0, 0, 0), Imported(ROWS, ROWS, ROWS)), after_kill
    if engine.dialect.name == "postgresql":
        assert after_kill == Imported(0, 0, 0)  # it was paused before its last insert, so it never committed
        assert wait_for(lambda: _open_write_transactions(engine) == 0)
    else:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    # The master started a new worker; the same import, sent again, is saved in full, once.
    assert replacement != worker
    took = ""
    if after_kill.actions == 0:
        started = time.monotonic()
        again = client.post(f"/inspections/{inspection_id}/plan/import/confirm", form)
        assert again.status == 302, again.text[:500]
        took = f" in {time.monotonic() - started:.1f} s"
    assert _imported(db_session, inspection_id) == Imported(ROWS, ROWS, ROWS)
    assert client.get(f"/inspections/{inspection_id}/plan").status == 200
    assert server.worker_pids() == {replacement}
    with capsys.disabled():
        print(
            f"\nWorker killed mid-import ({engine.dialect.name}): {pause}; after SIGKILL the database held "
            f"{after_kill.actions} of {ROWS} actions; new worker {replacement} saved the import again in full{took}"
        )
