"""Real processes killed with SIGKILL at the worst moment, then restarted: no email lost, none twice."""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, text, update

from tests.integration.reminders.conftest import (
    ROOT,
    TODAY,
    action,
    flask_command,
    person,
    queue_rendered_email,
    set_now,
    start_process,
    subprocess_env,
)
from tests.waiting import wait_for
from tracker import clock, jobs
from tracker.extensions import db
from tracker.models import ActionLinkToken, EmailState, JobRun, OutboxEmail
from tracker.outbox.sender import CLAIM_BATCH, send_due_emails

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)  # due whatever the machine's clock says


@contextmanager
def writes_blocked(engine: Engine) -> Iterator[None]:
    """Hold a lock that makes the next write to the outbox wait (SQLite: the whole database)."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("LOCK TABLE outbox_emails IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        connection.exec_driver_sql("ROLLBACK")
        connection.close()


def _waiting_on_the_lock(engine: Engine, process: subprocess.Popen, database: str) -> bool:
    if engine.dialect.name == "sqlite":
        # It has the database open: its first write is now waiting for the lock.
        fds = Path(f"/proc/{process.pid}/fd")
        return any(os.path.realpath(fd) == database for fd in fds.iterdir()) if fds.exists() else False
    with engine.connect() as connection:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO outbox%'"
        )
        return bool(connection.scalar(query))


def test_reminders_run_killed_mid_run_then_rerun_sends_each_digest_once(app, db_session, digest_time, tmp_path) -> None:
    owners = [person() for _ in range(3)]
    for owner in owners:
        action(owner, date(2026, 11, 2))
    db_session.commit()
    engine = db.engine
    database = engine.url.database or ""
    env = subprocess_env(app, tmp_path)
    command = flask_command("reminders", "run", "--date", TODAY.isoformat())

    with writes_blocked(engine):
        process = start_process(command, env, tmp_path / "killed.log")
        assert wait_for(lambda: _waiting_on_the_lock(engine, process, os.path.realpath(database)))
        process.kill()
        assert process.wait(timeout=10) == -9

    db_session.expire_all()
    assert db_session.scalar(select(OutboxEmail.id)) is None
    assert db_session.scalar(select(JobRun.id)) is None  # the claim died with its transaction
    assert db_session.scalar(select(ActionLinkToken.id)) is None

    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert "daily digest for 2026-11-24: done (decided 3, already queued 0, queued 3" in rerun.stdout
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "daily digest for 2026-11-24: already ran" in again.stdout

    db_session.expire_all()
    keys = db_session.scalars(select(OutboxEmail.dedupe_key)).all()
    assert sorted(keys) == sorted(f"digest:{owner.id}:2026-11-24" for owner in owners)


def _queue(db_session, count: int) -> None:
    for n in range(count):
        queue_rendered_email(
            recipient=f"r{n}@example.gov.uk",
            subject=f"Message {n}",
            text_body=f"Hello {n}",
            html_body="",
            dedupe_key=f"crash:{n}",
        )
    db_session.execute(update(OutboxEmail).values(send_after=LONG_AGO, created_at=LONG_AGO))
    db_session.commit()


def test_sender_killed_mid_batch_leaves_at_most_one_batch_uncertain_and_sends_nothing_twice(
    app, db_session, digest_time, smtp_server, mail_to, tmp_path
) -> None:
    mail_to(smtp_server, OUTBOX_CLAIM_TIMEOUT_SECONDS=600)
    _queue(db_session, 25)
    mailbox = smtp_server.mailbox
    mailbox.hold_at = 13  # the server takes the 13th message (the second batch's third) and does not answer
    env = subprocess_env(app, tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.port))
    process = start_process(flask_command("outbox", "send"), env, tmp_path / "sender.log")
    assert wait_for(mailbox.held.is_set)
    process.kill()
    process.wait(timeout=10)
    mailbox.release.set()

    db_session.expire_all()
    states = Counter(db_session.scalars(select(OutboxEmail.state)))
    # The first batch's outcomes but its last were committed with the second claim, of nine, made while that last
    # one was with the server: those ten are in doubt.
    assert states == {EmailState.SENT: 9, EmailState.SENDING: CLAIM_BATCH, EmailState.QUEUED: 6}
    in_doubt = db_session.scalars(select(OutboxEmail).where(OutboxEmail.state == EmailState.SENDING)).all()
    claimed_at = in_doubt[0].claimed_at.replace(tzinfo=UTC)

    report = send_due_emails()  # the restarted sender: the queued six, and nothing in doubt
    assert report.sent == 6 and report.interrupted == 0
    set_now(app, claimed_at + timedelta(seconds=601))
    assert send_due_emails().interrupted == CLAIM_BATCH

    received = Counter(m.rcpt_tos[0] for m in mailbox.messages)
    assert set(received.values()) == {1}  # nothing twice
    assert set(received) == {f"r{n}@example.gov.uk" for n in [*range(13), *range(19, 25)]}
    db_session.expire_all()
    uncertain = db_session.scalars(
        select(OutboxEmail.recipient).where(OutboxEmail.last_error.contains("may or may not have been delivered"))
    ).all()
    assert sorted(uncertain) == sorted(f"r{n}@example.gov.uk" for n in range(9, 19))  # at most ten
    assert Counter(db_session.scalars(select(OutboxEmail.state))) == {EmailState.SENT: 15, EmailState.FAILED: 10}


def test_two_senders_at_once_send_each_email_once(app, db_session, digest_time, smtp_server, mail_to, tmp_path) -> None:
    mail_to(smtp_server)
    _queue(db_session, 30)
    mailbox = smtp_server.mailbox
    mailbox.hold.set()
    env = subprocess_env(app, tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.port))
    senders = [start_process(flask_command("outbox", "send"), env, tmp_path / f"sender{n}.log") for n in range(2)]
    try:
        # Both senders are mid-send at the same moment, each holding a different claimed email.
        assert wait_for(lambda: len({m.session for m in mailbox.messages}) == 2)
        assert len({m.rcpt_tos[0] for m in mailbox.messages}) == 2
        mailbox.release.set()
        for sender in senders:
            assert sender.wait(timeout=60) == 0
    finally:
        for sender in senders:
            if sender.poll() is None:
                sender.kill()
    assert Counter(m.rcpt_tos[0] for m in mailbox.messages) == {f"r{n}@example.gov.uk": 1 for n in range(30)}
    db_session.expire_all()
    assert set(db_session.scalars(select(OutboxEmail.state))) == {EmailState.SENT}
    by_sender = Counter(db_session.scalars(select(OutboxEmail.claimed_by)))
    assert len(by_sender) == 2 and sum(by_sender.values()) == 30


def test_jobs_rerun_in_process_after_a_crash_are_idempotent(db_session, digest_time) -> None:
    action(person(), date(2026, 11, 2))
    db_session.commit()
    first = jobs.run_reminders(TODAY, clock.now())
    second = jobs.run_reminders(TODAY, clock.now())
    assert [r.outcome for r in first] == ["done"] * 4
    assert [r.outcome for r in second] == ["already ran"] * 4
