"""The outbox sender: hands due emails to the SMTP server, each at most once, over one connection.

Emails are claimed CLAIM_BATCH at a time, in one short transaction that also records the previous batch's
outcomes: one commit per ten emails rather than one each (a commit waits for the disk), and a sender that dies
leaves at most CLAIM_BATCH rows "sending" (the batch in flight, some of it perhaps delivered, and while a claim
is made the email before it, with one fewer claimed), which `fail_interrupted_sends` later marks failed for an
administrator rather than risk a duplicate.
A mail server that cannot be reached costs no attempts: the rows stay queued for the next run. One email that
cannot be built (an address that is not one, text that cannot go in a header) or that the server can never take
is marked failed with the reason, for an administrator on the Outbox page, and the sender goes on to the next.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import current_app

from tracker import clock
from tracker.extensions import db
from tracker.models import EmailState
from tracker.outbox import oauth
from tracker.outbox.messages import MessageWriter, UnbuildableEmail, WrittenMessage
from tracker.outbox.services import (
    ClaimedEmail,
    claim_due_emails,
    due_count,
    fail_interrupted_sends,
    mark_attempt_failed,
    mark_sent,
    note_connection_failure,
    release_claims,
)
from tracker.outbox.smtp import finish_sending, start_sending

logger = logging.getLogger(__name__)

# Emails claimed together: at most this many "may or may not have been delivered" if the sender is killed.
CLAIM_BATCH = 10


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    interrupted: int = 0
    # Due emails left in the queue because there is no mail server or it could not be reached.
    waiting: int = 0
    no_server: bool = False
    error: str = ""

    def summary(self) -> str:
        if self.no_server:
            return (
                f"No mail server is configured (MAIL_SERVER is empty): {self.waiting} queued "
                f"email{'s' if self.waiting != 1 else ''} stay in the outbox, readable on the admin Outbox page."
            )
        text = f"Sent {self.sent}, to retry later {self.retrying}, failed {self.failed}."
        if self.interrupted:
            text += f" Marked {self.interrupted} interrupted send{'s' if self.interrupted != 1 else ''} as failed."
        if self.error:
            text += f" Could not reach the mail server ({self.error}): {self.waiting} left queued."
        return text


def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def send_due_emails(*, limit: int | None = None, sender: str | None = None) -> SendReport:
    """Send what is due now; commits as it goes. The scheduler calls this every minute."""
    report = SendReport()
    report.interrupted = fail_interrupted_sends(clock.now())
    db.session.commit()
    config = current_app.config
    if not config["MAIL_SERVER"]:
        report.no_server = True
        report.waiting = due_count(clock.now())
        return report
    if due_count(clock.now()) == 0:
        return report
    try:
        connection = open_connection(config)
    except (OSError, smtplib.SMTPException, oauth.TokenError) as error:
        report.error = describe_error(error)
        note_connection_failure(clock.now(), report.error)
        db.session.commit()
        report.waiting = due_count(clock.now())
        logger.warning("Outbox: could not reach the mail server %s: %s", config["MAIL_SERVER"], report.error)
        return report
    try:
        writer = MessageWriter(config)
        _send_batch(connection, writer, report, limit or config["OUTBOX_BATCH_SIZE"], sender or sender_name())
    finally:
        _close(connection)
    logger.info("Outbox: %s", report.summary())
    return report


def _send_batch(connection: smtplib.SMTP, writer: MessageWriter, report: SendReport, limit: int, sender: str) -> None:
    remaining = limit
    sent: list[int] = []
    in_flight: ClaimedEmail | None = None  # the last email sent, its reply not read yet
    while remaining > 0:
        # The claims, and the previous batch recorded as sent, in one commit, made while the server takes in the
        # previous batch's last email (issue 17: the server waited for each claim). That one is still in doubt, so
        # one fewer is claimed: never more than CLAIM_BATCH in doubt.
        size = min(CLAIM_BATCH - (in_flight is not None), remaining)
        emails = claim_due_emails(clock.now(), sender, size, sent=sent)
        db.session.commit()
        sent = []
        if not emails:
            break
        remaining -= len(emails)
        delivered, in_flight = _send_claimed(connection, writer, emails, report, sent, in_flight)
        if not delivered:
            _connection_lost(report, sent)
            return
    if in_flight is not None and not _finish(connection, in_flight, report, sent):
        _connection_lost(report, sent)
        return
    mark_sent(sent, clock.now())
    db.session.commit()


def _connection_lost(report: SendReport, sent: list[int]) -> None:
    """What was delivered recorded, and how many are left waiting, once the connection is lost."""
    mark_sent(sent, clock.now())
    db.session.commit()
    report.waiting = due_count(clock.now())


def _send_claimed(
    connection: smtplib.SMTP,
    writer: MessageWriter,
    emails: list[ClaimedEmail],
    report: SendReport,
    sent: list[int],
    in_flight: ClaimedEmail | None,
) -> tuple[bool, ClaimedEmail | None]:
    """Send claimed emails in turn, recording failures (uncommitted) and adding the delivered to `sent`, the reply
    to `in_flight` (the email sent before them) read first. Returns whether the connection held (if not, the emails
    not attempted are put back in the queue) and the last email sent, its reply not read yet.

    Each email is written while the server takes in the one before it: that one's reply is read just after.
    """
    for index, email in enumerate(emails):
        message = _write(writer, email, report)
        if in_flight is not None and not _finish(connection, in_flight, report, sent):
            release_claims([e.id for e in emails[index:]])
            return False, None
        in_flight = None
        if message is None:
            continue
        started = _attempt(partial(start_sending, connection, message), email, report)
        if started is None:
            release_claims([e.id for e in emails[index + 1 :]])
            return False, None
        in_flight = email if started else None
    return True, in_flight


def _finish(connection: smtplib.SMTP, email: ClaimedEmail, report: SendReport, sent: list[int]) -> bool:
    """Read the reply to `email`'s data: delivered (added to `sent`) or refused (recorded); False if the connection
    was lost."""
    outcome = _attempt(partial(finish_sending, connection), email, report)
    if outcome:
        sent.append(email.id)
        report.sent += 1
    return outcome is not None


def _write(writer: MessageWriter, email: ClaimedEmail, report: SendReport) -> WrittenMessage | None:
    """The email written out, or None with the reason recorded: a header that cannot be written fails this email,
    not the run."""
    try:
        return writer.write(email, clock.now())
    except UnbuildableEmail as error:
        _record_failure(email, f"Not sent: this email could not be built ({error})", permanent=True, report=report)
    except Exception as error:  # whatever else is wrong with this one email's data, the others still go
        logger.warning("Outbox: email %s could not be built", email.id, exc_info=True)
        reason = f"Not sent: this email could not be built ({describe_error(error)})"
        _record_failure(email, reason, permanent=True, report=report)
    return None


def _attempt(step: Callable[[], None], email: ClaimedEmail, report: SendReport) -> bool | None:
    """Run one half of `email`'s SMTP transaction: True if it went through, False if the server refused the email
    (recorded), None if the connection was lost (recorded: the email is tried again later)."""
    try:
        step()
    except smtplib.SMTPNotSupportedError:
        # Raised before anything is sent, on a connection that is still good.
        reason = (
            "Not sent: the mail server does not accept international email addresses (SMTPUTF8), "
            f"and {email.recipient} is one"
        )
        _record_failure(email, reason, permanent=True, report=report)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()))
        _record_failure(email, f"{code} {_text(reply)}", permanent=code >= 500, report=report)
    except smtplib.SMTPResponseException as error:
        reason = f"{error.smtp_code} {_text(error.smtp_error)}"
        _record_failure(email, reason, permanent=error.smtp_code >= 500, report=report)
    except (smtplib.SMTPException, OSError) as error:
        _record_failure(email, f"Connection lost: {describe_error(error)}", permanent=False, report=report)
        return None
    else:
        return True
    return False


def _record_failure(email: ClaimedEmail, error: str, *, permanent: bool, report: SendReport) -> None:
    state = mark_attempt_failed(email, error, clock.now(), permanent=permanent)
    if state == EmailState.FAILED:
        report.failed += 1
        logger.warning("Outbox: email %s to %s failed: %s", email.id, email.recipient, error)
    else:
        report.retrying += 1


def open_connection(config: Any) -> smtplib.SMTP:
    """One SMTP connection as configured: implicit TLS (MAIL_USE_SSL), STARTTLS (MAIL_USE_TLS), then AUTH XOAUTH2
    with an access token (MAIL_OAUTH2_*), a login (MAIL_USERNAME and MAIL_PASSWORD), or neither (a relay).

    The TLS context (the system's certificate authorities, read from disk: 45 ms of CPU) is made only for TLS, not
    for a plain relay at every run of the sender (issue 17).
    """
    server, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT_SECONDS"]
    connection: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        connection = smtplib.SMTP_SSL(server, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(server, port, timeout=timeout)
    try:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            connection.starttls(context=ssl.create_default_context())
        if credentials := oauth.ClientCredentials.from_config(config):
            _authenticate_xoauth2(connection, config["MAIL_USERNAME"] or config["MAIL_DEFAULT_SENDER"], credentials)
        elif config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        connection.close()
        raise
    return connection


def _authenticate_xoauth2(connection: smtplib.SMTP, mailbox: str, credentials: oauth.ClientCredentials) -> None:
    """AUTH XOAUTH2 as `mailbox` with the cached access token; if the server refuses it (expired or revoked sooner
    than its lifetime said, or the clocks disagree), once more with a new one."""
    connection.ehlo_or_helo_if_needed()
    offered = connection.esmtp_features.get("auth", "").upper().split()
    if "XOAUTH2" not in offered:
        raise smtplib.SMTPNotSupportedError(
            "the mail server does not offer AUTH XOAUTH2 (Exchange Online offers it after STARTTLS: MAIL_USE_TLS)"
        )
    timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
    token = oauth.access_token(credentials, now=clock.now(), timeout=timeout)
    try:
        _xoauth2(connection, mailbox, token)
    except smtplib.SMTPAuthenticationError:
        logger.info("Outbox: the mail server refused the access token; asking for a new one")
        _xoauth2(connection, mailbox, oauth.access_token(credentials, now=clock.now(), timeout=timeout, fresh=True))


def _xoauth2(connection: smtplib.SMTP, mailbox: str, token: str) -> None:
    # The response goes with the AUTH command; to a 334 challenge (the server's error details) the client answers
    # with an empty line, and the server then says 535.
    response = oauth.xoauth2_response(mailbox, token)
    connection.auth("XOAUTH2", lambda challenge=None: response if challenge is None else "")


def describe_error(error: BaseException) -> str:
    if isinstance(error, oauth.TokenError):
        return f"No access token: {error}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()
