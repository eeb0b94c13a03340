"""The reminders page, the calendar feed, the digest preview and the admin outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import sign_in, soup
from tests.factories import UserFactory
from tests.integration.reminders.conftest import (
    TODAY,
    action,
    live_inspection,
    manager,
    person,
    queue_rendered_email,
    set_now,
)
from tracker import clock, jobs
from tracker.inspections.deadlines import create_statutory_deadlines
from tracker.models import ActionStatus, AuditEvent, DigestPreference, EmailState, OutboxEmail, Role, User
from tracker.outbox.sender import send_due_emails
from tracker.reminders.calendar import build_calendar


def test_people_choose_how_often_they_get_reminders(client, db_session, digest_time) -> None:
    me = person()
    db_session.commit()
    sign_in(client, me)
    page = soup(client.get("/reminders"))
    assert page.select_one("h1").text == "Reminders and calendar"
    assert page.select_one("input[name=digest_preference][checked]")["value"] == "daily"
    assert "Reminders" in [a.text.strip() for a in page.select(".govuk-service-navigation__link")]

    assert client.submit("/reminders", {"digest_preference": "hourly"}).status_code == 400
    response = client.submit("/reminders", {"digest_preference": "weekly"})
    assert response.status_code == 302
    assert db_session.get(User, me.id).digest_preference == DigestPreference.WEEKLY
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.field == "digest_preference")).one()
    assert (event.actor_id, event.old_value, event.new_value) == (me.id, "daily", "weekly")
    assert "Your reminder emails have been changed" in soup(client.get("/reminders")).text


def test_the_reminders_page_needs_signing_in(client, db_session) -> None:
    assert client.get("/reminders").status_code == 302
    assert client.get("/reminders/preview").status_code == 302


def test_preview_shows_todays_digest(client, db_session, digest_time) -> None:
    me = person(digest_preference=DigestPreference.OFF)
    action(me, date(2026, 11, 2), reference="1.1", title="Audit case files")
    db_session.commit()
    sign_in(client, me)
    page = soup(client.get("/reminders/preview"))
    assert "You will not get this email today: you get reminders never" in page.text
    assert "1.1 Audit case files" in page.select_one(".app-email-preview").text
    assert db_session.scalar(select(OutboxEmail.id)) is None


def test_calendar_feed_has_due_dates_and_statutory_deadlines(client, db_session, digest_time) -> None:
    me = person(role=Role.PROGRAMME_MANAGER)
    inspection = live_inspection(title="Joint Area Review 2008")
    manager_link = manager(inspection)
    inspection.managers.remove(manager_link)
    inspection.managers.append(me)
    create_statutory_deadlines(inspection)
    action(me, date(2026, 12, 18), inspection, reference="2.1", title="Train staff")
    action(me, date(2026, 12, 19), inspection, reference="2.2", title="Closed one", status=ActionStatus.COMPLETE)
    action(person(), date(2026, 12, 20), inspection, reference="2.3", title="Someone else's")
    db_session.commit()
    sign_in(client, me)

    assert "Your calendar feed is off" in soup(client.get("/reminders")).text
    client.submit("/reminders/calendar", page_url="/reminders")
    page = soup(client.get("/reminders"))
    address = page.select_one("#calendar-address")["value"]
    assert address.startswith("http://127.0.0.1:5000/calendar/") and address.endswith(".ics")
    path = address.removeprefix("http://127.0.0.1:5000")

    client.post("/sign-out", data={"csrf_token": client.csrf_token("/reminders")})
    response = client.get(path)  # no sign-in: calendar programs cannot
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert "Due: 2.1 Train staff" in events
    assert events["Due: 2.1 Train staff"].decoded("dtstart") == date(2026, 12, 18)
    assert "Due: 2.2 Closed one" not in events and "Due: 2.3 Someone else's" not in events
    assert "Statutory deadline: Publish the action plan" in " ".join(events)
    assert all(e["transp"] == "TRANSPARENT" for e in events.values())


def test_a_new_calendar_address_stops_the_old_one_and_turning_off_stops_both(client, db_session, digest_time) -> None:
    me = person()
    db_session.commit()
    sign_in(client, me)
    client.submit("/reminders/calendar", page_url="/reminders")
    first = db_session.get(User, me.id).calendar_token
    client.submit("/reminders/calendar", page_url="/reminders")
    second = db_session.get(User, me.id).calendar_token
    assert first != second
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert client.get(f"/calendar/{second}.ics").status_code == 200
    client.submit("/reminders/calendar/turn-off", page_url="/reminders")
    assert client.get(f"/calendar/{second}.ics").status_code == 404
    changes = db_session.scalars(select(AuditEvent.new_value).where(AuditEvent.field == "calendar_feed")).all()
    assert changes == ["on", "new address", "off"]
    assert not any(second in (value or "") for value in changes)  # the secret is not in the history


def test_an_unchanged_calendar_feed_is_not_sent_again(app, client, db_session, digest_time) -> None:
    """Calendar programs ask again every few hours; while nothing in the feed has changed they are told so with a
    304 and no body, and the feed is never kept by a shared cache."""
    me = person(calendar_token="c" * 43)
    due = action(me, date(2026, 12, 18), reference="2.1", title="Train staff")
    db_session.commit()
    path = f"/calendar/{me.calendar_token}.ics"

    first = client.get(path)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    set_now(app, digest_time + timedelta(hours=6))
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(path).data == first.data  # read later, byte for byte the same

    due.due_on = date(2027, 1, 8)
    db_session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    [event] = Calendar.from_ical(changed.data).walk("VEVENT")
    assert event.decoded("dtstart") == date(2027, 1, 8)


def test_an_inactive_persons_feed_stops(client, db_session) -> None:
    me = person(active=False, calendar_token="x" * 43)
    db_session.commit()
    assert client.get(f"/calendar/{me.calendar_token}.ics").status_code == 404


def _failed_email(db_session) -> OutboxEmail:
    queue_rendered_email(
        recipient="ruth@example.gov.uk",
        subject="Your actions: 1 overdue action",
        text_body="Dear Ruth",
        html_body='<p style="color:#d4351c">Dear Ruth</p>',
        dedupe_key="digest:9:2026-11-24",
    )
    email = db_session.scalars(select(OutboxEmail)).one()
    email.state, email.attempts, email.last_error = EmailState.FAILED, 5, "550 5.1.1 No such user"
    db_session.commit()
    return email


def test_admins_see_failures_with_the_error_and_retry_them(client, db_session, digest_time) -> None:
    admin = UserFactory(role=Role.ADMIN)
    email = _failed_email(db_session)
    sign_in(client, admin)
    page = soup(client.get("/admin/outbox?state=failed"))
    row = page.select_one("tbody tr")
    assert "550 5.1.1 No such user" in row.text and "Failed" in row.text
    assert row.select_one("form button").text.startswith("Retry")
    assert "Failed (1)" in page.select_one(".app-filter-links").text

    response = client.submit(f"/admin/outbox/{email.id}/retry", page_url=f"/admin/outbox/{email.id}")
    assert response.status_code == 302
    email = db_session.get(OutboxEmail, email.id)
    assert (email.state, email.attempts) == (EmailState.QUEUED, 0)
    audit = db_session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "outbox_emails")).one()
    assert (audit.actor_id, audit.old_value, audit.new_value) == (admin.id, "failed", "queued")
    assert soup(client.get("/admin/outbox?state=failed")).select_one("tbody") is None


def test_the_html_preview_is_sandboxed(client, db_session, digest_time) -> None:
    admin = UserFactory(role=Role.ADMIN)
    email = _failed_email(db_session)
    sign_in(client, admin)
    page = soup(client.get(f"/admin/outbox/{email.id}"))
    frame = page.select_one("iframe.app-email-frame")
    assert frame.has_attr("sandbox") and frame["title"].startswith("The HTML part of the email")
    response = client.get(frame["src"])
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy and response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert b'style="color:#d4351c"' in response.data


@pytest.mark.parametrize("role", [Role.PROGRAMME_MANAGER, Role.SERVICE_MANAGER, Role.VIEWER])
def test_only_admins_read_or_retry_email(client, db_session, digest_time, role: Role) -> None:
    someone = UserFactory(role=role)
    email = _failed_email(db_session)
    sign_in(client, someone)
    assert client.get(f"/admin/outbox/{email.id}/html").status_code == 403
    assert client.submit(f"/admin/outbox/{email.id}/retry", page_url="/reminders").status_code == 403


def test_the_outbox_pages_in_states_and_pages(client, db_session, digest_time) -> None:
    for n in range(55):
        queue_rendered_email(
            recipient=f"p{n}@x.gov.uk", subject=f"S{n}", text_body="t", html_body="", dedupe_key=f"k{n}"
        )
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    first = soup(client.get("/admin/outbox"))
    assert len(first.select("tbody tr")) == 50
    assert first.select_one(".govuk-pagination__next a")["href"] == "/admin/outbox?page=2"
    assert len(soup(client.get("/admin/outbox?page=2")).select("tbody tr")) == 5
    assert "no mail server is configured" in first.text.lower()


def test_the_days_emails_are_listed_in_the_outbox(client, db_session, digest_time) -> None:
    owner = person()
    inspection = live_inspection()
    manager(inspection)
    action(owner, date(2026, 11, 2), inspection)
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    jobs.run_reminders(TODAY, clock.now())
    sign_in(client, admin)
    subjects = [row.select("td")[2].text.strip() for row in soup(client.get("/admin/outbox")).select("tbody tr")]
    assert "Your actions: 1 overdue action" in subjects
    assert any(s.startswith("Weekly programme summary, week of 23 November 2026") for s in subjects)


def test_pages_do_not_call_a_saturday_due_date_today_on_the_friday(app, client, db_session) -> None:
    app.config["TRACKER_NOW"] = datetime(2026, 12, 4, 12, tzinfo=UTC)  # Friday
    me = person()
    saturday = action(me, date(2026, 12, 5))
    db_session.commit()
    sign_in(client, me)
    for url in (f"/actions/{saturday.id}", "/my-actions", "/actions"):
        text = soup(client.get(url)).get_text(" ", strip=True)
        assert "Due today" not in text, url
        assert "Due Saturday 5 December 2026 (not a working day)" in text, url


def test_withdrawn_digests_show_why_on_the_outbox_pages(client, db_session, digest_time) -> None:
    owner = person()
    action(owner, date(2026, 11, 2))
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    jobs.daily_digests(date(2026, 11, 23), clock.now())
    jobs.daily_digests(TODAY, clock.now())
    sign_in(client, admin)
    page = soup(client.get("/admin/outbox?state=withdrawn"))
    [row] = page.select("tbody tr")
    assert "Withdrawn" in row.select_one(".govuk-tag").text
    assert "replaced by the digest for 24 November 2026" in row.text
    assert "Withdrawn (1)" in page.select_one(".app-filter-links").text
    old = db_session.scalars(select(OutboxEmail).where(OutboxEmail.state == EmailState.WITHDRAWN)).one()
    detail = soup(client.get(f"/admin/outbox/{old.id}"))
    assert "Withdrawn, not sent: replaced by the digest for 24 November 2026" in detail.text


def test_the_outbox_page_warns_when_the_mail_server_cannot_be_reached(app, client, db_session, digest_time) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens on port 1
    queue_rendered_email(recipient="a@x.gov.uk", subject="Earlier", text_body="t", html_body="", dedupe_key="a")
    db_session.execute(
        OutboxEmail.__table__.update().values(state="sent", sent_at=datetime(2026, 11, 23, 15, 5, tzinfo=UTC))
    )
    queue_rendered_email(recipient="b@x.gov.uk", subject="Waiting", text_body="t", html_body="", dedupe_key="b")
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    assert soup(client.get("/admin/outbox")).select_one(".govuk-notification-banner") is None

    assert send_due_emails().waiting == 1
    banner = soup(client.get("/admin/outbox")).select_one(".govuk-notification-banner")
    text = banner.get_text(" ", strip=True)
    assert "Email has not been sent since 23 November 2026 at 3:05pm" in text
    assert "ConnectionRefusedError" in text and "1 email is waiting" in text
    health = client.get("/healthz").get_json()
    assert set(health["outbox"]) == {"queued", "failed"} and health["outbox"]["queued"] == 1


def _digest_with_a_link(db_session) -> OutboxEmail:
    owner = person()
    action(owner, date(2026, 11, 2))
    db_session.commit()
    jobs.daily_digests(TODAY, clock.now())
    email = db_session.scalars(select(OutboxEmail)).one()
    assert "/update/" in email.text_body and "/update/" in email.html_body
    return email


def _admin_reads(client, email: OutboxEmail) -> tuple[str, str]:  # noqa: ANN001
    page = soup(client.get(f"/admin/outbox/{email.id}"))
    return page.select_one(".app-email-preview").text, client.get(f"/admin/outbox/{email.id}/html").text


def test_admins_do_not_see_the_personal_links_of_email_that_was_sent(app, client, db_session, digest_time) -> None:
    email = _digest_with_a_link(db_session)
    admin = UserFactory(role=Role.ADMIN)
    link = app.config["BASE_URL"] + "/set-password/IjEyMyI.aBc-_9"
    queue_rendered_email(recipient="new.starter@example.gov.uk", subject="You have been invited",
                         text_body=f"Set your password: {link}\n", html_body=f'<a href="{link}">Set your password</a>',
                         dedupe_key="invitation:1")  # fmt: skip
    db_session.execute(OutboxEmail.__table__.update().values(state="sent", sent_at=datetime(2026, 11, 24, tzinfo=UTC)))
    db_session.commit()
    app.config["MAIL_SERVER"] = "127.0.0.1"
    sign_in(client, admin)
    invitation = db_session.scalars(select(OutboxEmail).where(OutboxEmail.recipient == "new.starter@example.gov.uk"))
    for sent in (email, invitation.one()):
        text, html = _admin_reads(client, sent)
        for body in (text, html):
            assert "/update/" not in body and "/set-password/" not in body
            assert "[personal link hidden]" in body
    assert "Record progress (no sign-in needed): [personal link hidden]" in _admin_reads(client, email)[0]
    assert "act as" in soup(client.get(f"/admin/outbox/{email.id}")).select_one(".govuk-inset-text").text


def test_without_a_mail_server_the_outbox_still_shows_the_links_to_pass_on(client, db_session, digest_time) -> None:
    email = _digest_with_a_link(db_session)
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    text, html = _admin_reads(client, email)
    assert "/update/" in text and "/update/" in html  # the outbox is the mailbox (README)
    warning = soup(client.get(f"/admin/outbox/{email.id}")).select_one(".govuk-warning-text").text
    assert "give them only to that person" in warning
    email.state = EmailState.WITHDRAWN
    db_session.commit()
    text, html = _admin_reads(client, email)
    assert "/update/" not in text and "/update/" not in html


def test_the_calendar_feed_writes_dates_without_a_leading_zero(db_session) -> None:
    me = person(role=Role.PROGRAMME_MANAGER)
    inspection = live_inspection(title="Joint Area Review 2008")
    inspection.managers.append(me)
    deadline = create_statutory_deadlines(inspection)[0]
    deadline.due_on, deadline.met_on = date(2026, 12, 18), date(2026, 12, 3)
    db_session.commit()

    events = Calendar.from_ical(build_calendar(me)).walk("VEVENT")
    description = next(str(e["description"]) for e in events if str(e["uid"]).startswith(f"deadline-{deadline.id}@"))
    assert "Met on 3 December 2026" in description
    assert "03 December" not in description
