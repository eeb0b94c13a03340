"""Signing in and out, invitations, password resets and CSRF (throttles and sessions have files of their own)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in, soup
from tests.factories import PASSWORD, PASSWORD_HASH, UserFactory
from tracker.extensions import db
from tracker.models import OutboxEmail, Role, User, UserSession, UserToken


def _link_in_latest_email(recipient: str) -> str:
    email = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.recipient == recipient).order_by(OutboxEmail.id.desc())
    ).first()
    assert email is not None, f"no email queued for {recipient}"
    match = re.search(r"http://\S+/(set-password|reset-password)/(\S+)", email.text_body)
    assert match, email.text_body
    assert match.group(0) in email.html_body
    return "/" + match.group(1) + "/" + match.group(2)


def test_signing_in_lands_on_the_home_page_and_signing_out_ends_the_session(client, db_session) -> None:
    user = UserFactory(name="Jo Clarke")
    db_session.commit()
    response = sign_in(client, user)
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert soup(home).select_one("h1").text.strip() == "Jo Clarke"
    response = client.submit("/sign-out", page_url="/")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_wrong_password_shows_an_error_and_keeps_the_email(client, db_session) -> None:
    UserFactory(email="sam@example.gov.uk")
    db_session.commit()
    response = client.submit("/sign-in", {"email": "sam@example.gov.uk", "password": "wrong password here"})
    assert response.status_code == 400
    page = soup(response)
    assert "Enter a correct email address and password" in page.select_one(".govuk-error-summary").text
    assert page.select_one("input[name=email]")["value"] == "sam@example.gov.uk"


def test_email_case_does_not_matter_when_signing_in(client, db_session) -> None:
    UserFactory(email="sam@example.gov.uk")
    db_session.commit()
    response = client.submit("/sign-in", {"email": "SAM@Example.gov.uk", "password": PASSWORD})
    assert response.status_code == 302


def test_a_deactivated_person_cannot_sign_in(client, db_session) -> None:
    user = UserFactory(active=False)
    db_session.commit()
    response = client.submit("/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_a_post_without_a_csrf_token_is_refused(client, db_session) -> None:
    user = UserFactory()
    db_session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form could not be sent" in soup(response).select_one("h1").text


def test_sign_in_never_follows_a_next_parameter(client, db_session) -> None:
    user = UserFactory()
    db_session.commit()
    response = client.submit(
        "/sign-in?next=https://evil.example/",
        {"email": user.email, "password": PASSWORD},
        page_url="/sign-in",
    )
    assert response.headers["Location"] == "/"


def test_an_invitation_is_emailed_and_its_link_sets_a_password_once(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    response = client.submit(
        "/admin/people/invite",
        {
            "name": "Dr Helen Ward",
            "email": "Helen.Ward@nhs.example",
            "job_title": "Associate Director",
            "organisation": "NHS Leicester City",
            "role": "service_manager",
            "line_manager_id": "0",
        },
    )
    assert response.status_code == 302
    invited = db_session.scalars(select(User).where(User.email == "helen.ward@nhs.example")).one()
    assert invited.password_hash is None
    link = _link_in_latest_email("helen.ward@nhs.example")
    client.submit("/sign-out", page_url="/")

    weak = client.submit(link, {"password": "short", "confirm": "short"})
    assert weak.status_code == 400
    assert "Password must be 12 characters or more" in soup(weak).select_one(".govuk-error-summary").text
    common = client.submit(link, {"password": "password1234", "confirm": "password1234"})
    assert "too easy to guess" in soup(common).text

    good = "kettle orbit lantern"
    assert client.submit(link, {"password": good, "confirm": good}).status_code == 302
    assert client.get("/").status_code == 200
    client.submit("/sign-out", page_url="/")
    again = client.get(link)
    assert again.status_code == 404
    assert "This link has expired" in soup(again).text
    assert client.submit("/sign-in", {"email": "helen.ward@nhs.example", "password": good}).status_code == 302


def test_inviting_an_existing_email_is_a_form_error(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    UserFactory(email="taken@example.gov.uk")
    db_session.commit()
    sign_in(client, admin)
    response = client.submit(
        "/admin/people/invite",
        {"name": "Someone", "email": "TAKEN@example.gov.uk", "role": "viewer", "line_manager_id": "0"},
    )
    assert response.status_code == 400
    assert "already has an account" in soup(response).select_one(".govuk-error-summary").text
    assert soup(response).select_one("input[name=name]")["value"] == "Someone"


def test_password_reset_by_email_and_the_link_expires(app, client, db_session, now) -> None:
    user = UserFactory(email="reset.me@example.gov.uk")
    db_session.commit()
    response = client.submit("/forgot-password", {"email": "reset.me@example.gov.uk"})
    assert "Check your email" in soup(response).select_one("h1").text
    link = _link_in_latest_email("reset.me@example.gov.uk")

    app.config["TRACKER_NOW"] = now + timedelta(hours=3)
    assert client.get(link).status_code == 404

    app.config["TRACKER_NOW"] = now
    client.submit("/forgot-password", {"email": "reset.me@example.gov.uk"})
    fresh = _link_in_latest_email("reset.me@example.gov.uk")
    new_password = "violet harbour tramline"
    assert client.submit(fresh, {"password": new_password, "confirm": new_password}).status_code == 302
    client.submit("/sign-out", page_url="/")
    assert client.submit("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 400
    assert client.submit("/sign-in", {"email": user.email, "password": new_password}).status_code == 302


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db_session) -> None:
    response = client.submit("/forgot-password", {"email": "nobody@example.gov.uk"})
    assert "Check your email" in soup(response).select_one("h1").text
    assert db_session.scalar(select(OutboxEmail.id)) is None


def test_session_cookie_is_http_only(client, db_session) -> None:
    user = UserFactory()
    db_session.commit()
    response = sign_in(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_demo_address_at_a_test_domain_can_ask_for_a_reset_link(client, db_session) -> None:
    UserFactory(email="admin@demo.test")
    db_session.commit()
    response = client.submit("/forgot-password", {"email": "  admin@demo.test  "})
    assert "Check your email" in soup(response).select_one("h1").text
    assert _link_in_latest_email("admin@demo.test").startswith("/reset-password/")


def test_someone_can_be_invited_at_a_test_address_and_spaces_are_trimmed(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    response = client.submit(
        "/admin/people/invite",
        {"name": "New Person", "email": "  new.person@demo.test ", "role": "viewer", "line_manager_id": "0"},
    )
    assert response.status_code == 302
    assert db_session.scalars(select(User).where(User.email == "new.person@demo.test")).one()


def test_a_malformed_email_address_is_still_refused(client, db_session) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    for email in ("not-an-email", "a@b", "<b>x</b>@example.com"):
        response = client.submit(
            "/admin/people/invite", {"name": "Someone", "email": email, "role": "viewer", "line_manager_id": "0"}
        )
        assert response.status_code == 400, email
        assert "correct format" in soup(response).select_one(".govuk-error-summary").text
    response = client.submit("/forgot-password", {"email": "a@b"})
    assert response.status_code == 400


def test_a_password_reset_ends_the_persons_other_sessions(app, client, db_session) -> None:
    user = UserFactory(email="reset.me@example.gov.uk")
    db_session.commit()
    sign_in(client, user)
    other_browser = app.test_client()
    other_browser.submit("/forgot-password", {"email": user.email})
    link = _link_in_latest_email(user.email)
    new_password = "violet harbour tramline"
    assert other_browser.submit(link, {"password": new_password, "confirm": new_password}).status_code == 302
    assert other_browser.get("/").status_code == 200
    assert client.get("/inspections").headers["Location"].startswith("/sign-in")


def test_setting_a_password_from_an_invitation_link_ends_other_sessions(app, client, db_session) -> None:
    from tracker.auth.services import send_invitation

    admin = UserFactory(role=Role.ADMIN)
    user = UserFactory(email="invited.again@example.gov.uk")
    db_session.commit()
    sign_in(client, user)
    with app.test_request_context():
        send_invitation(user, invited_by=admin)
    db_session.commit()
    link = _link_in_latest_email(user.email)
    password = "kettle orbit lantern"
    assert app.test_client().submit(link, {"password": password, "confirm": password}).status_code == 302
    assert client.get("/inspections").headers["Location"].startswith("/sign-in")


def _submit_together(browsers, link: str, data: dict[str, str]) -> list[int]:  # noqa: ANN001
    """The form at `link`, opened in each browser, then sent from all of them at the same moment."""
    tokens = [browser.csrf_token(link) for browser in browsers]
    start = threading.Barrier(len(browsers))

    def send(i: int) -> int:
        start.wait()
        return browsers[i].post(link, data={"csrf_token": tokens[i], **data}).status_code

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        return list(pool.map(send, range(len(browsers))))


@pytest.mark.parametrize("purpose", ["reset", "invitation"])
def test_one_link_sent_from_five_sessions_at_once_signs_in_once(app, client, db_session, purpose: str) -> None:
    from tracker.auth.services import send_invitation

    admin = UserFactory(role=Role.ADMIN)
    user = UserFactory(email="once@example.gov.uk", password_hash=None if purpose == "invitation" else PASSWORD_HASH)
    db_session.commit()
    if purpose == "reset":
        client.submit("/forgot-password", {"email": user.email})
    else:
        with app.test_request_context():
            send_invitation(user, invited_by=admin)
        db_session.commit()
    link = _link_in_latest_email(user.email)
    browsers = [app.test_client() for _ in range(5)]
    password = "kettle orbit lantern"

    statuses = _submit_together(browsers, link, {"password": password, "confirm": password})

    assert sorted(statuses) == [302, 404, 404, 404, 404]
    assert db_session.scalar(select(func.count()).select_from(UserSession)) == 1
    token = db_session.scalars(select(UserToken).where(UserToken.user_id == user.id)).one()
    assert token.used_at is not None
    signed_in = [browser for browser, status in zip(browsers, statuses, strict=True) if status == 302]
    assert signed_in[0].get("/").status_code == 200
