"""The security log an auditor reads: JSON lines (LOG_FORMAT=json) or text, each request with who, from where and
its request id, and named security events — never a password, a token or a link's secret."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.factories import PASSWORD, UserFactory
from tracker.logs import TEXT_FORMAT, OneLineFormatter, RequestIdFilter, json_formatter
from tracker.models import OutboxEmail, Role, User
from tracker.security_log import EVENTS, event

ROOT = Path(__file__).resolve().parents[2]
WRONG = "not the right password at all"


class LogCapture:
    """What the `tracker` loggers write, formatted as the service writes it: JSON lines and text lines at once."""

    def __init__(self) -> None:
        self.json_stream, self.text_stream = io.StringIO(), io.StringIO()

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.json_stream.getvalue().splitlines()]

    def events(self, name: str) -> list[dict]:
        return [line for line in self.json_lines() if line.get("event") == name]

    def access(self) -> list[dict]:
        return [line for line in self.json_lines() if line["logger"] == "tracker.access"]

    @property
    def everything(self) -> str:
        return self.json_stream.getvalue() + self.text_stream.getvalue()


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    capture = LogCapture()
    logger = logging.getLogger("tracker")
    handlers = []
    for stream, formatter in (
        (capture.json_stream, json_formatter()),
        (capture.text_stream, OneLineFormatter(TEXT_FORMAT)),
    ):
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        handler.addFilter(RequestIdFilter())
        handlers.append(handler)
        logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield capture
    logger.setLevel(level)
    for handler in handlers:
        logger.removeHandler(handler)


def _link_in_latest_email(db_session, recipient: str) -> str:  # noqa: ANN001
    email = db_session.scalars(
        select(OutboxEmail).where(OutboxEmail.recipient == recipient).order_by(OutboxEmail.id.desc())
    ).first()
    return "/" + re.search(r"http://\S+?/((?:set|reset)-password/\S+)", email.text_body).group(1)


def test_a_sign_in_and_a_refused_sign_in_as_json_lines(client, db_session, logs) -> None:
    user = UserFactory(email="ruth.allen@leicester.gov.uk", role=Role.SERVICE_MANAGER)
    db_session.commit()

    client.submit("/sign-in", {"email": "Ruth.Allen@leicester.gov.uk", "password": WRONG},
                  headers={"X-Request-ID": "req-failed-0001"})  # fmt: skip
    client.submit("/sign-in", {"email": user.email, "password": PASSWORD}, headers={"X-Request-ID": "req-signin-0001"})
    client.get("/", headers={"X-Request-ID": "req-home-00001"})

    [failed] = logs.events("sign_in_failed")
    assert failed["level"] == "INFO" and failed["logger"] == "tracker.security" and failed["message"] == failed["event"]
    assert failed["request_id"] == "req-failed-0001"
    assert {k: failed[k] for k in ("email", "reason", "user_id", "via", "client")} == {
        "email": "ruth.allen@leicester.gov.uk", "reason": "wrong_password", "user_id": user.id, "via": "web",
        "client": "127.0.0.1",
    }  # fmt: skip
    [signed_in] = logs.events("sign_in_succeeded")
    assert {k: signed_in[k] for k in ("user_id", "email", "method", "client", "request_id", "actor_id")} == {
        "user_id": user.id, "email": user.email, "method": "password", "client": "127.0.0.1",
        "request_id": "req-signin-0001", "actor_id": user.id,
    }  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", signed_in["time"])
    home = next(line for line in logs.access() if line["request_id"] == "req-home-00001")
    assert {k: home[k] for k in ("user_id", "client", "method", "path", "status")} == {
        "user_id": user.id, "client": "127.0.0.1", "method": "GET", "path": "/", "status": 200,
    }  # fmt: skip
    assert isinstance(home["duration_ms"], float)
    failed_post = next(line for line in logs.access() if line["request_id"] == "req-failed-0001")
    assert failed_post["user_id"] is None and failed_post["status"] == 400
    print("\n".join(json.dumps(line) for line in [failed, signed_in, failed_post]))  # the samples in the README


def test_each_way_a_sign_in_is_refused_has_its_reason(app, client, db_session, logs, now) -> None:
    UserFactory(email="gone@example.gov.uk", active=False)
    UserFactory(email="invited@example.gov.uk", password_hash=None)
    throttled = UserFactory(email="sam@example.gov.uk")
    db_session.commit()
    for email in ("nobody@example.gov.uk", "gone@example.gov.uk", "invited@example.gov.uk"):
        client.submit("/sign-in", {"email": email, "password": PASSWORD})
    for _ in range(6):
        client.submit("/sign-in", {"email": throttled.email, "password": WRONG})

    reasons = [(e["event"], e["email"], e.get("reason")) for e in logs.json_lines() if "event" in e]
    assert reasons[:3] == [
        ("sign_in_failed", "nobody@example.gov.uk", "unknown_email"),
        ("sign_in_refused", "gone@example.gov.uk", "deactivated"),
        ("sign_in_failed", "invited@example.gov.uk", "no_password_yet"),
    ]
    assert [r[0] for r in reasons[3:]] == ["sign_in_failed"] * 5 + ["sign_in_throttled"]
    [held] = logs.events("sign_in_throttled")
    assert (held["email"], held["rule"], held["retry_after_seconds"]) == ("sam@example.gov.uk", "sign-in-account", 60)
    assert "user_id" not in logs.events("sign_in_failed")[0]  # no account has that address


def test_behind_a_trusted_proxy_the_log_names_the_client_not_the_proxy(app, db_session, logs) -> None:
    import config
    from tests.conftest import FormClient
    from tracker import create_app

    class BehindProxy(config.TestingConfig):
        TRUSTED_PROXIES = 1

    user = UserFactory()
    db_session.commit()
    proxied = create_app(BehindProxy)
    proxied.test_client_class = FormClient
    browser = proxied.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    token = browser.csrf_token("/sign-in")
    browser.post("/sign-in", data={"csrf_token": token, "email": user.email, "password": PASSWORD}, headers=forwarded)
    browser.get("/", headers=forwarded)
    assert logs.events("sign_in_succeeded")[0]["client"] == "203.0.113.7"
    assert [line["client"] for line in logs.access()][-2:] == ["203.0.113.7", "203.0.113.7"]


def test_invitations_resets_and_sign_outs_are_logged_and_no_secret_ever_is(client, db_session, logs) -> None:
    admin = UserFactory(role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    client.submit("/admin/people/invite", {"name": "Helen Ward", "email": "helen.ward@nhs.example",
                                           "role": "service_manager", "line_manager_id": "0"})  # fmt: skip
    client.submit("/sign-out", page_url="/")
    invitation = _link_in_latest_email(db_session, "helen.ward@nhs.example")
    first, second = "kettle orbit lantern", "harbour violet thimble"
    assert client.submit(invitation, {"password": first, "confirm": first}).status_code == 302
    client.submit("/account/sign-out-everywhere", page_url="/account")
    client.submit("/sign-in", {"email": "helen.ward@nhs.example", "password": WRONG})
    client.submit("/forgot-password", {"email": "helen.ward@nhs.example"})
    client.submit("/forgot-password", {"email": "no.account@nhs.example"})
    reset = _link_in_latest_email(db_session, "helen.ward@nhs.example")
    assert client.submit(reset, {"password": second, "confirm": second}).status_code == 302
    client.submit("/sign-out", page_url="/")
    client.get(reset)  # a spent link, opened again

    helen = db_session.scalars(select(User).where(User.email == "helen.ward@nhs.example")).one()
    names = [line["event"] for line in logs.json_lines() if "event" in line]
    assert names == [
        "sign_in_succeeded", "invitation_sent", "signed_out", "invitation_used", "signed_out", "sign_in_failed",
        "password_reset_requested", "password_reset_requested", "password_reset_used", "signed_out",
    ]  # fmt: skip
    [invited] = logs.events("invitation_sent")
    assert (invited["actor_id"], invited["user_id"], invited["role"]) == (admin.id, helen.id, "service_manager")
    assert [(e["outcome"], e.get("user_id")) for e in logs.events("password_reset_requested")] == [
        ("sent", helen.id), ("no_account", None)
    ]  # fmt: skip
    assert logs.events("invitation_used")[0]["user_id"] == helen.id
    everywhere = logs.events("signed_out")[1]
    assert (everywhere["user_id"], everywhere["everywhere"], everywhere["sessions_ended"]) == (helen.id, True, 1)

    secrets = [first, second, WRONG, PASSWORD, invitation.rsplit("/", 1)[1], reset.rsplit("/", 1)[1]]
    for secret in secrets:
        assert secret not in logs.everything, secret
    paths = {line["path"] for line in logs.access()}
    assert "/set-password/[redacted]" in paths and "/reset-password/[redacted]" in paths


def test_role_and_active_changes_by_an_administrator(client, db_session, logs) -> None:
    admin = UserFactory(role=Role.ADMIN)
    person = UserFactory(role=Role.VIEWER, name="Ravi Patel")
    db_session.commit()
    sign_in(client, admin)
    form = {"name": "Ravi Patel", "role": "service_manager", "line_manager_id": "0", "digest_preference": "daily"}
    assert client.submit(f"/admin/people/{person.id}", {**form, "active": "y"}).status_code == 302
    assert client.submit(f"/admin/people/{person.id}", form).status_code == 302  # active unticked

    [role] = logs.events("role_changed")
    assert (role["user_id"], role["old_role"], role["new_role"], role["actor_id"]) == (
        person.id, "viewer", "service_manager", admin.id
    )  # fmt: skip
    [active] = logs.events("active_changed")
    assert (active["user_id"], active["active"], active["open_actions"], active["actor_id"]) == (
        person.id, False, 0, admin.id
    )  # fmt: skip


def test_an_event_refuses_a_field_that_could_hold_a_secret(app) -> None:
    for field in ("password", "reset_token", "client_secret", "link", "session_cookie"):
        with pytest.raises(ValueError, match="may not be logged"):
            event("sign_in_failed", **{field: "x"})
    with pytest.raises(ValueError, match="not a security event"):
        event("sign_in_maybe")


def test_the_readme_lists_every_event() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### The security log", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert listed == [name for name, _fields in EVENTS]
