"""The commands: every job by hand for any day, a preview of someone's digest, and the outbox."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.integration.reminders.conftest import action, live_inspection, manager, person, queue_rendered_email
from tracker.models import DigestPreference, JobRun, OutboxEmail, User


def test_reminders_run_prints_counts_and_a_dry_run_changes_nothing(app, db_session, digest_time) -> None:
    owner = person()
    inspection = live_inspection()
    manager(inspection)
    action(owner, date(2026, 11, 2), inspection)
    action(owner, date(2026, 12, 1), inspection)
    db_session.commit()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["reminders", "run", "--date", "2026-11-24", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert (
        "daily digest for 2026-11-24: dry run (decided 1, already queued 0, queued 0, overdue actions 1" in dry.output
    )
    assert "programme summary for 2026-11-23: dry run (decided 1" in dry.output
    assert db_session.scalar(select(OutboxEmail.id)) is None and db_session.scalar(select(JobRun.id)) is None

    real = runner.invoke(args=["reminders", "run", "--date", "2026-11-24"])
    assert (
        "daily digest for 2026-11-24: done (decided 1, already queued 0, queued 1, overdue actions 1, " in real.output
    )
    assert "due soon actions 1" in real.output
    assert "statutory alerts for 2026-11-24: done (decided 0" in real.output
    again = runner.invoke(args=["reminders", "run", "--date", "2026-11-24", "--dry-run"])
    assert "daily digest for 2026-11-24: dry run, already ran (decided 1, already queued 1, queued 0" in again.output
    weekend = runner.invoke(args=["reminders", "digests", "--date", "2026-11-28"])
    assert "daily digest for 2026-11-28: not a working day" in weekend.output
    saturday = runner.invoke(args=["reminders", "run", "--date", "2026-11-28", "--dry-run"])
    assert "programme summary for 2026-11-28: not a working day" in saturday.output
    assert "2026-11-23" not in saturday.output


def test_reminders_preview_prints_someones_digest(app, db_session, digest_time) -> None:
    owner = person(name="Sam Patel", email="sam.patel@example.gov.uk")
    action(owner, date(2026, 11, 2), reference="1.3", title="Share the findings")
    db_session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "preview", "--user", "Sam.Patel@example.gov.uk", "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "To: sam.patel@example.gov.uk\nSubject: Your actions: 1 overdue action" in result.output
    assert "* 1.3 Share the findings" in result.output
    assert "Due 2 November 2026, 16 working days overdue." in result.output
    assert db_session.scalar(select(OutboxEmail.id)) is None
    weekend = runner.invoke(args=["reminders", "preview", "--user", owner.email, "--date", "2026-11-28"])
    assert "(Not sent on 2026-11-28: Saturday 28 November 2026 is not a working day. It would say:)" in weekend.output


def test_reminders_preview_says_in_the_third_person_why_it_is_not_sent(app, db_session, digest_time) -> None:
    weekly = person(digest_preference=DigestPreference.WEEKLY)
    off = person(digest_preference=DigestPreference.OFF)
    for owner in (weekly, off):
        action(owner, date(2026, 11, 2))
    db_session.commit()
    runner = app.test_cli_runner()
    assert "done" in runner.invoke(args=["reminders", "digests", "--date", "2026-11-30"]).output  # Monday's run

    def note(user: User, day: str) -> str:
        output = runner.invoke(args=["reminders", "preview", "--user", user.email, "--date", day]).output
        return output.splitlines()[0]

    tuesday = "(Not sent on 2026-12-01: they get reminders once a week, on the week's first working day. It would say:)"
    assert note(weekly, "2026-12-01") == tuesday
    assert note(off, "2026-12-01") == "(Not sent on 2026-12-01: they have turned reminders off. It would say:)"
    assert note(weekly, "2026-12-05") == (
        "(Not sent on 2026-12-05: Saturday 5 December 2026 is not a working day. It would say:)"
    )
    assert "you" not in note(off, "2026-12-01").split(":", 1)[1]


def test_reminders_commands_refuse_bad_input(app, db_session) -> None:
    runner = app.test_cli_runner()
    assert (
        "Nobody has the email address x@y.z" in runner.invoke(args=["reminders", "preview", "--user", "x@y.z"]).output
    )
    bad = runner.invoke(args=["reminders", "run", "--date", "2026-02-31"])
    assert bad.exit_code != 0 and "Date must be a real date" in bad.output


def test_outbox_commands(app, db_session, digest_time) -> None:
    action(person(email="ruth@example.gov.uk"), date(2026, 11, 2))
    db_session.commit()
    runner = app.test_cli_runner()
    runner.invoke(args=["reminders", "digests", "--date", "2026-11-24"])
    app.config["MAIL_SERVER"] = ""
    dry = runner.invoke(args=["outbox", "send", "--dry-run"])
    assert "1 email(s) due now; nothing was sent." in dry.output
    assert "attempt 1  ruth@example.gov.uk" in dry.output
    sent = runner.invoke(args=["outbox", "send"])
    assert "No mail server is configured (MAIL_SERVER is empty): 1 queued email stay" in sent.output
    listed = runner.invoke(args=["outbox", "list"])
    assert "queued 1, sending 0, sent 0, failed 0" in listed.output
    assert "ruth@example.gov.uk" in listed.output and "Your actions: 1 overdue action" in listed.output


def test_scheduler_status(app, db_session, digest_time) -> None:
    runner = app.test_cli_runner()
    assert "No scheduler has run against this database." in runner.invoke(args=["scheduler", "status"]).output


def test_outbox_list_and_scheduler_status_show_times_in_the_councils_time_zone(app, db_session, digest_time) -> None:
    action(person(email="ruth@example.gov.uk"), date(2026, 11, 2))
    db_session.commit()
    runner = app.test_cli_runner()
    runner.invoke(args=["reminders", "digests"])  # at 07:30 UTC, 07:30 in London in November
    assert "24 November 2026 at 7:30am" in runner.invoke(args=["outbox", "list"]).output
    assert (
        "daily_digest       2026-11-24  finished 24 November 2026 at 7:30am"
        in runner.invoke(args=["scheduler", "status"]).output
    )

    app.config["TRACKER_TIMEZONE"] = "Asia/Tokyo"
    assert "24 November 2026 at 4:30pm" in runner.invoke(args=["outbox", "list"]).output
    assert "finished 24 November 2026 at 4:30pm" in runner.invoke(args=["scheduler", "status"]).output


def test_outbox_send_exits_1_when_the_mail_server_cannot_be_reached(app, db_session, digest_time, smtp_server, mail_to):
    mail_to(smtp_server)
    queue_rendered_email(recipient="a@example.gov.uk", subject="s", text_body="t", html_body="", dedupe_key="k")
    db_session.commit()
    smtp_server.stop()
    runner = app.test_cli_runner()
    down = runner.invoke(args=["outbox", "send"])
    assert down.exit_code == 1
    assert "Could not reach the mail server (ConnectionRefusedError" in down.output and "1 left queued" in down.output
    smtp_server.start()
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert len(smtp_server.mailbox.messages) == 1
    app.config["MAIL_SERVER"] = ""  # no mail server: the outbox is the mailbox, nothing is wrong
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
