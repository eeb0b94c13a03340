"""A real SMTP server (aiosmtpd on 127.0.0.1), plans to remind people about, and subprocess helpers."""

from __future__ import annotations

import asyncio
import email
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from tests.factories import ActionFactory, InspectionFactory, RecommendationFactory, UserFactory
from tests.postgres_cluster import free_port
from tracker import clock
from tracker.models import Action, Inspection, PlanStatus, Role, User
from tracker.outbox.queueing import PreparedEmail, queue_prepared_emails

ROOT = Path(__file__).resolve().parents[3]
# Tuesday 24 November 2026 at 07:30 in London (GMT) is 07:30 UTC.
DIGEST_MOMENT = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
TODAY = date(2026, 11, 24)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    session: int

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        """The HTML part with the characters the sender writes as character references beyond ASCII (so that the
        part can go as 7bit data: tracker.outbox.messages.encode_text) as a reader shows them."""
        html = self.message.get_body(("html",)).get_content()
        return re.sub(r"&#(\d+);", lambda ref: chr(int(ref[1])) if int(ref[1]) > 127 else ref[0], html)


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts; it can refuse recipients or hold a message."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.refusals: dict[str, str] = {}
        self.drops: set[str] = set()  # recipients whose message makes the server hang up mid-DATA
        self.data_refusals: dict[str, str] = {}  # recipients whose message is refused after its data, with the reply
        self.hold = threading.Event()  # when set, DATA is stored and then not answered until `release`
        self.hold_at = 0  # when set, the message with this number (from 1) is held as if `hold` were set
        self.release = threading.Event()
        self.held = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list) -> str:
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str | None:
        if self.drops & set(envelope.rcpt_tos):
            server.transport.close()
            return None
        for address in envelope.rcpt_tos:
            if address in self.data_refusals:
                return self.data_refusals[address]
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, id(session)))
        if self.hold.is_set() or len(self.messages) == self.hold_at:
            self.held.set()
            deadline = time.monotonic() + 30
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


class SmtpServer:
    def __init__(self, **smtp_options: Any) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self._options = smtp_options
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **self._options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.mailbox.release.set()
    server.stop()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed key and certificate for 127.0.0.1 (trust it with SSL_CERT_FILE)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


@pytest.fixture
def mail_to(app: Flask, app_context: None) -> Callable[[SmtpServer], None]:
    """Point the app's mail settings at a test server (the app_context fixture restores them)."""

    def configure(server: SmtpServer, **settings: Any) -> None:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, **settings)

    return configure


@pytest.fixture
def digest_time(app: Flask, app_context: None) -> datetime:
    app.config["TRACKER_NOW"] = DIGEST_MOMENT
    return DIGEST_MOMENT


def set_now(app: Flask, moment: datetime) -> None:
    app.config["TRACKER_NOW"] = moment


def live_inspection(**values: Any) -> Inspection:
    values.setdefault("plan_status", PlanStatus.PUBLISHED)
    return InspectionFactory(**values)


def person(**values: Any) -> User:
    return UserFactory(**values)


def manager(inspection: Inspection, **values: Any) -> User:
    values.setdefault("role", Role.PROGRAMME_MANAGER)
    user = UserFactory(**values)
    inspection.managers.append(user)
    return user


def action(owner: User | None, due_on: date | None, inspection: Inspection | None = None, **values: Any) -> Action:
    """An open action in a live plan, updated recently unless `last_progress_at` says otherwise."""
    inspection = inspection or live_inspection()
    values.setdefault("last_progress_at", datetime(2026, 11, 20, 9, tzinfo=UTC))
    values.setdefault("created_at", datetime(2026, 6, 1, 9, tzinfo=UTC))
    return ActionFactory(
        owner=owner, due_on=due_on, recommendation=RecommendationFactory(inspection=inspection), **values
    )


def queue_rendered_email(*, recipient: str, subject: str, text_body: str, html_body: str, dedupe_key: str) -> bool:
    """Queue an email with the bodies given (no templates), due now; False when its key was already queued."""
    email = PreparedEmail(recipient, subject, text_body, html_body, dedupe_key)
    return queue_prepared_emails([email], clock.now()) == 1


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def subprocess_env(app: Flask, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment for a real `flask …` process against the test database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAIL_", "SCHEDULER_"))}
    env.update(
        TRACKER_ENV="testing",
        TEST_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TRACKER_INSTANCE_PATH=str(tmp_path / "instance"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
