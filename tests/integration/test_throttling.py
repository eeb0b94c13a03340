"""Throttling instead of locking (issue 11, attacks 7, 8 and 10): growing waits per typed address and per client
address that parallel attempts cannot get past, limits on reset and invitation emails, calendar feeds and the
links in emails, and a GOV.UK 429 page with Retry-After."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.conftest import sign_in, soup
from tests.factories import PASSWORD, ActionFactory, UserFactory
from tracker.models import AuditEvent, OutboxEmail, Role
from tracker.reminders import links

WRONG = "not the password at all"
CHECKED = "Enter a correct email address and password"


def _browser(app, address: str = "192.0.2.10"):  # noqa: ANN001, ANN202
    """A browser of its own (cookies, CSRF token) at client address `address`."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def _error(response) -> str:  # noqa: ANN001
    return soup(response).select_one(".govuk-error-summary__list").get_text(" ", strip=True)


def _all_at_once(count: int, send) -> list:  # noqa: ANN001
    """`send(i)` from `count` threads released together; their responses."""
    start = threading.Barrier(count)

    def go(i: int):  # noqa: ANN202
        start.wait()
        return send(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(go, range(count)))


def test_wrong_passwords_slow_sign_in_down_for_the_address_and_never_lock_it(app, client, db_session, now) -> None:
    user = UserFactory(email="sam@example.gov.uk")
    db_session.commit()
    browser = _browser(app)
    for _ in range(5):
        response = browser.submit("/sign-in", {"email": user.email, "password": WRONG})
        assert response.status_code == 400 and _error(response) == CHECKED

    held = browser.submit("/sign-in", {"email": "Sam@Example.gov.uk ", "password": PASSWORD})
    assert held.status_code == 429
    assert held.headers["Retry-After"] == "60"
    assert _error(held) == (
        "Too many attempts to sign in with this email address. Wait 1 minute, then try again, or reset your password"
    )
    assert soup(held).select_one("input[name=email]")["value"] == "Sam@Example.gov.uk "  # kept as it was typed

    app.config["TRACKER_NOW"] = now + timedelta(minutes=1)
    assert browser.submit("/sign-in", {"email": user.email, "password": WRONG}).status_code == 400
    waits = browser.submit("/sign-in", {"email": user.email, "password": PASSWORD})
    assert (waits.status_code, waits.headers["Retry-After"]) == (429, "120")
    app.config["TRACKER_NOW"] = now + timedelta(minutes=3)
    assert browser.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302
    browser.submit("/sign-out", page_url="/")
    # A right password starts the count again.
    for _ in range(5):
        assert browser.submit("/sign-in", {"email": user.email, "password": WRONG}).status_code == 400


def test_forty_wrong_passwords_at_once_get_five_tries(app, client, db_session) -> None:
    email = UserFactory().email
    db_session.commit()
    browsers = [_browser(app) for _ in range(40)]
    tokens = [browser.csrf_token("/sign-in") for browser in browsers]

    def attempt(i: int):  # noqa: ANN202
        data = {"csrf_token": tokens[i], "email": email, "password": f"{WRONG} {i}"}
        return browsers[i].post("/sign-in", data=data)

    statuses = Counter(response.status_code for response in _all_at_once(40, attempt))
    assert statuses == {400: 5, 429: 35}


def test_forty_addresses_tried_at_once_from_one_network_get_thirty_tries(app, client, db_session) -> None:
    browsers = [_browser(app, "198.51.100.7") for _ in range(40)]
    tokens = [browser.csrf_token("/sign-in") for browser in browsers]

    def attempt(i: int):  # noqa: ANN202
        data = {"csrf_token": tokens[i], "email": f"guess{i}@example.gov.uk", "password": WRONG}
        return browsers[i].post("/sign-in", data=data)

    responses = _all_at_once(40, attempt)
    assert Counter(response.status_code for response in responses) == {400: 30, 429: 10}
    refused = next(response for response in responses if response.status_code == 429)
    assert _error(refused) == "Too many attempts to sign in from your network. Wait 1 minute, then try again"
    elsewhere = _browser(app, "203.0.113.5").submit("/sign-in", {"email": "guess1@example.gov.uk", "password": WRONG})
    assert elsewhere.status_code == 400


def test_a_right_password_does_not_count_against_the_network(app, client, db_session) -> None:
    people = UserFactory.create_batch(3)
    db_session.commit()
    for _ in range(11):  # 33 sign-ins from one network, past the 30 failures it may have
        for person in people:
            browser = _browser(app, "198.51.100.8")
            assert browser.submit("/sign-in", {"email": person.email, "password": PASSWORD}).status_code == 302


def test_someone_elses_wrong_passwords_do_not_keep_the_person_out(app, client, db_session) -> None:
    """The person's own browser, where they signed in before, is throttled on its own; a new browser can use a
    reset link, which signs them in and starts the count again."""
    user = UserFactory(email="sam@example.gov.uk")
    db_session.commit()
    own = _browser(app, "192.0.2.20")
    assert own.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302
    assert own.get_cookie("known_browser") is not None
    own.submit("/sign-out", page_url="/")

    attacker = _browser(app, "203.0.113.66")
    for _ in range(12):
        attacker.submit("/sign-in", {"email": user.email, "password": WRONG})
    assert attacker.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 429

    assert own.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302
    own.submit("/sign-out", page_url="/")
    new_laptop = _browser(app, "192.0.2.21")
    assert new_laptop.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 429
    new_laptop.submit("/forgot-password", {"email": user.email})
    body = db_session.scalars(select(OutboxEmail.text_body).where(OutboxEmail.recipient == user.email)).one()
    link = "/" + body.split("http://127.0.0.1:5000/", 1)[1].split()[0]
    new_password = "violet harbour tramline"
    assert new_laptop.submit(link, {"password": new_password, "confirm": new_password}).status_code == 302
    new_laptop.submit("/sign-out", page_url="/")
    assert new_laptop.submit("/sign-in", {"email": user.email, "password": new_password}).status_code == 302


def test_a_known_browser_cookie_for_another_address_or_forged_counts_for_nothing(app, client, db_session) -> None:
    sam, ruth = UserFactory(), UserFactory()
    db_session.commit()
    browser = _browser(app)
    browser.submit("/sign-in", {"email": sam.email, "password": PASSWORD})
    browser.submit("/sign-out", page_url="/")
    for _ in range(5):
        browser.submit("/sign-in", {"email": ruth.email, "password": WRONG})
    assert browser.submit("/sign-in", {"email": ruth.email, "password": PASSWORD}).status_code == 429
    browser.set_cookie("known_browser", "forged.value.here")
    assert browser.submit("/sign-in", {"email": ruth.email, "password": PASSWORD}).status_code == 429


def test_an_admin_sees_slowed_sign_in_and_can_let_the_person_in_now(app, client, db_session, now) -> None:
    admin = UserFactory(role=Role.ADMIN)
    sam = UserFactory(name="Sam Patel")
    db_session.commit()
    browser = _browser(app, "203.0.113.9")
    for _ in range(7):  # the sixth and seventh are refused before the password is checked: they do not count
        browser.submit("/sign-in", {"email": sam.email, "password": WRONG})
    sign_in(client, admin)
    home = soup(client.get("/"))
    assert "1 account with sign-in slowed down" in home.select_one("#admin-summary").get_text(" ", strip=True)
    page = soup(client.get(f"/admin/people/{sam.id}"))
    assert page.select_one("#sign-in-delay").get_text(" ", strip=True) == (
        "! Warning Signing in with this address is slowed down after 5 attempts without the right password: "
        "the next attempt is allowed from 24 November 2026 at 10:01am."
    )
    form = page.select_one(f"form[action='/admin/people/{sam.id}/unlock']")
    assert form.select_one("button, input[type=submit]").text.strip() == "Let them sign in now"
    assert client.post(f"/admin/people/{sam.id}/unlock").status_code == 400
    response = client.submit(f"/admin/people/{sam.id}/unlock", page_url=f"/admin/people/{sam.id}")
    page = soup(client.get(response.headers["Location"]))
    assert "Sam Patel’s next sign-in is checked straight away" in page.select_one(".govuk-notification-banner").text
    assert page.select_one("#sign-in-delay") is None
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.field == "sign_in_delay")).one()
    assert (event.actor_id, event.new_value, event.note) == (admin.id, "cleared", "Cleared by an administrator")
    assert event.old_value == "5 attempts, next allowed from 24 November 2026 at 10:01am"
    assert browser.submit("/sign-in", {"email": sam.email, "password": PASSWORD}).status_code == 302


def test_ten_reset_requests_at_once_queue_three_emails(app, client, db_session) -> None:
    email = UserFactory(email="reset.me@example.gov.uk").email
    db_session.commit()
    browsers = [_browser(app) for _ in range(10)]
    tokens = [browser.csrf_token("/forgot-password") for browser in browsers]

    def ask(i: int):  # noqa: ANN202
        return browsers[i].post("/forgot-password", data={"csrf_token": tokens[i], "email": email})

    responses = _all_at_once(10, ask)
    assert Counter(response.status_code for response in responses) == {200: 3, 429: 7}
    assert db_session.scalar(select(func.count()).select_from(OutboxEmail)) == 3
    refused = next(response for response in responses if response.status_code == 429)
    assert _error(refused) == (
        "A reset link has been asked for too many times for this email address. "
        "Use the link in the latest email, or wait 60 minutes and try again"
    )
    assert soup(refused).select_one("input[name=email]")["value"] == email
    assert refused.headers["Retry-After"] == "3600"


def test_one_network_can_ask_for_ten_reset_links_an_hour(app, client, db_session, now) -> None:
    browser = _browser(app, "198.51.100.9")
    for n in range(10):
        assert browser.submit("/forgot-password", {"email": f"someone{n}@example.gov.uk"}).status_code == 200
    refused = browser.submit("/forgot-password", {"email": "someone.else@example.gov.uk"})
    assert refused.status_code == 429
    assert "from your network. Wait 60 minutes" in _error(refused)
    app.config["TRACKER_NOW"] = now + timedelta(hours=1)
    assert browser.submit("/forgot-password", {"email": "someone.else@example.gov.uk"}).status_code == 200


def test_an_invitation_can_be_sent_again_three_times_an_hour(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    invited = UserFactory(password_hash=None, name="Helen Ward")
    db_session.commit()
    sign_in(client, admin)
    url, page = f"/admin/people/{invited.id}/resend-invitation", f"/admin/people/{invited.id}"
    for _ in range(3):
        assert client.submit(url, page_url=page).status_code == 302
    refused = client.submit(url, page_url=page)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"
    html = soup(refused)
    assert html.select_one("h1").text.strip() == "Too many attempts"
    assert "Too many invitations have been sent to this address." in html.text
    assert "Wait 60 minutes, then try again." in html.select_one("#retry").text
    assert db_session.scalar(select(func.count()).select_from(OutboxEmail)) == 3


def test_fifty_invitations_an_hour_from_one_network_and_a_refused_one_keeps_the_form(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    for n in range(50):
        form = {"name": f"Person {n}", "email": f"new.{n}@nhs.example", "role": "viewer", "line_manager_id": "0"}
        assert client.submit("/admin/people/invite", form).status_code == 302
    form = {"name": "Dr Helen Ward", "email": "helen.ward@nhs.example", "role": "viewer", "line_manager_id": "0"}
    refused = client.submit("/admin/people/invite", form)
    assert refused.status_code == 429
    assert _error(refused) == "Too many invitations have been sent from your network. Wait 60 minutes, then try again"
    assert soup(refused).select_one("input[name=name]")["value"] == "Dr Helen Ward"
    assert soup(refused).select_one("input[name=email]")["value"] == "helen.ward@nhs.example"


def test_a_calendar_feed_is_read_thirty_times_an_hour(app, client, db_session, now) -> None:
    owner = UserFactory(calendar_token="feed-token-" + "x" * 30)
    db_session.commit()
    browser = _browser(app, "198.51.100.20")
    url = f"/calendar/{owner.calendar_token}.ics"
    assert all(browser.get(url).status_code == 200 for _ in range(30))
    refused = browser.get(url)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3600"
    assert "This calendar address has been read too many times." in soup(refused).text
    app.config["TRACKER_NOW"] = now + timedelta(hours=1)
    assert browser.get(url).status_code == 200


def test_one_network_reads_six_hundred_calendars_an_hour_known_or_not(app, client, db_session) -> None:
    browser = _browser(app, "198.51.100.21")
    assert all(browser.get(f"/calendar/unknown-{n}.ics").status_code == 404 for n in range(600))
    refused = browser.get("/calendar/unknown-600.ics")
    assert refused.status_code == 429
    assert "Too many calendars have been read from your network." in soup(refused).text


def test_update_links_that_do_not_work_are_limited_per_network_and_each_link_per_hour(
    app, client, db_session, now
) -> None:
    owner = UserFactory()
    action = ActionFactory(owner=owner)
    db_session.commit()
    token = links.issue_links([(action.id, owner.id)], date(2026, 11, 24), now)[(action.id, owner.id)]
    db_session.commit()
    prober = _browser(app, "203.0.113.30")
    assert all(prober.get(f"/update/not-a-link-{n}").status_code == 404 for n in range(20))
    refused = prober.get("/update/not-a-link-20")
    assert refused.status_code == 429
    assert "Too many links that do not work have been opened from your network." in soup(refused).text
    assert prober.get(f"/update/{token}").status_code == 429  # the network waits, whatever the link

    reader = _browser(app, "192.0.2.30")
    assert all(reader.get(f"/update/{token}").status_code == 200 for _ in range(30))
    refused = reader.get(f"/update/{token}")
    assert refused.status_code == 429
    assert "This link has been opened too many times." in soup(refused).text


def test_password_links_that_do_not_work_are_limited_per_network(app, client, db_session) -> None:
    prober = _browser(app, "203.0.113.31")
    assert all(prober.get(f"/reset-password/guess-{n}").status_code == 404 for n in range(20))
    assert prober.get("/reset-password/guess-20").status_code == 429
    assert prober.get("/set-password/guess-21").status_code == 429
    assert _browser(app, "192.0.2.31").get("/set-password/guess-22").status_code == 404
