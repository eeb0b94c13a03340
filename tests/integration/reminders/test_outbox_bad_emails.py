"""One bad email never holds up the others (issue 11, attack 4): text with line breaks reaches a header on one line,
and an email that still cannot be built or taken is marked failed with the reason while the rest go out."""

from __future__ import annotations

from datetime import date

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import select, update

from tests.conftest import sign_in, soup
from tests.factories import UserFactory
from tests.integration.reminders.conftest import SmtpServer, live_inspection, manager, queue_rendered_email
from tests.waiting import wait_for
from tracker import clock, jobs
from tracker.models import DeadlineKind, EmailState, OutboxEmail, PlanStatus, Role, StatutoryDeadline
from tracker.outbox.sender import send_due_emails
from tracker.scheduler.wiring import OUTBOX_JOB, REMINDERS_JOB, build_scheduler, run_soon

INJECTED = "Publish the action plan\r\nBcc: intruder@example.com\r\n\r\nForged body"


def queue(db_session, recipients: list[str]) -> None:  # noqa: ANN001
    for n, recipient in enumerate(recipients):
        queue_rendered_email(
            recipient=f"r{n}@example.gov.uk",
            subject=f"Message {n}",
            text_body=f"Hello {n}",
            html_body=f"<p>Hello {n}</p>",
            dedupe_key=f"test:{n}",
        )
        db_session.flush()
        # Stored as it was before anything cleaned it: straight into the table.
        db_session.execute(update(OutboxEmail).where(OutboxEmail.dedupe_key == f"test:{n}").values(recipient=recipient))
    db_session.commit()


def by_recipient(db_session) -> dict[str, OutboxEmail]:  # noqa: ANN001
    db_session.expire_all()
    return {row.recipient: row for row in db_session.scalars(select(OutboxEmail))}


def test_a_subject_with_line_breaks_goes_out_on_one_line_and_adds_no_recipient(
    db_session, digest_time, smtp_server, mail_to
) -> None:
    mail_to(smtp_server)
    queue(db_session, ["r0@example.gov.uk", "r1@example.gov.uk", "r2@example.gov.uk"])
    db_session.execute(
        update(OutboxEmail).where(OutboxEmail.recipient == "r1@example.gov.uk").values(subject=INJECTED + "\x07\x1b")
    )
    db_session.commit()

    report = send_due_emails()

    assert (report.sent, report.failed) == (3, 0)
    [received] = smtp_server.mailbox.to("r1@example.gov.uk")
    assert received.rcpt_tos == ["r1@example.gov.uk"]
    assert received.subject == "Publish the action plan Bcc: intruder@example.com Forged body"
    assert received.message["Bcc"] is None
    assert received.text.strip() == "Hello 1"
    assert smtp_server.mailbox.to("intruder@example.com") == []
    assert all(row.state == EmailState.SENT for row in by_recipient(db_session).values())


def test_an_email_that_cannot_be_built_fails_with_the_reason_and_the_rest_go_out(
    client, db_session, digest_time, smtp_server, mail_to
) -> None:
    mail_to(smtp_server)
    bad = ["r1@example.gov.uk\r\nBcc: intruder@example.com", "two@example.gov.uk, three@example.gov.uk", ""]
    queue(db_session, ["r0@example.gov.uk", *bad, "r4@example.gov.uk"])

    report = send_due_emails()

    assert (report.sent, report.failed, report.retrying, report.waiting) == (2, 3, 0, 0)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.mailbox.messages) == ["r0@example.gov.uk", "r4@example.gov.uk"]
    rows = by_recipient(db_session)
    for recipient in bad:
        row = rows[recipient]
        assert row.state == EmailState.FAILED and row.attempts == 1
        assert row.last_error.startswith("Not sent: this email could not be built"), row.last_error
        assert "is not one valid email address" in row.last_error
    assert send_due_emails().sent == 0  # a failed email is not tried again by itself

    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    page = soup(client.get("/admin/outbox?state=failed")).get_text(" ", strip=True)
    assert page.count("Not sent: this email could not be built") == 3


def test_an_address_the_mail_server_cannot_take_fails_and_the_rest_go_out(db_session, digest_time, mail_to) -> None:
    # A relay that does not offer SMTPUTF8 (many do not) cannot take an address with an accent in it.
    server = SmtpServer(enable_SMTPUTF8=False)
    server.start()
    try:
        mail_to(server)
        queue(db_session, ["r0@example.gov.uk", "zoë.martin@example.gov.uk", "r2@example.gov.uk"])
        report = send_due_emails()
        assert sorted(m.rcpt_tos[0] for m in server.mailbox.messages) == ["r0@example.gov.uk", "r2@example.gov.uk"]
    finally:
        server.stop()

    assert (report.sent, report.failed, report.waiting) == (2, 1, 0)
    row = by_recipient(db_session)["zoë.martin@example.gov.uk"]
    assert row.state == EmailState.FAILED
    assert "does not accept international email addresses (SMTPUTF8)" in row.last_error


def test_under_the_scheduler_a_bad_email_holds_up_no_other(app, db_session, digest_time, smtp_server, mail_to) -> None:
    """The real scheduler jobs: the 07:30 reminders queue an alert whose deadline title was saved with line breaks
    (before the forms cleaned them), beside an email that cannot be built; the outbox job sends the rest."""
    mail_to(smtp_server)
    inspection = live_inspection(plan_status=PlanStatus.DRAFT)
    jo = manager(inspection, name="Jo Clarke", email="jo.clarke@example.gov.uk")
    db_session.add(
        StatutoryDeadline(
            inspection=inspection, kind=DeadlineKind.ACTION_PLAN, title=INJECTED, due_on=date(2026, 12, 8)
        )
    )
    queue(db_session, ["r0@example.gov.uk", "not an address", "r2@example.gov.uk"])
    errors: list[BaseException] = []
    finished: list[str] = []

    def listen(event) -> None:  # noqa: ANN001
        if event.exception is not None:
            errors.append(event.exception)
        finished.append(event.job_id)

    scheduler = build_scheduler(app)
    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start(paused=True)
    try:
        run_soon(scheduler, REMINDERS_JOB)
        scheduler.resume()
        assert wait_for(lambda: f"{REMINDERS_JOB}-now" in finished), "the reminders job did not finish"
        run_soon(scheduler, OUTBOX_JOB)
        assert wait_for(lambda: f"{OUTBOX_JOB}-now" in finished), "the outbox job did not finish"
    finally:
        scheduler.shutdown(wait=True)

    assert errors == []
    [alert] = [m for m in smtp_server.mailbox.to(jo.email) if m.subject.startswith("Statutory deadline")]
    assert alert.subject == (
        "Statutory deadline in 10 working days: Publish the action plan Bcc: intruder@example.com Forged body"
    )
    assert alert.rcpt_tos == [jo.email] and smtp_server.mailbox.to("intruder@example.com") == []
    # The alert and the weekly summary to Jo, and the two good emails queued beside the bad one.
    assert sorted(m.rcpt_tos[0] for m in smtp_server.mailbox.messages) == [
        "jo.clarke@example.gov.uk", "jo.clarke@example.gov.uk", "r0@example.gov.uk", "r2@example.gov.uk"
    ]  # fmt: skip
    rows = by_recipient(db_session)
    assert rows["not an address"].state == EmailState.FAILED
    assert not [row for row in rows.values() if row.state in (EmailState.SENDING, EmailState.QUEUED)]


def test_a_deadline_title_as_long_as_the_form_allows_still_queues_every_alert(db_session, digest_time) -> None:
    """'Statutory deadline in 10 working days: ' and a 300-character title is longer than a subject can be kept
    (PostgreSQL refused the whole run of alerts); the subject is cut to fit and every alert is queued."""
    long_title = "Send the action plan to " + "the Secretary of State and every partner " * 7
    long_title = long_title[:300]
    first, second = live_inspection(plan_status=PlanStatus.DRAFT), live_inspection(plan_status=PlanStatus.DRAFT)
    jo, sam = manager(first), manager(second)
    for inspection, title in ((first, long_title), (second, "Publish the action plan")):
        db_session.add(
            StatutoryDeadline(
                inspection=inspection, kind=DeadlineKind.ACTION_PLAN, title=title, due_on=date(2026, 12, 8)
            )
        )
    db_session.commit()

    result = jobs.statutory_alerts(date(2026, 11, 24), clock.now())

    assert result.outcome == "done" and result.counts["queued"] == 2
    rows = by_recipient(db_session)
    assert len(rows[jo.email].subject) == 300 and rows[jo.email].subject.endswith("…")
    assert rows[jo.email].subject.startswith("Statutory deadline in 10 working days: Send the action plan to the")
    assert rows[sam.email].subject == "Statutory deadline in 10 working days: Publish the action plan"
