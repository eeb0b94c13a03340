"""Sessions end on the server (issue 11, attack 5): a copy of a session cookie, replayed from another browser,
stops working at sign-out, sign-out everywhere (by the person or an administrator), a new password,
deactivation and after eight idle hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in, soup
from tests.factories import PASSWORD, ActionFactory, UserFactory
from tracker.models import Action, AuditEvent, OutboxEmail, ProgressUpdate, Role, User, UserSession

EVENTS = (
    "sign-out",
    "sign-out-everywhere",
    "admin-signs-out-everywhere",
    "password-reset",
    "deactivation",
    "idle-8-hours",
)


@dataclass
class World:
    admin: User
    owner: User
    action: Action


@pytest.fixture
def world(db_session, now) -> World:  # noqa: ANN001
    owner = UserFactory(name="Sam Patel")
    world = World(UserFactory(role=Role.ADMIN), owner, ActionFactory(owner=owner))
    db_session.commit()
    return world


def _copy_session(app, client):  # noqa: ANN001, ANN202
    """Another browser (another user agent) holding a copy of `client`'s session cookie."""
    copy = app.test_client()
    copy.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (an attacker's browser)"
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def _progress_form(client, action_id: int) -> dict[str, str]:  # noqa: ANN001
    page = soup(client.get(f"/actions/{action_id}/progress"))
    fields = {name: page.select_one(f"input[name={name}]")["value"] for name in ("csrf_token", "version", "seen")}
    return {**fields, "status": "in_progress", "rag": "green", "narrative": "Stored from a copied cookie"}


def _update_count(db_session) -> int:  # noqa: ANN001
    return db_session.scalar(select(func.count()).select_from(ProgressUpdate))


def _reset_link(db_session, email: str) -> str:  # noqa: ANN001
    body = db_session.scalars(select(OutboxEmail.text_body).where(OutboxEmail.recipient == email)).one()
    return "/" + body.split("http://127.0.0.1:5000/", 1)[1].split()[0]


def _end_session(event: str, app, client, db_session, world: World, now) -> None:  # noqa: ANN001, PLR0913
    owner = world.owner
    if event == "sign-out":
        assert client.submit("/sign-out", page_url="/").status_code == 302
    elif event == "sign-out-everywhere":
        response = client.submit("/account/sign-out-everywhere", page_url="/account")
        assert response.headers["Location"] == "/sign-in"
    elif event == "admin-signs-out-everywhere":
        admin = app.test_client()
        sign_in(admin, world.admin)
        url = f"/admin/people/{owner.id}"
        assert "signed in on 1 browser" in soup(admin.get(url)).select_one("#live-sessions").text
        response = admin.submit(f"{url}/sign-out-everywhere", page_url=url)
        assert "Sam Patel has been signed out on 1 browser" in soup(admin.get(response.headers["Location"])).text
        event_row = db_session.scalars(select(AuditEvent).where(AuditEvent.field == "sessions")).one()
        assert (event_row.actor_id, event_row.new_value) == (world.admin.id, "signed out everywhere")
    elif event == "password-reset":
        elsewhere = app.test_client()
        elsewhere.submit("/forgot-password", {"email": owner.email})
        link = _reset_link(db_session, owner.email)
        new_password = "violet harbour tramline"
        assert elsewhere.submit(link, {"password": new_password, "confirm": new_password}).status_code == 302
    elif event == "deactivation":
        admin = app.test_client()
        sign_in(admin, world.admin)
        form = {"name": owner.name, "job_title": "", "organisation": "", "role": "service_manager"}
        form |= {"line_manager_id": "0", "digest_preference": "daily"}
        assert admin.submit(f"/admin/people/{owner.id}", form).status_code == 302
    else:
        app.config["TRACKER_NOW"] = now + timedelta(hours=8, minutes=1)


@pytest.mark.parametrize("event", EVENTS)
def test_a_copied_session_cookie_stops_working(event: str, app, client, db_session, world: World, now) -> None:  # noqa: ANN001
    sign_in(client, world.owner)
    copy = _copy_session(app, client)
    form = _progress_form(copy, world.action.id)  # the copy works until the session ends

    _end_session(event, app, client, db_session, world, now)

    replayed = copy.post(f"/actions/{world.action.id}/progress", data=form)
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith("/sign-in")
    assert _update_count(db_session) == 0
    assert copy.get("/").headers["Location"].startswith("/sign-in")
    if event != "password-reset":
        assert client.get("/").headers["Location"].startswith("/sign-in")


def test_a_session_in_use_outlives_eight_hours_and_only_idleness_ends_it(app, client, db_session, now) -> None:
    user = UserFactory()
    db_session.commit()
    sign_in(client, user)
    for hours in (7, 14, 21):
        app.config["TRACKER_NOW"] = now + timedelta(hours=hours)
        assert client.get("/").status_code == 200, hours
    app.config["TRACKER_NOW"] = now + timedelta(hours=29, minutes=1)
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_signing_out_on_one_browser_leaves_the_other_signed_in(app, client, db_session) -> None:
    user = UserFactory()
    db_session.commit()
    sign_in(client, user)
    laptop = app.test_client()
    sign_in(laptop, user)
    client.submit("/sign-out", page_url="/")
    assert laptop.get("/").status_code == 200
    assert db_session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_the_account_page_says_where_you_are_signed_in_and_signs_out_everywhere(app, client, db_session) -> None:
    user = UserFactory(name="Sam Patel", email="sam@example.gov.uk")
    db_session.commit()
    sign_in(client, user)
    phone = app.test_client()
    sign_in(phone, user)
    home = soup(client.get("/"))
    assert home.select_one("a.app-account-name[href='/account']").text.strip() == "Sam Patel"
    page = soup(client.get("/account"))
    assert "sam@example.gov.uk" in page.select_one(".govuk-summary-list").text
    assert "You are signed in on 2 browsers" in page.select_one("#live-sessions").text
    assert client.post("/account/sign-out-everywhere").status_code == 400  # no CSRF token: nothing happens
    assert phone.get("/").status_code == 200
    response = client.submit("/account/sign-out-everywhere", page_url="/account")
    assert "You have signed out on every device and browser" in soup(client.get(response.headers["Location"])).text
    assert phone.get("/").headers["Location"].startswith("/sign-in")
    assert db_session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert client.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302


def test_housekeeping_forgets_idle_sessions_and_counters_no_rule_remembers(app, client, db_session, now) -> None:
    from tracker import jobs
    from tracker.models import ThrottleCounter

    user = UserFactory()
    db_session.commit()
    sign_in(client, user)
    app.test_client().submit("/sign-in", {"email": "nobody@example.gov.uk", "password": "not the password"})
    assert jobs.housekeeping(now + timedelta(hours=1)) == {
        "links": 0, "sessions": 0, "throttle_counters": 0, "import_previews": 0
    }  # fmt: skip
    assert jobs.housekeeping(now + timedelta(days=1, minutes=1)) == {
        "links": 0, "sessions": 1, "throttle_counters": 2, "import_previews": 0
    }  # fmt: skip
    assert db_session.scalar(select(func.count()).select_from(ThrottleCounter)) == 0
