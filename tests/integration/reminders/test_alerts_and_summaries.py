"""Statutory alerts, update requests before meetings, and the weekly programme summary."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.factories import ProgressUpdateFactory
from tests.integration.reminders.conftest import action, live_inspection, manager, person, set_now
from tracker import clock, jobs
from tracker.audit.services import record_change
from tracker.models import (
    ActionStatus,
    DeadlineKind,
    Meeting,
    OutboxEmail,
    PlanStatus,
    Rag,
    Role,
    StatutoryDeadline,
    Timescale,
)
from tracker.outbox.sender import send_due_emails


def emails(db_session, prefix: str) -> list[OutboxEmail]:
    db_session.expire_all()
    query = select(OutboxEmail).where(OutboxEmail.dedupe_key.startswith(prefix)).order_by(OutboxEmail.id)
    return list(db_session.scalars(query))


def deadline(inspection, due_on: date, **values) -> StatutoryDeadline:  # noqa: ANN001, ANN003
    values.setdefault("title", "Publish the action plan")
    return StatutoryDeadline(inspection=inspection, kind=DeadlineKind.ACTION_PLAN, due_on=due_on, **values)


def test_statutory_alerts_at_ten_five_and_one_working_days(db_session, digest_time) -> None:
    inspection = live_inspection(plan_status=PlanStatus.DRAFT)  # the plan deadline matters before publication
    jo = manager(inspection, name="Jo Clarke")
    away = manager(inspection, active=False)
    db_session.add(deadline(inspection, date(2026, 12, 9)))
    db_session.add(deadline(inspection, date(2026, 12, 2), title="Already met", met_on=date(2026, 11, 1)))
    db_session.commit()

    for day in (date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26), date(2026, 12, 2), date(2026, 12, 8)):
        jobs.statutory_alerts(day, clock.now())

    alerts = emails(db_session, "statutory:")
    assert [(e.recipient, e.subject) for e in alerts] == [
        (jo.email, "Statutory deadline in 10 working days: Publish the action plan"),
        (jo.email, "Statutory deadline in 5 working days: Publish the action plan"),
        (jo.email, "Statutory deadline in 1 working day: Publish the action plan"),
    ]
    assert "Due: Wednesday 9 December 2026" in alerts[0].text_body
    assert away.email not in {e.recipient for e in alerts}


def test_a_missed_alert_is_sent_late_once_with_the_real_count(db_session, digest_time) -> None:
    inspection = live_inspection()
    manager(inspection)
    db_session.add(deadline(inspection, date(2026, 12, 9)))
    db_session.commit()
    jobs.statutory_alerts(date(2026, 12, 4), clock.now())  # 3 working days left: the 5-day alert was missed
    jobs.statutory_alerts(date(2026, 12, 7), clock.now())  # 2 left: nothing new
    assert [e.subject for e in emails(db_session, "statutory:")] == [
        "Statutory deadline in 3 working days: Publish the action plan"
    ]


def test_update_requests_five_working_days_before_a_meeting(db_session, digest_time) -> None:
    inspection = live_inspection(title="Joint Area Review 2008")
    stale_owner = person(name="Tom Hughes")
    fresh_owner = person()
    never_updated = person()
    db_session.add(Meeting(inspection=inspection, committee="Cabinet", meets_on=date(2026, 10, 5)))
    db_session.add(Meeting(inspection=inspection, committee="Cabinet", meets_on=date(2026, 12, 3)))
    action(stale_owner, date(2027, 3, 1), inspection, reference="4.1",
           last_progress_at=datetime(2026, 9, 30, 12, tzinfo=UTC))  # fmt: skip
    action(stale_owner, date(2027, 3, 1), inspection, reference="4.2",
           last_progress_at=datetime(2026, 10, 20, 12, tzinfo=UTC))  # fmt: skip
    action(fresh_owner, date(2027, 3, 1), inspection, last_progress_at=datetime(2026, 10, 6, tzinfo=UTC))
    action(never_updated, date(2027, 3, 1), inspection, last_progress_at=None)
    action(person(), date(2027, 3, 1), inspection, status=ActionStatus.COMPLETE, last_progress_at=None)
    db_session.commit()

    assert jobs.update_requests(date(2026, 11, 25), clock.now()).counts["decided"] == 0  # 6 working days before
    result = jobs.update_requests(date(2026, 11, 26), clock.now())
    assert result.counts["queued"] == 2
    requests = {e.recipient: e for e in emails(db_session, "update-request:")}
    assert set(requests) == {stale_owner.email, never_updated.email}
    letter = requests[stale_owner.email]
    assert letter.subject == "Please update your actions before Cabinet on 3 December 2026"
    assert "No progress has been recorded since 5 October 2026 on this action that you own." in letter.text_body
    assert "4.1" in letter.text_body and "4.2" not in letter.text_body
    assert "Please record progress by Wednesday 2 December 2026" in letter.text_body
    assert "Record progress (no sign-in needed): http://127.0.0.1:5000/update/" in letter.text_body
    assert "No progress recorded since 30 September 2026." in letter.text_body
    first_ask = requests[never_updated.email]
    for body in (first_ask.text_body, first_ask.html_body):
        assert "No progress has been recorded yet on this action that you own." in body
        assert "No progress recorded yet (added 1 June 2026)." in body
        assert "since 5 October" not in body and "since 1 June" not in body
    jobs.update_requests(date(2026, 11, 27), clock.now())
    assert len(emails(db_session, "update-request:")) == 2  # once per meeting and owner


def test_someone_who_cannot_record_progress_is_not_asked_to(db_session, digest_time) -> None:
    inspection = live_inspection()
    db_session.add(Meeting(inspection=inspection, committee="Cabinet", meets_on=date(2026, 12, 3)))
    reader = person(role=Role.VIEWER)
    action(reader, date(2027, 3, 1), inspection, last_progress_at=None)
    db_session.commit()
    assert jobs.update_requests(date(2026, 11, 26), clock.now()).counts["decided"] == 0
    assert emails(db_session, "update-request:") == []


def test_weekly_programme_summary(db_session, digest_time) -> None:
    inspection = live_inspection(authority="Leicester City Council", title="Joint Area Review 2008")
    jo = manager(inspection, name="Jo Clarke")
    other = live_inspection(title="Not Jo's")
    manager(other)
    owner = person(name="Ruth Allen")
    late = action(owner, date(2026, 11, 2), inspection, reference="1.1", title="Audit case files", rag=Rag.RED)
    action(owner, date(2027, 1, 4), inspection, reference="1.2", rag=Rag.GREEN)
    action(owner, date(2026, 10, 1), inspection, reference="2.1", rag=Rag.BLUE, status=ActionStatus.COMPLETE,
           recommendation__timescale=Timescale.SIX_MONTHS)  # fmt: skip
    db_session.add(deadline(inspection, date(2026, 12, 9)))
    ProgressUpdateFactory(
        action=late, rag=Rag.RED, narrative="Slipping", created_at=datetime(2026, 11, 20, 10, tzinfo=UTC)
    )
    change = record_change(actor=jo, entity=late, field="due_on", old=date(2026, 10, 30), new=date(2026, 11, 2),
                           inspection_id=inspection.id)  # fmt: skip
    change.occurred_at = datetime(2026, 11, 19, 15, tzinfo=UTC)
    db_session.commit()

    result = jobs.programme_summaries(date(2026, 11, 23), clock.now())
    assert result.run_on == date(2026, 11, 23)
    summaries = emails(db_session, "summary:")
    assert {e.recipient for e in summaries} == {jo.email, other.managers[0].email}
    text = next(e for e in summaries if e.recipient == jo.email).text_body
    assert "=== Leicester City Council: Joint Area Review 2008 ===" in text
    assert "Red: 1" in text and "Green: 1" in text and "Blue (complete): 1" in text
    assert "For immediate action: Red 1, Green 1" in text
    assert "1.1 Audit case files. Owner: Ruth Allen. Due 2 November 2026: 15 working days overdue" in text
    assert "Publish the action plan: 9 December 2026 (due in 12 working days)" in text
    assert "Ruth Allen recorded progress on 1.1: In progress, Red – off track" in text
    assert "Due date of 1.1 changed: 30 October 2026 → 2 November 2026 (by Jo Clarke)" in text
    assert "Not Jo's" not in text
    assert jobs.programme_summaries(date(2026, 11, 24), clock.now()).outcome == "already ran"  # once a week


def test_before_the_first_meeting_owners_without_progress_for_six_weeks_are_asked(db_session, digest_time) -> None:
    inspection = live_inspection(plan_published_on=date(2026, 6, 1))
    db_session.add(Meeting(inspection=inspection, committee="Overview and Scrutiny", meets_on=date(2026, 12, 3)))
    quiet, busy = person(), person()
    action(quiet, date(2027, 3, 1), inspection, last_progress_at=datetime(2026, 10, 21, 12, tzinfo=UTC))
    action(busy, date(2027, 3, 1), inspection, last_progress_at=datetime(2026, 10, 22, 12, tzinfo=UTC))
    db_session.commit()
    jobs.update_requests(date(2026, 11, 26), clock.now())
    [request] = emails(db_session, "update-request:")
    assert request.recipient == quiet.email
    assert "No progress has been recorded since 22 October 2026" in request.text_body


def test_the_weekly_summary_reads_like_a_person_wrote_it(app, db_session, digest_time, smtp_server, mail_to) -> None:  # noqa: ANN001
    mail_to(smtp_server)
    inspection = live_inspection(authority="Leicester City Council", title="Joint Area Review 2008")
    jo = manager(inspection, name="Jo Clarke", email="jo@example.gov.uk")
    other = live_inspection(authority="Leicester City Council", title="Inspection of children's services 2026")
    other.managers.append(jo)
    tom, sam = person(name="Tom Hughes"), person(name="Sam Patel")
    clinics = action(sam, date(2027, 1, 4), inspection, reference="4.1", title="Quarterly performance clinics")
    therapy = action(sam, date(2026, 11, 20), inspection, reference="2.3", title="Commission therapy capacity")
    action(tom, date(2027, 3, 1), other, reference="1.1", title="Audit case files")
    db_session.flush()
    monday = datetime(2026, 11, 16, 10, tzinfo=UTC)
    set_now(app, monday)
    record_change(actor=jo, entity=clinics, field="owner", old=sam, new=tom, inspection_id=inspection.id)
    record_change(actor=jo, entity=therapy, field="due_on", old=date(2026, 11, 20), new=date(2027, 2, 26),
                  inspection_id=inspection.id,
                  note="Revised due date approved: The therapy provider cannot recruit before January")  # fmt: skip
    record_change(actor=jo, entity=therapy, field="original_due_on", old=None, new=date(2026, 11, 20),
                  inspection_id=inspection.id)  # fmt: skip
    record_change(actor=jo, entity=therapy, field="created", old=None, new="2.4 Joint funding agreement",
                  inspection_id=inspection.id)  # fmt: skip
    set_now(app, digest_time)
    db_session.commit()

    jobs.programme_summaries(date(2026, 11, 23), clock.now())
    assert send_due_emails().sent == 1
    [message] = smtp_server.mailbox.to("jo@example.gov.uk")
    for body in (message.text, message.html):
        assert "Tom Hughes is now the owner of 4.1" in body
        assert (
            "Revised due date for 2.3 approved: 20 November 2026 → 26 February 2027 "
            "(reason: The therapy provider cannot recruit before January)" in body
        )
        assert "Action added: 2.4 Joint funding agreement" in body
        assert "by Jo Clarke" in body
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", body), "an ISO date"
        for field_talk in ("set to", "owner_id", "due_on", "original_due_on", "Owner changed", "created"):
            assert field_talk not in body
    text = message.text
    first, second = (
        text.index("=== Leicester City Council: Joint Area Review 2008 ==="),
        text.index("=== Leicester City Council: Inspection of children's services 2026 ==="),
    )
    assert first < text.index("Tom Hughes is now the owner of 4.1") < second
