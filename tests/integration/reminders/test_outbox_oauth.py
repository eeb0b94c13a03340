"""The outbox sender with OAuth 2.0 (XOAUTH2), as for Exchange Online: a real token endpoint on 127.0.0.1 issuing
signed JWTs (tests/token_server.py) and an aiosmtpd server that, after STARTTLS, accepts AUTH XOAUTH2 only, and
only with an unexpired token that endpoint signed for the one mailbox the tracker may send from."""

from __future__ import annotations

import base64
import collections
import logging
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult
from sqlalchemy import select

from tests.integration.reminders.conftest import DIGEST_MOMENT, Mailbox, SmtpServer, set_now
from tests.integration.reminders.test_outbox_sender import queue, rows
from tests.token_server import InvalidToken, TokenServer
from tracker.models import EmailState, OutboxEmail
from tracker.outbox.sender import send_due_emails

MAILBOX = "inspection-tracker@council.example.gov.uk"
CLIENT_SECRET = "Qx8~not-a-real-secret.Zp3vLm0_kT"
# What Exchange Online answers to a token it does not accept.
REFUSED = "535 5.7.3 Authentication unsuccessful"


@dataclass
class AuthAttempt:
    user: str
    token: str
    outcome: str  # "accepted", or why not


class ExchangeLikeMailbox(Mailbox):
    """Offers AUTH XOAUTH2 alone and accepts a token `tokens` signed and that has not expired, for `mailbox`."""

    def __init__(self, tokens: TokenServer, mailbox: str) -> None:
        super().__init__()
        self.tokens = tokens
        self.mailbox = mailbox
        self.attempts: list[AuthAttempt] = []

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802 - aiosmtpd's hook name
        if len(args) != 2:
            return AuthResult(success=False, handled=False, message="501 5.5.2 Initial response required")
        fields = dict(part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01") if "=" in part)
        user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
        try:
            self.tokens.verify(token)
            outcome = "accepted" if user == self.mailbox else "not this mailbox"
        except InvalidToken as problem:
            outcome = str(problem)
        self.attempts.append(AuthAttempt(user, token, outcome))
        if outcome != "accepted":
            return AuthResult(success=False, handled=False, message=REFUSED)
        return AuthResult(success=True, auth_data=user)


class LongLineSMTP(SMTP):
    """RFC 4954 allows an AUTH line of 12,288 octets: a token does not fit SMTP's usual 512 (nor aiosmtpd's)."""

    line_length_limit = 12288 + 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An instance's own limits (the class's dict is shared by every aiosmtpd server in the process).
        self.command_size_limits = collections.defaultdict(lambda: SMTP.command_size_limit, AUTH=12288)


class ExchangeLikeController(Controller):
    def factory(self) -> SMTP:
        return LongLineSMTP(self.handler, **self.SMTP_kwargs)


class ExchangeLikeServer(SmtpServer):
    def start(self) -> None:
        self._controller = ExchangeLikeController(self.mailbox, hostname="127.0.0.1", port=self.port, **self._options)
        self._controller.start()


def _server_context(key: Path, cert: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    # A client id of its own for each test: tokens are cached per process, by endpoint, client and scope.
    server = TokenServer(client_id=str(uuid.uuid4()), client_secret=CLIENT_SECRET)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def exchange(token_server, certificate, monkeypatch) -> Iterator[SmtpServer]:  # noqa: ANN001
    """Like smtp.office365.com:587: STARTTLS, then AUTH XOAUTH2 (no LOGIN or PLAIN), required before mail."""
    key, cert = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = ExchangeLikeServer(
        tls_context=_server_context(key, cert),
        require_starttls=True,
        auth_required=True,
        auth_exclude_mechanism=["LOGIN", "PLAIN"],
    )
    server.mailbox = ExchangeLikeMailbox(token_server, MAILBOX)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def oauth_mail(app, mail_to, exchange, token_server):  # noqa: ANN001, ANN201
    def configure(**settings: Any) -> None:
        values = {
            "MAIL_USE_TLS": True,
            "MAIL_USERNAME": MAILBOX,
            "MAIL_DEFAULT_SENDER": MAILBOX,
            "MAIL_OAUTH2_TOKEN_URL": token_server.url,
            "MAIL_OAUTH2_CLIENT_ID": token_server.client_id,
            "MAIL_OAUTH2_CLIENT_SECRET": CLIENT_SECRET,
            "MAIL_OAUTH2_SCOPE": "https://outlook.office365.com/.default",
        }
        mail_to(exchange, **(values | settings))

    return configure


def test_mail_goes_with_a_token_from_the_client_credentials_flow(db_session, digest_time, oauth_mail, exchange,
                                                                 token_server) -> None:  # fmt: skip
    oauth_mail()
    queue(db_session, 3)
    report = send_due_emails()
    assert report.sent == 3, report.summary()
    assert [a.outcome for a in exchange.mailbox.attempts] == ["accepted"]
    assert exchange.mailbox.attempts[0].user == MAILBOX
    assert len(token_server.issued) == 1
    assert all(str(m.message["From"]) == MAILBOX for m in exchange.mailbox.messages)
    assert all(row.state == EmailState.SENT for row in rows(db_session))


def test_the_token_is_kept_until_five_minutes_before_it_expires(app, db_session, digest_time, oauth_mail, exchange,
                                                                token_server) -> None:  # fmt: skip
    oauth_mail()
    for minutes, batch in ((0, "a"), (30, "b"), (54, "c")):
        set_now(app, DIGEST_MOMENT + timedelta(minutes=minutes))
        queue(db_session, 1, prefix=batch)
        assert send_due_emails().sent == 1
    assert len(token_server.issued) == 1  # one token for three runs within its hour
    assert {a.token for a in exchange.mailbox.attempts} == {token_server.issued[0]}

    set_now(app, DIGEST_MOMENT + timedelta(minutes=56))  # inside the last five minutes of its 60
    queue(db_session, 1, prefix="d")
    assert send_due_emails().sent == 1
    assert len(token_server.issued) == 2
    assert exchange.mailbox.attempts[-1].token == token_server.issued[1]


def test_a_token_the_server_finds_expired_is_replaced_and_tried_once_more(app, db_session, digest_time, oauth_mail,
                                                                          exchange, token_server) -> None:  # fmt: skip
    oauth_mail()
    queue(db_session, 1, prefix="a")
    assert send_due_emails().sent == 1
    # Two hours pass for the identity provider and the mail server, but not on the tracker's clock (skew, or a
    # sleeping laptop): the tracker still thinks its cached token is good.
    token_server.clock.advance(2 * 60 * 60)
    set_now(app, DIGEST_MOMENT + timedelta(minutes=1))
    queue(db_session, 1, prefix="b")

    report = send_due_emails()

    assert report.sent == 1, report.summary()
    assert [a.outcome for a in exchange.mailbox.attempts] == ["accepted", "expired", "accepted"]
    assert exchange.mailbox.attempts[1].token == token_server.issued[0]
    assert exchange.mailbox.attempts[2].token == token_server.issued[1]
    assert len(token_server.issued) == 2


def test_a_refusal_after_the_one_retry_leaves_the_mail_queued_and_the_command_fails(
    app, db_session, digest_time, oauth_mail, exchange, token_server
) -> None:
    # The app registration has no right to this mailbox (no Add-MailboxPermission): every token is refused.
    oauth_mail(
        MAIL_USERNAME="someone.else@council.example.gov.uk", MAIL_DEFAULT_SENDER="someone.else@council.example.gov.uk"
    )
    queue(db_session, 2)

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 1, result.output
    assert "Could not reach the mail server (535 5.7.3 Authentication unsuccessful): 2 left queued." in result.output
    assert [a.outcome for a in exchange.mailbox.attempts] == ["not this mailbox", "not this mailbox"]
    assert len(token_server.issued) == 2  # the cached one, then one fresh one: no more
    assert all(r.state == EmailState.QUEUED and r.attempts == 0 for r in rows(db_session))
    assert exchange.mailbox.messages == []


def test_a_wrong_client_secret_says_what_the_token_endpoint_said_and_leaves_the_mail_queued(
    app, db_session, digest_time, oauth_mail, exchange, token_server, caplog
) -> None:
    oauth_mail(MAIL_OAUTH2_CLIENT_SECRET="an-old-secret-that-expired")
    queue(db_session, 1)
    with caplog.at_level(logging.INFO):
        report = send_due_emails()
    assert report.sent == 0 and report.waiting == 1
    assert report.error == (
        "No access token: the token endpoint refused the request: invalid_client "
        "(AADSTS7000215: Invalid client secret provided.)"
    )
    assert token_server.refused == ["invalid_client"] and exchange.mailbox.attempts == []
    [row] = rows(db_session)
    assert row.state == EmailState.QUEUED and "invalid_client" in row.last_error
    assert "an-old-secret-that-expired" not in caplog.text + row.last_error


def test_an_unreachable_token_endpoint_leaves_the_mail_queued(app, db_session, digest_time, oauth_mail,
                                                              token_server) -> None:  # fmt: skip
    token_server.stop()
    oauth_mail()
    queue(db_session, 1)
    report = send_due_emails()
    assert report.waiting == 1
    assert report.error.startswith(f"No access token: could not reach the token endpoint {token_server.url}")


def test_neither_the_secret_nor_a_token_is_logged_or_stored(app, db_session, digest_time, oauth_mail, exchange,
                                                            token_server, caplog) -> None:  # fmt: skip
    oauth_mail()
    queue(db_session, 1, prefix="a")
    with caplog.at_level(logging.DEBUG):
        send_due_emails()
        token_server.clock.advance(2 * 60 * 60)  # the refresh path logs too
        queue(db_session, 1, prefix="b")
        send_due_emails()
    assert len(token_server.issued) == 2
    stored = " ".join(f"{e.last_error} {e.text_body}" for e in db_session.scalars(select(OutboxEmail)))
    for secret in (CLIENT_SECRET, *token_server.issued):
        assert secret not in caplog.text and secret not in stored
    assert "refused the access token" in caplog.text
