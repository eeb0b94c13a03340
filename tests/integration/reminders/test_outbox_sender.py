"""The outbox sender against a real SMTP server: one connection, retries with back-off, failures, TLS."""

from __future__ import annotations

import ssl
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import event, select, text

from tests.integration.reminders.conftest import (
    DIGEST_MOMENT,
    SmtpServer,
    action,
    person,
    queue_rendered_email,
    set_now,
)
from tracker import clock, jobs
from tracker.models import EmailState, OutboxEmail
from tracker.outbox.queueing import PreparedEmail, queue_prepared_emails
from tracker.outbox.sender import send_due_emails
from tracker.outbox.services import claim_candidates, claim_due_emails


def queue(db_session, count: int, *, prefix: str = "r") -> None:
    for n in range(count):
        queue_rendered_email(
            recipient=f"{prefix}{n}@example.gov.uk",
            subject=f"Message {n}",
            text_body=f"Hello {n}",
            html_body=f"<p>Hello {n}</p>",
            dedupe_key=f"test:{prefix}:{n}",
        )
    db_session.commit()


def rows(db_session) -> list[OutboxEmail]:
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def test_a_batch_goes_over_one_connection(db_session, digest_time, smtp_server, mail_to) -> None:
    mail_to(smtp_server)
    queue(db_session, 5)
    report = send_due_emails()
    assert report.sent == 5
    assert len({m.session for m in smtp_server.mailbox.messages}) == 1
    assert sorted(m.rcpt_tos[0] for m in smtp_server.mailbox.messages) == [f"r{n}@example.gov.uk" for n in range(5)]
    assert all(row.state == EmailState.SENT and row.attempts == 1 for row in rows(db_session))
    assert send_due_emails().sent == 0  # nothing is sent twice


def test_a_plain_relay_reads_no_certificate_authorities(
    db_session, digest_time, smtp_server, mail_to, monkeypatch
) -> None:
    """Issue 17: the TLS context (the system's certificate authorities read from disk, 45 ms of CPU) was made at
    every run of the sender, TLS or not."""
    mail_to(smtp_server)
    queue(db_session, 2)

    def no_tls_here(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("a TLS context for a plain connection")

    monkeypatch.setattr(ssl, "create_default_context", no_tls_here)
    assert send_due_emails().sent == 2


def test_a_run_commits_once_per_ten_emails(db_session, digest_time, smtp_server, mail_to) -> None:
    mail_to(smtp_server)
    queue(db_session, 25)
    commits: list[int] = []
    listen = (db_session.get_bind(), "commit", lambda connection: commits.append(1))
    event.listen(*listen)
    try:
        report = send_due_emails()
    finally:
        event.remove(*listen)
    assert report.sent == 25
    # Interrupted sends cleared, then three batches claimed (each with the previous one's outcomes), the last
    # batch's outcomes, and the empty claim that ends the run.
    assert len(commits) <= 6
    assert all(row.state == EmailState.SENT and row.attempts == 1 for row in rows(db_session))


def test_a_claim_that_loses_the_race_to_another_sender_takes_the_next_emails(db_session, digest_time) -> None:
    """Two senders at once (CI, main a06cd38): on SQLite a sender read ten candidates, another sender claimed them
    before its UPDATE, the UPDATE claimed nothing and the sender stopped as if the queue were empty."""
    queue(db_session, 15)
    engine = db_session.get_bind()
    other = {"claimed": False}

    def another_sender_claims_first(connection, cursor, statement, parameters, context, executemany) -> None:
        if other["claimed"] or "claimed_by" not in statement:  # the claim (one statement on PostgreSQL)
            return
        other["claimed"] = True
        with engine.connect() as rival:
            rival.execute(
                text(
                    "UPDATE outbox_emails SET state = 'sending', claimed_by = 'rival:1' WHERE id IN "
                    "(SELECT id FROM outbox_emails WHERE state = 'queued' ORDER BY send_after, id LIMIT 10)"
                )
            )
            rival.commit()

    event.listen(engine, "before_cursor_execute", another_sender_claims_first)
    try:
        claimed = claim_due_emails(clock.now(), "us:2", 10)
        db_session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", another_sender_claims_first)
    assert other["claimed"]
    assert [email.recipient for email in claimed] == [f"r{n}@example.gov.uk" for n in range(10, 15)]
    by_sender = {row.recipient: row.claimed_by for row in rows(db_session)}
    assert by_sender == {f"r{n}@example.gov.uk": "rival:1" if n < 10 else "us:2" for n in range(15)}


def test_a_batch_is_one_statement_on_postgresql(db_session, digest_time, smtp_server, mail_to) -> None:
    """Issue 17: each claim also records the previous batch as sent, in one round trip on PostgreSQL."""
    mail_to(smtp_server)
    queue(db_session, 25)
    statements: list[str] = []
    listen = (db_session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2]))
    event.listen(*listen)
    try:
        report = send_due_emails()
    finally:
        event.remove(*listen)
    assert report.sent == 25
    # Interrupted sends cleared and due emails counted, then four claims: three batches (10, then 9 while the
    # tenth is with the server, then the last 6) and the empty one that ends the run, each from the second on with
    # the outcomes before it; then the last email's, read after the empty claim. SQLite has no SKIP LOCKED: the
    # candidates, the claim and the outcomes are a statement each.
    postgres = db_session.get_bind().dialect.name == "postgresql"
    assert len(statements) == (2 + 4 + 1 if postgres else 2 + 3 * 2 + 3 + 1 + 1), statements
    assert all(row.state == EmailState.SENT and row.sent_at is not None for row in rows(db_session))


def test_mail_server_down_loses_nothing_and_delivers_when_it_returns(
    app, db_session, digest_time, smtp_server, mail_to
) -> None:
    mail_to(smtp_server)
    smtp_server.stop()
    queue(db_session, 3)

    report = send_due_emails()

    assert report.sent == 0 and report.waiting == 3
    assert "Could not reach the mail server" in report.summary()
    assert all(r.state == EmailState.QUEUED and r.attempts == 0 for r in rows(db_session))
    assert all("Could not reach the mail server" in r.last_error for r in rows(db_session))

    smtp_server.start()
    set_now(app, DIGEST_MOMENT + timedelta(minutes=1))
    assert send_due_emails().sent == 3
    assert len(smtp_server.mailbox.messages) == 3
    assert all(r.state == EmailState.SENT and r.last_error == "" for r in rows(db_session))


def test_temporary_refusals_back_off_then_fail_after_the_last_attempt(
    app, db_session, digest_time, smtp_server, mail_to
) -> None:
    mail_to(smtp_server, OUTBOX_MAX_ATTEMPTS=3, OUTBOX_RETRY_SECONDS=60)
    smtp_server.mailbox.refusals["r0@example.gov.uk"] = "451 4.3.0 Mailbox temporarily unavailable"
    queue(db_session, 2)

    assert send_due_emails().sent == 1
    [refused, sent] = rows(db_session)
    assert (refused.state, refused.attempts) == (EmailState.QUEUED, 1)
    assert refused.send_after.replace(tzinfo=UTC) == DIGEST_MOMENT + timedelta(seconds=60)
    assert "451" in refused.last_error
    assert sent.state == EmailState.SENT

    set_now(app, DIGEST_MOMENT + timedelta(seconds=59))
    assert send_due_emails().retrying == 0  # not due yet
    set_now(app, DIGEST_MOMENT + timedelta(seconds=60))
    assert send_due_emails().retrying == 1
    assert rows(db_session)[0].send_after.replace(tzinfo=UTC) == DIGEST_MOMENT + timedelta(seconds=180)
    set_now(app, DIGEST_MOMENT + timedelta(seconds=180))
    report = send_due_emails()
    assert report.failed == 1
    refused = rows(db_session)[0]
    assert (refused.state, refused.attempts) == (EmailState.FAILED, 3)
    assert smtp_server.mailbox.to("r0@example.gov.uk") == []


def test_a_connection_lost_mid_send_retries_that_email_and_leaves_the_rest_queued(
    app, db_session, digest_time, smtp_server, mail_to
) -> None:
    mail_to(smtp_server)
    smtp_server.mailbox.drops.add("r1@example.gov.uk")
    queue(db_session, 3)
    report = send_due_emails()
    assert (report.sent, report.retrying, report.waiting) == (1, 1, 1)
    states = [(r.recipient, r.state, r.attempts) for r in rows(db_session)]
    assert states == [
        ("r0@example.gov.uk", EmailState.SENT, 1),
        ("r1@example.gov.uk", EmailState.QUEUED, 1),
        ("r2@example.gov.uk", EmailState.QUEUED, 0),
    ]
    assert "Connection lost" in rows(db_session)[1].last_error
    smtp_server.mailbox.drops.clear()
    set_now(app, DIGEST_MOMENT + timedelta(seconds=60))
    assert send_due_emails().sent == 2
    assert sorted(m.rcpt_tos[0] for m in smtp_server.mailbox.messages) == [
        "r0@example.gov.uk", "r1@example.gov.uk", "r2@example.gov.uk"
    ]  # fmt: skip


@pytest.mark.parametrize("dropped", [9, 14])
def test_a_connection_lost_on_the_email_in_flight_during_a_claim_puts_the_claim_back(
    app, db_session, digest_time, smtp_server, mail_to, dropped: int
) -> None:
    """Issue 17: the next batch is claimed while the server takes in the last email of the one before, whose reply
    is read after the claim. The server hangs up on that email (the 10th), or on the run's last (the 15th): that
    one is retried later, the emails claimed meanwhile go back to the queue untouched, the rest stay sent."""
    mail_to(smtp_server)
    smtp_server.mailbox.drops.add(f"r{dropped}@example.gov.uk")
    queue(db_session, 15)
    report = send_due_emails()
    assert (report.sent, report.retrying, report.waiting) == (dropped, 1, 14 - dropped)  # the retry not due yet
    states = {row.recipient: (row.state, row.attempts) for row in rows(db_session)}
    assert states == {
        f"r{n}@example.gov.uk": (EmailState.SENT, 1) if n < dropped else (EmailState.QUEUED, 1 if n == dropped else 0)
        for n in range(15)
    }
    smtp_server.mailbox.drops.clear()
    set_now(app, DIGEST_MOMENT + timedelta(seconds=60))
    assert send_due_emails().sent == 15 - dropped
    assert sorted(m.rcpt_tos[0] for m in smtp_server.mailbox.messages) == sorted(
        f"r{n}@example.gov.uk" for n in range(15)
    )


def test_the_email_in_flight_during_a_claim_refused_after_its_data_is_recorded_with_the_next(
    db_session, digest_time, smtp_server, mail_to
) -> None:
    mail_to(smtp_server)
    smtp_server.mailbox.data_refusals["r9@example.gov.uk"] = "550 No such mailbox"
    queue(db_session, 15)
    report = send_due_emails()
    assert (report.sent, report.failed) == (14, 1)
    states = {row.recipient: row.state for row in rows(db_session)}
    assert states == {f"r{n}@example.gov.uk": EmailState.FAILED if n == 9 else EmailState.SENT for n in range(15)}


def test_a_message_refused_after_its_data_is_that_email_s_outcome_alone(
    db_session, digest_time, smtp_server, mail_to
) -> None:
    """Issue 17: the sender writes the next email before reading the reply to the one before; each reply is still
    recorded against its own email, whichever of a batch it is (the first, the middle, the last)."""
    mail_to(smtp_server)
    queue(db_session, 12)
    refused = {"r0@example.gov.uk": "554 Content refused", "r5@example.gov.uk": "452 Try later",
               "r9@example.gov.uk": "550 No", "r11@example.gov.uk": "451 Busy"}  # fmt: skip
    smtp_server.mailbox.data_refusals.update(refused)

    report = send_due_emails()

    assert (report.sent, report.failed, report.retrying) == (8, 2, 2)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.mailbox.messages) == sorted(
        f"r{n}@example.gov.uk" for n in range(12) if f"r{n}@example.gov.uk" not in refused
    )
    outcomes = {row.recipient: (row.state, row.last_error) for row in rows(db_session)}
    for address, reply in refused.items():
        state = EmailState.FAILED if reply.startswith("5") else EmailState.QUEUED
        assert outcomes.pop(address) == (state, reply), address
    assert all(outcome == (EmailState.SENT, "") for outcome in outcomes.values())
    assert len({m.session for m in smtp_server.mailbox.messages}) == 1  # RSET after each refusal, same connection


def test_permanent_refusal_fails_at_once(db_session, digest_time, smtp_server, mail_to) -> None:
    mail_to(smtp_server)
    smtp_server.mailbox.refusals["r0@example.gov.uk"] = "550 5.1.1 No such user"
    queue(db_session, 2)
    report = send_due_emails()
    assert (report.sent, report.failed) == (1, 1)
    failed = rows(db_session)[0]
    assert failed.state == EmailState.FAILED and failed.last_error.startswith("550")


def test_without_a_mail_server_the_outbox_is_the_mailbox(app, db_session, digest_time) -> None:
    app.config["MAIL_SERVER"] = ""
    queue(db_session, 2)
    report = send_due_emails()
    assert report.no_server and report.waiting == 2
    assert "stay in the outbox" in report.summary()
    assert all(r.state == EmailState.QUEUED and r.attempts == 0 for r in rows(db_session))


def test_a_send_interrupted_long_ago_is_failed_not_resent(app, db_session, digest_time, smtp_server, mail_to) -> None:
    mail_to(smtp_server, OUTBOX_CLAIM_TIMEOUT_SECONDS=600)
    queue(db_session, 1)
    row = rows(db_session)[0]
    row.state, row.claimed_at, row.claimed_by, row.attempts = EmailState.SENDING, DIGEST_MOMENT, "dead:1", 1
    db_session.commit()
    set_now(app, DIGEST_MOMENT + timedelta(seconds=599))
    assert send_due_emails().interrupted == 0
    set_now(app, DIGEST_MOMENT + timedelta(seconds=601))
    assert send_due_emails().interrupted == 1
    row = rows(db_session)[0]
    assert row.state == EmailState.FAILED and "may or may not have been delivered" in row.last_error
    assert smtp_server.mailbox.messages == []


def _authenticator(server, session, envelope, mechanism: str, data: LoginPassword) -> AuthResult:  # noqa: ANN001
    # handled=False: aiosmtpd itself answers 235 or 535.
    return AuthResult(success=data.login == b"tracker" and data.password == b"s3cret-relay", handled=False)


def _server_context(key: Path, cert: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _relay(key: Path, cert: Path) -> SmtpServer:
    """A relay that wants STARTTLS, then a login."""
    return SmtpServer(
        tls_context=_server_context(key, cert), require_starttls=True, auth_required=True, authenticator=_authenticator
    )


def test_starttls_and_login(db_session, digest_time, mail_to, certificate, monkeypatch) -> None:
    key, cert = certificate
    server = _relay(key, cert)
    server.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate
        mail_to(server, MAIL_USE_TLS=True, MAIL_USERNAME="tracker", MAIL_PASSWORD="s3cret-relay")
        queue(db_session, 2)
        assert send_due_emails().sent == 2
        assert len(server.mailbox.messages) == 2
    finally:
        server.stop()


def test_wrong_password_leaves_mail_queued(db_session, digest_time, mail_to, certificate, monkeypatch) -> None:
    key, cert = certificate
    server = _relay(key, cert)
    server.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        mail_to(server, MAIL_USE_TLS=True, MAIL_USERNAME="tracker", MAIL_PASSWORD="wrong")
        queue(db_session, 1)
        report = send_due_emails()
        assert report.sent == 0 and report.waiting == 1 and "535" in report.error
        assert rows(db_session)[0].state == EmailState.QUEUED
    finally:
        server.stop()


def test_implicit_tls(db_session, digest_time, mail_to, certificate, monkeypatch) -> None:
    key, cert = certificate
    server = SmtpServer(server_hostname="127.0.0.1", ssl_context=_server_context(key, cert))
    server.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        mail_to(server, MAIL_USE_SSL=True)
        queue(db_session, 1)
        assert send_due_emails().sent == 1
        assert len(server.mailbox.messages) == 1
    finally:
        server.stop()


def test_queued_time_is_kept(db_session, digest_time) -> None:
    queue(db_session, 1)
    assert rows(db_session)[0].created_at.replace(tzinfo=UTC) == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)


def test_mail_server_down_for_days_delivers_one_digest_each_when_it_returns(
    app, db_session, digest_time, smtp_server, mail_to
) -> None:
    mail_to(smtp_server)
    smtp_server.stop()
    owner = person(email="ruth.allen@example.gov.uk")
    action(owner, date(2026, 11, 2))
    db_session.commit()
    days = [datetime(2026, 11, 30, 7, 30, tzinfo=UTC) + timedelta(days=n) for n in range(4)]  # Monday to Thursday
    for moment in days:
        set_now(app, moment)
        jobs.daily_digests(moment.date(), clock.now())
        assert send_due_emails().waiting == 1  # the older digest is withdrawn, not left to go late

    smtp_server.start()
    set_now(app, days[-1] + timedelta(minutes=1))
    assert send_due_emails().sent == 1
    [received] = smtp_server.mailbox.to(owner.email)
    assert "Thursday 3 December 2026" in received.text
    by_key = {row.dedupe_key: row for row in rows(db_session)}
    assert by_key[f"digest:{owner.id}:2026-12-03"].state == EmailState.SENT
    for day in ("2026-11-30", "2026-12-01", "2026-12-02"):
        withdrawn = by_key[f"digest:{owner.id}:{day}"]
        assert withdrawn.state == EmailState.WITHDRAWN and withdrawn.sent_at is None
        assert withdrawn.last_error.startswith("Withdrawn, not sent: replaced by the digest for ")


def test_a_claim_reads_the_queue_in_index_order_without_sorting_it(db_session, digest_time) -> None:
    """Issue 17: with 5,000 digests queued, sorting every queued row for each claim of ten made the day's delivery
    grow with the square of the number of people. The claim's order is the index's, on both databases."""
    queue(db_session, 3)
    statement = claim_candidates(clock.now(), 10)
    bind = db_session.get_bind()
    if bind.dialect.name == "postgresql":
        db_session.execute(text("SET LOCAL enable_sort = off"))  # a sort only where nothing else gives the order
        plan = "\n".join(db_session.scalars(text(f"EXPLAIN {compiled(statement, bind)}")))
        assert "Sort" not in plan and "ix_outbox_emails_state_send_after_id" in plan, plan
    else:
        plan = "\n".join(row[-1] for row in db_session.execute(text(f"EXPLAIN QUERY PLAN {compiled(statement, bind)}")))
        assert "TEMP B-TREE" not in plan and "ix_outbox_emails_state_send_after_id" in plan, plan
    db_session.rollback()
    assert [row.dedupe_key for row in rows(db_session)] == [f"test:r:{n}" for n in range(3)]


def compiled(statement, bind) -> str:  # noqa: ANN001
    return str(statement.compile(bind, compile_kwargs={"literal_binds": True}))


def test_queuing_counts_only_the_emails_it_inserted(db_session, digest_time) -> None:
    """Issue 17: the count comes from the rows the driver inserted (RETURNING is gone); a key queued meanwhile (by
    another process, between its check and this insert) is neither queued twice nor counted."""
    queue(db_session, 2)
    fresh = [PreparedEmail(f"n{n}@example.gov.uk", "s", "t", "", f"test:n:{n}") for n in range(3)]
    already = [PreparedEmail("r0@example.gov.uk", "again", "t", "", "test:r:0")]
    assert queue_prepared_emails([fresh[0], *already, *fresh[1:]], clock.now()) == 3
    assert queue_prepared_emails(already, clock.now()) == 0
    db_session.commit()
    assert [row.subject for row in rows(db_session)] == ["Message 0", "Message 1", "s", "s", "s"]
