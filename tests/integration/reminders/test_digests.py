"""Daily digests: who gets one, what it says, and that it is queued once and arrives by SMTP."""

from __future__ import annotations

import gc
import re
import secrets
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, select

from tests.integration.reminders.conftest import TODAY, action, live_inspection, person
from tracker import clock, jobs
from tracker.extensions import db
from tracker.models import (
    ActionLinkToken,
    ActionStatus,
    DigestPreference,
    EmailState,
    JobRun,
    OutboxEmail,
    PlanStatus,
    Role,
)
from tracker.outbox.sender import send_due_emails
from tracker.reminders import digests, links


def outbox(db_session) -> list[OutboxEmail]:
    return list(db_session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def test_one_digest_per_person_with_overdue_first_and_due_soon(db_session, digest_time) -> None:
    sam = person(name="Sam Patel", email="sam@example.gov.uk")
    inspection = live_inspection(title="Joint Area Review 2008")
    action(sam, date(2026, 11, 20), inspection, reference="1.1", title="Review care plans")  # 2 working days
    action(sam, date(2026, 11, 2), inspection, reference="2.1", title="Audit case files")  # 16 working days
    action(sam, date(2026, 12, 1), inspection, reference="3.1", title="Train staff")  # due in 5
    action(sam, date(2027, 3, 1), inspection, reference="4.1", title="Later work")  # not mentioned
    action(sam, date(2026, 11, 2), inspection, reference="5.1", title="Done", status=ActionStatus.COMPLETE)
    nobody_to_chase = person()
    action(nobody_to_chase, date(2027, 3, 1), inspection)
    db_session.commit()

    result = jobs.daily_digests(TODAY, clock.now())

    assert result.outcome == "done"
    assert result.counts["queued"] == 1
    [email] = outbox(db_session)
    assert email.recipient == "sam@example.gov.uk"
    assert email.subject == "Your actions: 2 overdue actions, 1 action due soon"
    assert email.dedupe_key == f"digest:{sam.id}:2026-11-24"
    text = email.text_body
    assert text.index("2.1 Audit case files") < text.index("1.1 Review care plans") < text.index("3.1 Train staff")
    assert "Due 2 November 2026, 16 working days overdue." in text
    assert "Due 1 December 2026, in 5 working days." in text
    assert "Later work" not in text and "Done" not in text
    assert "<table" in email.html_body and "Audit case files" in email.html_body


def test_running_again_queues_nothing_more(db_session, digest_time) -> None:
    sam = person()
    action(sam, date(2026, 11, 2))
    db_session.commit()
    assert jobs.daily_digests(TODAY, clock.now()).counts["queued"] == 1
    again = jobs.daily_digests(TODAY, clock.now())
    assert again.outcome == "already ran"
    assert again.counts["queued"] == 1  # what the first run did
    assert len(outbox(db_session)) == 1
    assert db_session.scalar(select(JobRun.counts).where(JobRun.job == "daily_digest"))["queued"] == 1


def test_nothing_to_say_means_no_email(db_session, digest_time) -> None:
    action(person(), date(2027, 6, 1))
    action(person(), None)
    db_session.commit()
    assert jobs.daily_digests(TODAY, clock.now()).counts == {
        "decided": 0, "already_queued": 0, "queued": 0, "overdue_actions": 0, "due_soon_actions": 0,
        "needs_update_actions": 0, "escalated_actions": 0, "notices": 0,
    }  # fmt: skip
    assert outbox(db_session) == []


def test_inactive_people_and_preferences(db_session, digest_time) -> None:
    inactive = person(active=False)
    off = person(digest_preference=DigestPreference.OFF)
    weekly = person(digest_preference=DigestPreference.WEEKLY)
    daily = person()
    for owner in (inactive, off, weekly, daily):
        action(owner, date(2026, 11, 2))
    db_session.commit()

    jobs.daily_digests(date(2026, 11, 23), clock.now())  # Monday: the week's first run
    assert sorted(e.recipient for e in outbox(db_session)) == sorted([weekly.email, daily.email])
    jobs.daily_digests(TODAY, clock.now())  # Tuesday
    assert [e.recipient for e in outbox(db_session)][2:] == [daily.email]


def test_weekly_people_get_theirs_on_tuesday_when_monday_was_missed(db_session, digest_time) -> None:
    weekly = person(digest_preference=DigestPreference.WEEKLY)
    action(weekly, date(2026, 11, 2))
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())  # no run on Monday 23rd
    jobs.daily_digests(date(2026, 11, 25), clock.now())
    assert [e.dedupe_key for e in outbox(db_session)] == [f"digest:{weekly.id}:2026-11-24"]


def test_no_digests_on_a_bank_holiday(db_session, digest_time) -> None:
    action(person(), date(2026, 11, 2))
    db_session.commit()
    assert jobs.daily_digests(date(2026, 12, 25), clock.now()).outcome == "not a working day"
    assert outbox(db_session) == []


def test_draft_and_closed_plans_are_not_chased(db_session, digest_time) -> None:
    owner = person()
    action(owner, date(2026, 11, 2), live_inspection(plan_status=PlanStatus.DRAFT))
    action(owner, date(2026, 11, 2), live_inspection(plan_status=PlanStatus.CLOSED))
    action(owner, date(2026, 11, 2), archived_at=datetime(2026, 11, 1, tzinfo=UTC))
    db_session.commit()
    assert jobs.daily_digests(TODAY, clock.now()).counts["queued"] == 0


def test_escalation_to_the_line_manager_under_its_own_heading(db_session, digest_time) -> None:
    boss = person(name="Margaret Bell")
    owner = person(name="Aisha Khan", line_manager=boss)
    inspection = live_inspection()
    action(owner, date(2026, 11, 6), inspection, reference="7.1", title="Long overdue")  # 12 working days
    action(owner, date(2026, 11, 20), inspection, reference="7.2", title="Just overdue")  # 2
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())
    [to_boss] = [e for e in outbox(db_session) if e.recipient == boss.email]
    assert to_boss.subject == "Your actions: 1 overdue action in your team"
    assert "OVERDUE IN YOUR TEAM (1)" in to_boss.text_body
    assert "7.1 Long overdue" in to_boss.text_body and "Owner: Aisha Khan" in to_boss.text_body
    assert "Just overdue" not in to_boss.text_body
    [to_owner] = [e for e in outbox(db_session) if e.recipient == owner.email]
    assert "OVERDUE IN YOUR TEAM" not in to_owner.text_body


def test_stale_actions_need_an_update(db_session, digest_time) -> None:
    owner = person()
    action(owner, date(2027, 6, 1), reference="8.1", last_progress_at=datetime(2026, 10, 1, 9, tzinfo=UTC))
    action(owner, date(2027, 6, 1), reference="8.2", last_progress_at=datetime(2026, 11, 1, 9, tzinfo=UTC))
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())
    [email] = outbox(db_session)
    assert email.subject == "Your actions: 1 action needs an update"
    assert "NEEDS AN UPDATE (1)" in email.text_body
    assert "No progress recorded since 1 October 2026." in email.text_body
    assert "8.2" not in email.text_body


def test_an_action_never_updated_says_so_with_the_day_it_was_added(db_session, digest_time) -> None:
    owner = person()
    action(owner, date(2027, 6, 1), reference="12.3", last_progress_at=None,
           created_at=datetime(2026, 7, 29, 9, tzinfo=UTC))  # fmt: skip
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())
    [email] = outbox(db_session)
    for body in (email.text_body, email.html_body):
        assert "No progress recorded yet (added 29 July 2026)." in body
        assert "No progress recorded since" not in body


def test_each_own_action_gets_its_own_update_link(db_session, digest_time) -> None:
    boss = person()
    owner = person(line_manager=boss)
    first = action(owner, date(2026, 11, 2))
    second = action(owner, date(2026, 12, 1))
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())
    [key] = db_session.scalars(select(ActionLinkToken)).all()  # one key for the email's links
    assert (key.user_id, key.action_ids) == (owner.id, f"{first.id},{second.id}")
    assert len(key.token_hash) == 64
    # 14 days on, to the end of that day in London (GMT).
    assert key.expires_at.replace(tzinfo=UTC) == datetime(2026, 12, 9, 0, 0, tzinfo=UTC)
    [email] = [e for e in outbox(db_session) if e.recipient == owner.email]
    assert len(set(re.findall(r"/update/(\S+)", email.text_body))) == 2  # a link for each action


@pytest.mark.parametrize("ids", [(1, 1), (12345, 678), (11111111, 11111111), (2**40, 7)])
def test_a_link_token_is_what_the_serializer_writes_and_reads(app_context, ids: tuple[int, int]) -> None:
    """Issue 17: links are signed with one signer, their JSON written directly and without trying zlib: the token
    URLSafeSerializer.dumps writes whenever compressing would not make it shorter (real ids with a random key), and
    check_link reads it."""
    payload = [*ids, secrets.token_urlsafe(16)]
    token = links.LinkTokens().link(*payload)
    assert links._serializer().loads(token) == payload
    if ids != (11111111, 11111111):  # the one payload here repetitive enough for zlib to shorten
        assert token == links._serializer().dumps(payload)
    else:
        assert links._serializer().dumps(payload).startswith(".")


def test_links_filled_into_a_url_built_once_are_the_urls_the_map_builds(app_context) -> None:
    """Issue 17: a digest's links are built once per endpoint and filled in; the same URLs as building each."""
    url = links.UrlBuilder()
    token = links.LinkTokens().link(12345, 678, secrets.token_urlsafe(16))
    cases = [
        ("actions.view_action", "action_id", 1),
        ("actions.view_action", "action_id", 918273),
        ("reminders.update_from_email", "token", token),
        ("reminders.update_from_email", "token", "needs quoting/é"),
        ("no.such_endpoint", "action_id", 5),
    ]
    for endpoint, name, value in cases * 2:  # the second time from the cached template
        assert url.with_value(endpoint, name, value) == url(endpoint, **{name: value})
    assert url.with_value("actions.view_action", "action_id", 42).endswith("/42")


def test_a_viewer_who_still_owns_an_action_gets_no_record_progress_link(db_session, digest_time) -> None:
    reader = person(role=Role.VIEWER, name="Cllr Morgan Reid")
    action(reader, date(2026, 11, 2), reference="3.1")
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())
    [digest] = outbox(db_session)
    assert digest.recipient == reader.email and "3.1" in digest.text_body
    for body in (digest.text_body, digest.html_body):
        assert "Record progress" not in body and "/update/" not in body
        assert "cannot record progress on these actions" in body
    assert db_session.scalars(select(ActionLinkToken)).all() == []


def test_a_dry_run_changes_nothing(db_session, digest_time) -> None:
    action(person(), date(2026, 11, 2))
    db_session.commit()
    result = jobs.daily_digests(TODAY, clock.now(), dry_run=True)
    assert result.outcome == "dry run"
    assert result.counts["decided"] == 1 and result.counts["queued"] == 0
    assert outbox(db_session) == []
    assert db_session.scalar(select(JobRun.id)) is None
    assert db_session.scalar(select(ActionLinkToken.id)) is None


def test_a_job_stamps_its_links_emails_and_run_with_the_now_it_is_given(db_session, digest_time) -> None:
    action(person(), date(2026, 11, 2))
    db_session.commit()
    given = datetime(2026, 11, 24, 11, 5, tzinfo=UTC)  # not the clock's 07:30: the job must not read the clock

    assert jobs.daily_digests(TODAY, given).outcome == "done"

    email = outbox(db_session)[0]
    link = db_session.scalars(select(ActionLinkToken)).one()
    run = db_session.scalars(select(JobRun)).one()
    stamps = [email.created_at, email.send_after, link.created_at, run.started_at]
    assert [clock.as_utc(stamp) for stamp in stamps] == [given] * 4


def _count_queries(app, work) -> int:  # noqa: ANN001
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _executemany) -> None:  # noqa: ANN001
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_queuing_digests_takes_the_same_number_of_queries_for_3_or_30_people(app, db_session, digest_time) -> None:
    def make(n: int) -> None:
        inspection = live_inspection()
        for _ in range(n):
            boss = person()
            owner = person(line_manager=boss)
            action(owner, date(2026, 11, 2), inspection)
            action(owner, date(2026, 12, 1), inspection)
        db_session.commit()

    make(3)
    jobs.daily_digests(date(2026, 11, 23), clock.now())  # so that both measured runs withdraw yesterday's digests
    few = _count_queries(app, lambda: jobs.daily_digests(TODAY, clock.now()))
    make(30)
    many = _count_queries(app, lambda: jobs.daily_digests(date(2026, 11, 25), clock.now()))
    assert len(outbox(db_session)) == 6 + 6 + 66
    assert sum(email.state == EmailState.WITHDRAWN for email in outbox(db_session)) == 6 + 6
    assert few == many, (few, many)
    assert 5 < few < 20


def test_digests_arrive_by_smtp_with_text_and_html_parts(db_session, digest_time, smtp_server, mail_to) -> None:
    mail_to(smtp_server)
    sam = person(name="Sam Patel", email="sam@example.gov.uk")
    ruth = person(name="Ruth Allen", email="ruth@example.gov.uk")
    action(sam, date(2026, 11, 2), reference="1.1", title="Audit case files")
    action(ruth, date(2026, 12, 1), reference="2.1", title="Train staff")
    db_session.commit()

    jobs.run_reminders(TODAY, clock.now())
    report = send_due_emails()

    assert report.sent == 2
    received = {m.rcpt_tos[0]: m for m in smtp_server.mailbox.messages}
    assert set(received) == {"sam@example.gov.uk", "ruth@example.gov.uk"}
    assert received["sam@example.gov.uk"].subject == "Your actions: 1 overdue action"
    assert "1.1 Audit case files" in received["sam@example.gov.uk"].text
    assert "Train staff" not in received["sam@example.gov.uk"].text
    assert received["ruth@example.gov.uk"].subject == "Your actions: 1 action due soon"
    assert "Train staff" in received["ruth@example.gov.uk"].html
    assert received["ruth@example.gov.uk"].message.get_content_type() == "multipart/alternative"
    assert received["ruth@example.gov.uk"].message["Auto-Submitted"] == "auto-generated"
    assert all(e.state == EmailState.SENT for e in outbox(db_session))


def test_a_digests_html_part_goes_as_7bit_with_its_long_lines_and_other_characters_as_references(
    db_session, digest_time, smtp_server, mail_to
) -> None:
    """Issue 17: quoted-printable was half the cost of writing a digest. The HTML part's lines (links longer than 78
    characters) are at most 998 bytes of ASCII, "ë" and the layout's "·" as character references: 7bit data, read the
    same. The plain-text part, with a name beyond ASCII, is quoted-printable as before."""
    mail_to(smtp_server)
    zoe = person(name="Zoë Martin", email="zoe@example.gov.uk")
    action(zoe, date(2026, 11, 2), reference="1.1", title="Audit case files – all of them")
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())

    assert send_due_emails().sent == 1
    [received] = smtp_server.mailbox.to("zoe@example.gov.uk")
    html_part, text_part = received.message.get_body(("html",)), received.message.get_body(("plain",))
    assert (html_part["Content-Transfer-Encoding"], text_part["Content-Transfer-Encoding"]) == (
        "7bit",
        "quoted-printable",
    )
    raw = html_part.get_content()
    assert raw.isascii() and max(map(len, raw.splitlines())) > 78 and max(map(len, raw.splitlines())) <= 998
    assert "Dear Zo&#235; Martin," in raw and "&#183;" in raw and "/update/" in raw
    assert "Dear Zoë Martin," in received.html and "1.1 Audit case files – all of them" in received.html
    assert "Dear Zoë Martin," in received.text


def test_an_action_due_on_a_saturday_is_not_due_today_on_the_friday(app, db_session) -> None:
    app.config["TRACKER_NOW"] = datetime(2026, 12, 4, 7, 30, tzinfo=UTC)  # Friday
    owner = person()
    action(owner, date(2026, 12, 5), reference="4.1", title="Publish the plan")  # Saturday
    db_session.commit()
    jobs.daily_digests(date(2026, 12, 4), clock.now())
    email = db_session.scalars(select(OutboxEmail)).one()
    for body in (email.text_body, email.html_body):
        assert "Due today" not in body
        assert "Due Saturday 5 December 2026 (not a working day)" in body


def test_a_job_runs_with_the_loaded_app_frozen_out_of_the_garbage_collectors_sight(db_session, monkeypatch) -> None:
    """Issue 17: full collections during the digest job went through every object of the loaded app again (0.9 s of
    5 s for 5,000 people). While a job works they are frozen, and young collections are rarer; both are put back
    after it, and objects that something froze before (a gunicorn worker) stay frozen."""
    owner = person()
    action(owner, date(2026, 11, 2))
    db_session.commit()
    during: list[tuple[int, tuple[int, ...]]] = []
    plan = digests.plan_digests

    def planning(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        during.append((gc.get_freeze_count(), gc.get_threshold()))
        return plan(*args, **kwargs)

    monkeypatch.setattr(digests, "plan_digests", planning)
    gc.unfreeze()
    thresholds = gc.get_threshold()

    assert jobs.daily_digests(TODAY, clock.now()).outcome == "done"
    assert during[0][0] > 0 and during[0][1] == jobs.JOB_GC_THRESHOLD
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert jobs.daily_digests(date(2026, 11, 25), clock.now()).outcome == "done"
        # Frozen while it works and after it (less the few frozen objects that the job's work freed).
        assert frozen >= during[1][0] > frozen * 0.9 and during[1][1] == jobs.JOB_GC_THRESHOLD
        assert frozen >= gc.get_freeze_count() > frozen * 0.9
        assert gc.get_threshold() == thresholds
    finally:
        gc.unfreeze()


def test_two_jobs_working_at_once_leave_the_garbage_collector_as_it_was() -> None:
    """The scheduler's threads may run two jobs at once: the settings stay while either works and are put back when
    the last one finishes, whichever order they finish in."""
    gc.unfreeze()
    thresholds = gc.get_threshold()
    first, second = jobs.batch_garbage_collection(), jobs.batch_garbage_collection()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == jobs.JOB_GC_THRESHOLD and gc.get_freeze_count() > 0
    second.__exit__(None, None, None)
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0
