"""One SMTP mail transaction in two halves, so that the sender writes the next email while the mail server takes in
the one before it (issue 17).

`start_sending` does what smtplib's `sendmail` does up to handing over the message's data (MAIL, RCPT, DATA, the
data and its final "."); `finish_sending` reads the server's reply to the data, raising what `sendmail` raises.
Between the two the server parses and stores the message, which took about as long as writing the next one.
Nothing else is sent before the reply is read, so each reply is still the one for its email, and an email whose
reply was not read when the sender died is still "sending", as before.
"""

from __future__ import annotations

import contextlib
import re
import smtplib

from tracker.outbox.messages import PLAIN_ADDRESS, WrittenMessage

CRLF = b"\r\n"
_LINE_STARTING_WITH_A_DOT = re.compile(rb"(?m)^\.")


def start_sending(connection: smtplib.SMTP, message: WrittenMessage) -> None:
    """MAIL, RCPT and DATA for `message`, then its data (dot-stuffed, ending with "."); raises what `sendmail`
    raises for a refusal before the data, and SMTPNotSupportedError, before anything is sent, for an international
    address when the server does not offer SMTPUTF8."""
    connection.ehlo_or_helo_if_needed()
    options: list[str] = []
    if message.international:
        if not connection.has_extn("smtputf8"):
            raise smtplib.SMTPNotSupportedError("the mail server does not offer SMTPUTF8")
        options = ["SMTPUTF8", "BODY=8BITMIME"]
    if connection.does_esmtp and connection.has_extn("size"):
        options.insert(0, f"size={len(message.data)}")
    code, reply = _mail(connection, message, options if connection.does_esmtp else [])
    if code != 250:
        _abandon(connection, code)
        raise smtplib.SMTPSenderRefused(code, reply, message.sender)
    code, reply = _rcpt(connection, message)
    if code not in (250, 251):
        _abandon(connection, code)
        raise smtplib.SMTPRecipientsRefused({message.recipient: (code, reply)})
    connection.putcmd("data")
    code, reply = connection.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    data = dot_stuffed(message.data)
    if not data.endswith(CRLF):
        data += CRLF
    connection.send(data + b"." + CRLF)


def dot_stuffed(data: bytes) -> bytes:
    """`data` with the dot that starts a line doubled (RFC 5321's transparency), as smtplib's `sendmail` does. Few
    messages have such a line, and looking for one is a twentieth of the cost of the regular expression's pass over
    a digest (0.1 ms of 0.24 a message: issue 17)."""
    if data.startswith(b".") or b"\n." in data:
        return _LINE_STARTING_WITH_A_DOT.sub(b"..", data)
    return data


def _mail(connection: smtplib.SMTP, message: WrittenMessage, options: list[str]) -> tuple[int, bytes]:
    """MAIL FROM, as `connection.mail` sends it: directly for a plain address (smtplib's quoteaddr parses every address
    with email.utils.parseaddr to write "<address>": 0.09 s of a 1.7 s profile of delivering 500 digests; issue 17)."""
    if message.international or not PLAIN_ADDRESS.match(message.sender):
        return connection.mail(message.sender, options)
    connection.putcmd("mail", f"FROM:<{message.sender}>{' ' + ' '.join(options) if options else ''}")
    return connection.getreply()


def _rcpt(connection: smtplib.SMTP, message: WrittenMessage) -> tuple[int, bytes]:
    """RCPT TO, as `connection.rcpt` sends it, directly for a plain address (as `_mail`)."""
    if message.international or not PLAIN_ADDRESS.match(message.recipient):
        return connection.rcpt(message.recipient)
    connection.putcmd("rcpt", f"TO:<{message.recipient}>")
    return connection.getreply()


def finish_sending(connection: smtplib.SMTP) -> None:
    """The server's reply to the data sent by `start_sending`: it has taken the email, or SMTPDataError."""
    code, reply = connection.getreply()
    if code != 250:
        _abandon(connection, code)
        raise smtplib.SMTPDataError(code, reply)


def _abandon(connection: smtplib.SMTP, code: int) -> None:
    """After a refusal, as `sendmail` does: close on 421 (the server is going away), otherwise RSET."""
    if code == 421:
        connection.close()
    else:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            connection.rset()
