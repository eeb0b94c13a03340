"""The sender's MAIL and RCPT commands are the ones smtplib's `mail` and `rcpt` send (issue 17: written directly for a
plain address, without smtplib parsing it again)."""

from __future__ import annotations

import smtplib

import pytest

from tracker.outbox.messages import WrittenMessage
from tracker.outbox.smtp import _mail, _rcpt, dot_stuffed


class Recorder(smtplib.SMTP):
    """An SMTP client that records the commands it would send, and answers each with 250."""

    def __init__(self) -> None:
        super().__init__()  # no host: nothing is connected
        self.sent: list[tuple[str, str]] = []
        self.does_esmtp = True
        self.esmtp_features = {"smtputf8": "", "size": "1000000"}

    def putcmd(self, cmd: str, args: str = "") -> None:
        self.sent.append((cmd, args))

    def getreply(self) -> tuple[int, bytes]:
        return 250, b"OK"


@pytest.mark.parametrize(
    ("sender", "recipient", "international"),
    [
        ("noreply@council.example.gov.uk", "a.b+tag@example.gov.uk", False),
        ("noreply@council.example.gov.uk", "o'brien!#$%&*/=?^_`{|}~-@x-y.example", False),
        ("Tracker <noreply@council.example.gov.uk>", "UPPER.case@Example.GOV.uk", False),
        ("noreply@council.example.gov.uk", '"quoted local"@example.gov.uk', False),
        ("noreply@council.example.gov.uk", "zoë.martin@example.gov.uk", True),
    ],
)
def test_mail_and_rcpt_are_the_commands_smtplib_sends(sender: str, recipient: str, international: bool) -> None:
    message = WrittenMessage(sender, recipient, b"", international)
    options = ["size=123", "SMTPUTF8", "BODY=8BITMIME"] if international else ["size=123"]
    ours, smtplibs = Recorder(), Recorder()
    assert _mail(ours, message, options) == (250, b"OK") and _rcpt(ours, message) == (250, b"OK")
    smtplibs.mail(sender, options)
    smtplibs.rcpt(recipient)
    assert ours.sent == smtplibs.sent
    assert ours.command_encoding == smtplibs.command_encoding == ("utf-8" if international else "ascii")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"no dot at all\r\n",
        b".starts with one\r\n",
        b"line\r\n.second line\r\n..two already\r\n",
        b"a dot. inside\r\n.\r\n",
        b"bare\n.newline\r.carriage return\r\n",
        b"ends\r\n.",
    ],
)
def test_dots_are_doubled_as_smtplib_does(data: bytes) -> None:
    assert dot_stuffed(data) == smtplib._quote_periods(data)
