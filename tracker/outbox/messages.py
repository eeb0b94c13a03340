"""An outbox email written out as the bytes that go over SMTP, without building an `email.message.EmailMessage`.

The bytes are the ones the `email` package writes for the message the sender used to build (an EmailMessage with
From, To, Subject, Date, Message-ID and Auto-Submitted, `set_content(text)` then `add_alternative(html)`, written
out with `policy.SMTP`, or `policy.SMTPUTF8` when an address is not ASCII): the same headers in the same order,
the same transfer encoding chosen the same way for each part (7bit or 8bit when no line is longer than 78 bytes,
otherwise quoted-printable or base64, whichever the first ten lines say is shorter), CRLF line ends; except that a
part with longer lines that can be 7bit data (`encode_text`) goes as 7bit, as `set_content(text, cte="7bit")` writes.
tests/unit/test_outbox_messages.py compares the two byte for byte. Building the EmailMessage cost about 3 ms of CPU
a digest, most of it parsing and refolding headers whose text needs neither: a header that is one short line of
plain ASCII is written as it is, and any other goes through the policy as before.
"""

from __future__ import annotations

import binascii
import re
import secrets
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.utils import format_datetime, getaddresses, make_msgid
from typing import Any

from tracker.domain.text import single_line
from tracker.email_addresses import email_format_problem
from tracker.outbox.services import ClaimedEmail

MAX_LINE = 78  # policy.default's max_line_length, which set_content and the header folding use
MAX_7BIT_LINE = 998  # RFC 5322 and RFC 2045: the longest line of 7bit data, without its CRLF
CRLF = b"\r\n"
# One short line of printable ASCII words separated by single spaces: written as it is (an encoded word, "=?", is
# decoded and encoded again by the policy, so it is not plain).
_PLAIN_TEXT = re.compile(r"[!-~]+(?: [!-~]+)*\Z")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
PLAIN_ADDRESS = re.compile(rf"{_DOT_ATOM}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\Z")
_PLAIN_MESSAGE_ID = re.compile(rf"<{_DOT_ATOM}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*>\Z")
_PLAIN_DATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3]\d (?:[A-Z][a-z]{2}) \d{4} [0-2]\d:[0-5]\d:[0-5]\d [+-]\d{4}\Z"
)
_PLAIN = {"To": PLAIN_ADDRESS, "Message-ID": _PLAIN_MESSAGE_ID, "Date": _PLAIN_DATE}
# What quoted-printable must quote in a body (email.quoprimime's body map), but "=": all but printable ASCII, tab
# and the line ends.
_QP_UNSAFE = re.compile(r"[^ -~\t\r\n]+")
_QP_QUOTED = {code: f"={code:02X}" for code in range(256)}
# What the generator writes for each part (MIME-Version on the HTML part too: add_alternative's doing).
_MULTIPART = b'MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n boundary="%s"\r\n\r\n'
_TEXT_PART = b'Content-Type: text/%s; charset="utf-8"\r\nContent-Transfer-Encoding: %s\r\n'
_MIME_VERSION = b"MIME-Version: 1.0\r\n"
# The generator's boundary: fifteen "=", a random number of 19 digits, "==".
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))


class UnbuildableEmail(ValueError):
    """An email whose own data cannot make a message (an address that is not one)."""


@dataclass(frozen=True)
class WrittenMessage:
    """A message as the bytes that go over SMTP, with its envelope."""

    sender: str
    recipient: str
    data: bytes
    international: bool  # an address is not ASCII: the server must offer SMTPUTF8


def header_line(name: str, value: str, policy: Any) -> bytes:
    """The header as `policy` writes it (folded, encoded words where needed, CRLF), directly when it is plain."""
    plain = _PLAIN.get(name, _PLAIN_TEXT)
    if len(name) + 2 + len(value) <= MAX_LINE and plain.match(value) and "=?" not in value:
        return f"{name}: {value}\r\n".encode("ascii")
    if name == "Message-ID" and len(value) + 1 <= MAX_LINE and plain.match(value):
        # Too long for the header's line but not for one of its own, where the policy folds it (every Message-ID
        # the sender makes: its random part is about 40 characters).
        return f"{name}:\r\n {value}\r\n".encode("ascii")
    return policy.fold_binary(name, policy.header_store_parse(name, value)[1])


def encode_text(text: str, *, html: bool = False) -> tuple[bytes, bytes]:
    """The transfer encoding and body of a UTF-8 text part, with CRLF line ends: as `set_content(text)` chooses them,
    but for a part with a line longer than 78 bytes that can go as 7bit data, lines of at most 998 bytes of ASCII
    (RFC 2045) with no NUL: it goes as 7bit rather than quoted-printable (issue 17: quoting a digest's HTML part, with
    its "=" in every attribute and links longer than a line, was half the cost of writing it, and made it a tenth
    longer). An HTML part's characters beyond ASCII are written as character references for that (`&#233;` for
    "é"), which an HTML reader shows as the characters themselves (the email templates have no <script>, <style> or
    comment, where it would not: a test checks); a plain-text part with any goes as before. 998 bytes is the line
    limit of RFC 5321 too, the dot doubled for transparency not counted."""
    lines = text.encode("utf-8").splitlines()
    if max(map(len, lines), default=0) <= MAX_LINE:
        body = CRLF.join(lines) + CRLF
        return (b"7bit" if body.isascii() else b"8bit"), body
    seven_bit = seven_bit_lines(text, html=html)
    if seven_bit is not None:
        return b"7bit", CRLF.join(seven_bit) + CRLF
    whole = b"\n".join(lines) + b"\n"
    # Quoted-printable unless base64 is shorter for the first ten lines; both measured from one encoding.
    encoded, sniffed_length = _quoted_printable(whole.decode("latin-1"), sniff_lines=10)
    sniff = whole if len(lines) <= 10 else b"\n".join(lines[:10]) + b"\n"
    if sniffed_length > len(binascii.b2a_base64(sniff)):
        step = MAX_LINE // 4 * 3
        base64 = b"".join(binascii.b2a_base64(whole[i : i + step]) for i in range(0, len(whole), step))
        return b"base64", base64.replace(b"\n", CRLF)
    return b"quoted-printable", encoded.encode("ascii").replace(b"\n", CRLF)


def seven_bit_lines(text: str, *, html: bool = False) -> list[bytes] | None:
    """The lines of `text` as 7bit data (an HTML part's characters beyond ASCII as character references), or None
    when it cannot go as 7bit: a character beyond ASCII in plain text, a NUL, or a line longer than 998 bytes."""
    data = text.encode("ascii", "xmlcharrefreplace") if html else text.encode("utf-8")
    if not data.isascii() or b"\0" in data:
        return None
    lines = data.splitlines()
    return lines if max(map(len, lines), default=0) <= MAX_7BIT_LINE else None


def quoted_printable(body: str) -> str:
    """`email.quoprimime.body_encode(body, 78)`, the same text, with the characters to quote found by a regular
    expression rather than by looking up every character (str.translate with a list: most of its cost)."""
    return _quoted_printable(body)[0]


def _quoted_printable(body: str, sniff_lines: int = 0) -> tuple[str, int]:
    """`quoted_printable(body)`, and how long the encoding of `body`'s first `sniff_lines` lines (with a line end)
    would be on its own: the same lines encoded the same way, so measured while encoding the whole."""
    if not body:
        return body, 0
    body = _QP_UNSAFE.sub(_qp_quote, body.replace("=", "=3D"))  # "=", the commonest in HTML, without a call each
    encoded: list[str] = []
    append = encoded.append
    sniffed_length = -1
    for number, line in enumerate(body.splitlines()):
        if number == sniff_lines:  # each piece, then a line end after it
            sniffed_length = sum(map(len, encoded)) + len(encoded)
        # Pieces of at most 77 characters and a soft line break, never splitting an "=XX".
        start = 0
        last_start = len(line) - 1 - MAX_LINE
        while start <= last_start:
            stop = start + MAX_LINE - 1
            if line[stop - 2] == "=":
                append(line[start : stop - 1])
                start = stop - 2
            elif line[stop - 1] == "=":
                append(line[start:stop])
                start = stop - 1
            else:
                append(line[start:stop] + "=")
                start = stop
        if line and line[-1] in " \t":  # a space or tab at the end of a line is quoted, room permitting
            room = start - last_start
            if room >= 3:
                end = _qp_quote_char(line[-1])
            elif room == 2:
                end = line[-1] + "=\n"
            else:
                end = "=\n" + _qp_quote_char(line[-1])
            append(line[start:-1] + end)
        else:
            append(line[start:])
    if body[-1] in "\r\n":
        append("")
    text = "\n".join(encoded)
    return text, len(text) if sniffed_length < 0 else sniffed_length


def _qp_quote_char(character: str) -> str:
    return f"={ord(character):02X}"


def _qp_quote(match: re.Match[str]) -> str:
    return match.group().translate(_QP_QUOTED)


class MessageWriter:
    """Writes outbox emails as configured (MAIL_DEFAULT_SENDER): the From header and the Message-ID domain once."""

    def __init__(self, config: Any) -> None:
        self.sender = config["MAIL_DEFAULT_SENDER"]
        self._sender_address = getaddresses([self.sender])[0][1]
        self._domain = self._sender_address.rpartition("@")[2] or socket.getfqdn()
        self._from: dict[bool, bytes] = {}

    def write(self, email: ClaimedEmail, now: datetime) -> WrittenMessage:
        """A multipart/alternative message, the plain-text part first, then the HTML part (text alone without one).

        The subject is made one line again here, whatever it was queued with: a line break in a header would start
        another header (a Bcc) or the body. The recipient must be one valid address, as the forms require.
        """
        if email_format_problem(email.recipient):
            raise UnbuildableEmail(f"the recipient {email.recipient!r} is not one valid email address")
        # The envelope's recipient: the address itself when it is a plain one (what getaddresses gives for it).
        recipient = email.recipient if PLAIN_ADDRESS.match(email.recipient) else getaddresses([email.recipient])[0][1]
        international = not (self._sender_address + recipient).isascii()
        policy = email_policy.SMTPUTF8 if international else email_policy.SMTP
        if international not in self._from:
            self._from[international] = header_line("From", self.sender, policy)
        headers = [
            self._from[international],
            header_line("To", email.recipient, policy),
            header_line("Subject", single_line(email.subject), policy),
            header_line("Date", format_datetime(now), policy),
            header_line("Message-ID", make_msgid(idstring=f"outbox.{email.id}", domain=self._domain), policy),
            b"Auto-Submitted: auto-generated\r\n",  # RFC 3834: out-of-office replies should not answer it
        ]
        text_encoding, text = encode_text(email.text_body)
        if not email.html_body:
            part = _TEXT_PART % (b"plain", text_encoding) + _MIME_VERSION + CRLF + text
            return WrittenMessage(self._sender_address, recipient, b"".join(headers) + part, international)
        html_encoding, html = encode_text(email.html_body, html=True)
        boundary = _boundary(text, html)
        data = b"".join(
            [
                *headers,
                _MULTIPART % boundary,
                b"--%s\r\n" % boundary,
                _TEXT_PART % (b"plain", text_encoding) + CRLF + text,
                b"\r\n--%s\r\n" % boundary,
                _TEXT_PART % (b"html", html_encoding) + _MIME_VERSION + CRLF + html,
                b"\r\n--%s--\r\n" % boundary,
            ]
        )
        return WrittenMessage(self._sender_address, recipient, data, international)


def _boundary(*parts: bytes) -> bytes:
    """A boundary as the generator makes one, that no part contains."""
    while True:
        boundary = b"===============%0*d==" % (_BOUNDARY_DIGITS, secrets.randbelow(sys.maxsize))
        if not any(boundary in part for part in parts):
            return boundary
