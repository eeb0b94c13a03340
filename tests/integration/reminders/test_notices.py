"""People are told when something is theirs to do (issue 14 item 4): actions given to them, one email per person
per batch; a revised due date asked for, to the programme managers; the decision, to the owner with the reason.
Or, if they choose, in their next reminder email. Read back from a real SMTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.integration.reminders.conftest import TODAY, action, live_inspection, manager, person, set_now
from tracker import clock, jobs
from tracker.actions.services.progress import record_progress
from tracker.models import Notice, NoticePreference, OutboxEmail, ProgressUpdate, Role
from tracker.outbox.sender import send_due_emails


def outbox(db_session, prefix: str = "") -> list[OutboxEmail]:  # noqa: ANN001
    db_session.expire_all()
    query = select(OutboxEmail).where(OutboxEmail.dedupe_key.startswith(prefix)).order_by(OutboxEmail.id)
    return list(db_session.scalars(query))


def bulk_assign(client, inspection_id: int, owner_id: int, *action_ids: int):  # noqa: ANN001, ANN201
    return client.submit(
        f"/inspections/{inspection_id}/plan/assign",
        {"owner_id": str(owner_id), "action_ids": [str(i) for i in action_ids]},
    )


def test_a_bulk_assignment_is_one_email_per_person_listing_their_actions(
    app, client, db_session, digest_time, smtp_server, mail_to
) -> None:  # noqa: ANN001
    mail_to(smtp_server)
    inspection = live_inspection(title="Joint Area Review 2008")
    jo = manager(inspection, name="Jo Clarke")
    sam = person(name="Sam Patel")
    tom = person(name="Tom Hughes", email="tom@example.gov.uk")
    clinics = action(sam, date(2026, 12, 18), inspection, reference="4.1", title="Quarterly performance clinics")
    scorecard = action(sam, date(2027, 1, 15), inspection, reference="4.2", title="Partnership scorecard")
    theirs = action(tom, date(2027, 1, 15), inspection, reference="4.3", title="Service plans")
    db_session.commit()
    sign_in(client, jo)

    assert bulk_assign(client, inspection.id, tom.id, clinics.id, scorecard.id, theirs.id).status_code == 302
    assert bulk_assign(client, inspection.id, tom.id, clinics.id, scorecard.id).status_code == 302  # sent twice
    assert send_due_emails().sent == 1
    [message] = smtp_server.mailbox.to("tom@example.gov.uk")
    assert message.subject == "2 actions are now yours: Joint Area Review 2008"
    for body in (message.text, message.html):
        assert "Jo Clarke has made you the owner of these 2 actions" in body
        assert "4.1 Quarterly performance clinics (Joint Area Review 2008, due 18 December 2026)" in body
        assert "4.2 Partnership scorecard (Joint Area Review 2008, due 15 January 2027)" in body
        assert "4.3" not in body  # already his
        assert f"http://127.0.0.1:5000/actions/{clinics.id}" in body

    assert bulk_assign(client, inspection.id, sam.id, clinics.id).status_code == 302
    assert bulk_assign(client, inspection.id, tom.id, clinics.id).status_code == 302  # given back: told again
    send_due_emails()
    assert [m.subject for m in smtp_server.mailbox.to("tom@example.gov.uk")][1:] == [
        "Action 4.1 is now yours: Quarterly performance clinics"
    ]
    assert [m.subject for m in smtp_server.mailbox.to(sam.email)] == [
        "Action 4.1 is now yours: Quarterly performance clinics"
    ]
    assert not smtp_server.mailbox.to(jo.email)  # nobody is told of what they did themselves


def test_a_request_goes_to_the_managers_and_the_decision_to_the_owner_with_the_reason(
    app, client, db_session, digest_time, smtp_server, mail_to
) -> None:  # noqa: ANN001
    mail_to(smtp_server)
    inspection = live_inspection(title="Joint Area Review 2008")
    jo = manager(inspection, name="Jo Clarke", email="jo@example.gov.uk")
    manager(inspection, name="Away Manager", active=False)
    sam = person(name="Sam Patel", email="sam@example.gov.uk")
    therapy = action(sam, date(2026, 11, 20), inspection, reference="2.3", title="Commission therapy capacity")
    db_session.commit()

    update = record_progress(
        therapy,
        sam,
        {"status": "in_progress", "rag": "amber", "narrative": "Recruitment is slow",
         "requested_due_on": date(2027, 2, 26), "request_reason": "The provider cannot recruit before January"},
    )  # fmt: skip
    db_session.commit()
    assert send_due_emails().sent == 1
    [asked] = smtp_server.mailbox.messages
    assert asked.rcpt_tos == ["jo@example.gov.uk"]
    assert asked.subject == "Revised due date asked for on 2.3: 26 February 2027"
    assert (
        "Sam Patel asks for 2.3 Commission therapy capacity to be due 26 February 2027 instead of 20 November 2026 "
        "(reason: The provider cannot recruit before January)"
    ) in asked.text

    sign_in(client, jo)
    decided = client.submit(
        f"/actions/{therapy.id}/due-date-requests/{update.id}",
        {"decision": "approve", "note": "Agreed at the board"},
        page_url=f"/actions/{therapy.id}",
    )
    assert decided.status_code == 302
    assert send_due_emails().sent == 1
    [told] = smtp_server.mailbox.to("sam@example.gov.uk")
    assert told.subject == "Revised due date approved for 2.3"
    for body in (told.text, told.html):
        assert (
            "Jo Clarke approved: 2.3 Commission therapy capacity is now due 26 February 2027 "
            "(reason: Agreed at the board)"
        ) in body
    keys = [e.dedupe_key for e in outbox(db_session)]
    assert keys == [f"due-date-request:{update.id}:{jo.id}", f"due-date-decision:{update.id}"]


def test_people_who_choose_the_digest_are_told_there_once(
    app, client, db_session, digest_time, smtp_server, mail_to
) -> None:  # noqa: ANN001
    mail_to(smtp_server)
    inspection = live_inspection(title="Joint Area Review 2008")
    jo = manager(inspection, name="Jo Clarke")
    tom = person(name="Tom Hughes", email="tom@example.gov.uk", notice_preference=NoticePreference.DIGEST)
    clinics = action(person(), date(2027, 6, 1), inspection, reference="4.1", title="Quarterly performance clinics")
    db_session.commit()
    set_now(app, datetime(2026, 11, 23, 15, tzinfo=UTC))
    sign_in(client, jo)
    assert bulk_assign(client, inspection.id, tom.id, clinics.id).status_code == 302
    assert outbox(db_session, "assigned:") == []
    [notice] = db_session.scalars(select(Notice)).all()
    assert (notice.user_id, notice.digest_key) == (tom.id, None)

    set_now(app, digest_time)
    jobs.daily_digests(TODAY, clock.now())
    assert send_due_emails().sent == 1
    [digest] = smtp_server.mailbox.to("tom@example.gov.uk")
    assert digest.subject == "Your actions: 1 action newly assigned to you"
    assert "NEWLY ASSIGNED TO YOU (1)" in digest.text
    assert "Newly assigned to you (1)" in digest.html
    for body in (digest.text, digest.html):
        assert "Jo Clarke has made you the owner of 4.1" not in body
        assert "4.1 Quarterly performance clinics (Joint Area Review 2008, due 1 June 2027)" in body
    db_session.expire_all()
    assert db_session.get(Notice, notice.id).digest_key == f"digest:{tom.id}:{TODAY.isoformat()}"

    jobs.daily_digests(date(2026, 11, 25), clock.now())
    assert outbox(db_session, f"digest:{tom.id}:2026-11-25") == []  # told once


def test_the_settings_page_saves_the_choice(client, db_session) -> None:  # noqa: ANN001
    sam = person(role=Role.SERVICE_MANAGER)
    db_session.commit()
    sign_in(client, sam)
    page = soup(client.get("/reminders"))
    assert page.select_one("input[name=notice_preference][value=immediate]").has_attr("checked")
    response = client.submit("/reminders", {"digest_preference": "daily", "notice_preference": "digest"})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(type(sam), sam.id).notice_preference == NoticePreference.DIGEST
    assert client.submit("/reminders", {"digest_preference": "daily", "notice_preference": "hourly"}).status_code == 400


def test_someone_with_reminders_off_is_emailed_straight_away(app, client, db_session, digest_time) -> None:  # noqa: ANN001
    inspection = live_inspection()
    jo = manager(inspection)
    quiet = person(notice_preference=NoticePreference.DIGEST, digest_preference="off")
    loose = action(None, date(2027, 6, 1), inspection)
    db_session.commit()
    sign_in(client, jo)
    bulk_assign(client, inspection.id, quiet.id, loose.id)
    assert [e.recipient for e in outbox(db_session, "assigned:")] == [quiet.email]
    assert db_session.scalars(select(Notice)).all() == []
    assert db_session.scalars(select(ProgressUpdate)).all() == []


def test_a_notice_in_a_digest_held_back_by_a_mail_outage_is_told_in_the_next_one(
    app, client, db_session, digest_time
) -> None:  # noqa: ANN001
    inspection = live_inspection()
    jo = manager(inspection, name="Jo Clarke")
    tom = person(notice_preference=NoticePreference.DIGEST)
    clinics = action(person(), date(2027, 6, 1), inspection, reference="4.1", title="Quarterly performance clinics")
    db_session.commit()
    sign_in(client, jo)
    bulk_assign(client, inspection.id, tom.id, clinics.id)

    jobs.daily_digests(TODAY, clock.now())  # queued, never sent: the mail server is down
    jobs.daily_digests(date(2026, 11, 25), clock.now())
    first, second = outbox(db_session, f"digest:{tom.id}:")
    assert first.state.value == "withdrawn"
    assert "4.1 Quarterly performance clinics" in second.text_body
    [notice] = db_session.scalars(select(Notice)).all()
    assert notice.digest_key == second.dedupe_key
