"""The outbox writes each email as the same bytes the `email` package wrote for the EmailMessage the sender used to
build (issue 17): headers, their folding and encoded words, each part's transfer encoding and body, CRLF ends; but a
part with lines longer than 78 bytes that can be 7bit data goes as 7bit (`set_content(text, cte="7bit")`), an HTML
part's characters beyond ASCII as character references."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, quoprimime
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.text import single_line
from tracker.outbox.messages import MessageWriter, UnbuildableEmail, encode_text, header_line, quoted_printable
from tracker.outbox.services import ClaimedEmail

NOW = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
SENDER = "Action tracker <noreply@council.example.gov.uk>"
URL = "https://tracker.council.example.gov.uk/reminders/update/eyJhIjoxMjM0NSwidSI6Njc4OX0.ZxYwVu-TsRqPoNmLkJiHgFeDcBa"
DIGEST_TEXT = "\n".join(
    [
        "Dear Zoë Martin,",
        "",
        "You have 3 actions overdue and 2 due in the next 10 working days.",
        "",
        "Overdue",
        "",
        *(
            f"- ACT-{n:04d} Publish the revised evacuation plan for Block {n} (due 1 November 2026)\n  {URL}"
            for n in range(8)
        ),
        "Résumé: “quotes”, – dashes — and 10 % of the text is not ASCII.",
        "From the inspection team",
        ".",
        "A line with trailing spaces   ",
        "",
    ]
)
DIGEST_HTML = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Your actions</title></head><body>\n'
    + "".join(f'<p><a href="{URL}?n={n}">ACT-{n:04d} Publish the plan – Block {n}</a></p>\n' for n in range(12))
    + "<p>Zoë</p></body></html>\n"
)


def reference(email: ClaimedEmail, sender: str = SENDER) -> bytes:
    """What the sender wrote before issue 17: an EmailMessage written out with policy.SMTP (or SMTPUTF8)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.recipient
    message["Subject"] = single_line(email.subject)
    message["Date"] = format_datetime(NOW)
    message["Message-ID"] = make_msgid(idstring=f"outbox.{email.id}", domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    text, text_cte = as_seven_bit(email.text_body, html=False)
    message.set_content(text, cte=text_cte)
    if email.html_body:
        html, html_cte = as_seven_bit(email.html_body, html=True)
        message.add_alternative(html, subtype="html", cte=html_cte)
    addresses = getaddresses([str(message["From"])])[0][1] + getaddresses([str(message["To"])])[0][1]
    return message.as_bytes(policy=email_policy.SMTP if addresses.isascii() else email_policy.SMTPUTF8)


def as_seven_bit(body: str, *, html: bool) -> tuple[str, str | None]:
    """The body and transfer encoding to give `set_content`: None (its own choice) unless a line is longer than 78
    bytes and the part can be 7bit data, lines of at most 998 bytes of ASCII without NUL, an HTML part's other
    characters written as character references (issue 17)."""
    if max((len(line) for line in body.encode().splitlines()), default=0) <= 78:
        return body, None
    converted = body.encode("ascii", "xmlcharrefreplace").decode("ascii") if html else body
    lines = converted.encode().splitlines()
    if converted.isascii() and "\0" not in converted and max(map(len, lines)) <= 998:
        return converted, "7bit"
    return body, None


def without_randomness(data: bytes) -> bytes:
    """The boundary and the random part of the Message-ID, which differ every time, replaced by placeholders."""
    data = re.sub(rb"===============\d{19}==", b"BOUNDARY", data)
    # A Message-ID is folded onto its own line when too long, which its random part's length decides.
    data = data.replace(b"Message-ID:\r\n <", b"Message-ID: <")
    return re.sub(rb"<\d+\.\d+\.\d+\.outbox\.", b"<RANDOM.outbox.", data)


def assert_same_bytes(email: ClaimedEmail, sender: str = SENDER) -> bytes:
    written = MessageWriter({"MAIL_DEFAULT_SENDER": sender}).write(email, NOW)
    expected = reference(email, sender)
    assert without_randomness(written.data) == without_randomness(expected)
    return written.data


def claimed(text: str = "Hello\n", html: str = "<p>Hello</p>\n", subject: str = "Your actions: 3 overdue",
            recipient: str = "zoe.martin@example.gov.uk") -> ClaimedEmail:  # fmt: skip
    return ClaimedEmail(12345, recipient, subject, text, html, 1)


def test_a_digest_is_the_same_bytes_as_the_email_package_wrote() -> None:
    data = assert_same_bytes(claimed(DIGEST_TEXT, DIGEST_HTML, "Your actions: 3 overdue, 2 due soon"))

    parsed = message_from_bytes(data, policy=email_policy.default)
    text, html = parsed.get_payload()
    assert (text["Content-Transfer-Encoding"], html["Content-Transfer-Encoding"]) == ("quoted-printable", "7bit")
    assert text.get_content().replace("\r\n", "\n") == DIGEST_TEXT
    # The HTML part as 7bit: its links on lines of their own length, "–" and "ë" as character references.
    assert html.get_content().replace("\r\n", "\n") == DIGEST_HTML.replace("–", "&#8211;").replace("ë", "&#235;")
    assert data.isascii() and max(map(len, data.split(b"\r\n"))) <= 998
    assert f'<p><a href="{URL}?n=0">'.encode() in data
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("text", "html", "encodings"),
    [
        ("Hello\nSecond line\n", "<p>Hello</p>", (b"7bit", b"7bit")),
        ("Dear Zoë,\nNo line is long.", "", (b"8bit",)),
        ("x" * 78 + "\n", "é" * 39 + "\n", (b"7bit", b"8bit")),  # 78 bytes: the longest line left as it is
        # Longer lines of ASCII, or HTML with its "é" as "&#233;", up to 998 bytes: 7bit (issue 17).
        ("x" * 79, "é" * 40, (b"7bit", b"7bit")),
        ("x" * 998 + "\n" + "y" * 3, "<p>" + "a" * 991 + "</p>", (b"7bit", b"7bit")),
        ("é" * 40, "é" * 200, (b"base64", b"base64")),  # mostly not ASCII, or 1,200 bytes of references: base64
        ("é" * 200 + "\n" + "\n".join(["ok"] * 20), "<p>" + "a" * 992 + "</p>", (b"base64", b"quoted-printable")),
        ("Zoë " + "y" * 100, "<p>NUL\x00 is not 7bit data " + "a" * 100, (b"quoted-printable",) * 2),
        ("", "", (b"7bit",)),
        # The first ten lines decide, not fewer: three plain lines, then seven that base64 writes shorter.
        (
            "plain\n" * 3 + ("é€" * 30 + "\n") * 7 + "x" * 100,
            "plain\n" * 10 + "é€" * 300,
            (b"base64", b"quoted-printable"),
        ),
        ("Windows\r\nline ends\rand old Mac ones\n" + "y" * 100, "=3D and = signs " * 20, (b"7bit",) * 2),
    ],
)
def test_each_part_is_encoded_as_set_content_chose(text: str, html: str, encodings: tuple[bytes, ...]) -> None:
    chosen = (encode_text(text)[0], encode_text(html, html=True)[0])
    assert chosen[: len(encodings)] == encodings
    assert_same_bytes(claimed(text, html))


@pytest.mark.parametrize(
    "subject",
    [
        "Your actions: 3 overdue",
        "Publish the action plan\r\nBcc: intruder@example.com\r\n\r\nForged body\x07",
        "Deadline: " + "a very long title that goes on " * 6,
        "Zoë's actions — 1 overdue",
        "Zoë " * 40,
        "=?utf-8?q?looks_encoded?= but is text",
        'Two  spaces, (parentheses), "quotes" and <angles>; commas, semi;colons',
        " leading and trailing ",
        "",
    ],
)
def test_subjects_are_one_line_folded_and_encoded_as_before(subject: str) -> None:
    data = assert_same_bytes(claimed(subject=subject))
    assert b"Bcc:" not in data.split(b"\r\n\r\n")[0].replace(b"Subject: Publish the action plan Bcc:", b"")


@pytest.mark.parametrize(
    ("sender", "recipient"),
    [
        ("noreply@council.example.gov.uk", "a.b+tag@example.gov.uk"),
        ('"Tracker (Council)" <noreply@council.example.gov.uk>', "UPPER.case@Example.GOV.uk"),
        ("Trâcker <noreply@council.example.gov.uk>", "zoë.martin@example.gov.uk"),
        ("Action tracker <noreply@council.example.gov.uk>", "someone@xn--bcher-kva.example"),
        ("Action tracker <noreply@bücher.example>", "someone@example.gov.uk"),
        ("noreply", "someone@example.gov.uk"),  # no domain: the Message-ID takes this host's name
    ],
)
def test_addresses_and_the_envelope_are_as_before(sender: str, recipient: str) -> None:
    written = MessageWriter({"MAIL_DEFAULT_SENDER": sender}).write(claimed(recipient=recipient), NOW)
    assert_same_bytes(claimed(recipient=recipient), sender)
    assert written.recipient == recipient
    assert written.international == (not (written.sender + recipient).isascii())


@pytest.mark.parametrize(
    "message_id",
    ["<179655909305.8189.10863181297582252442.outbox.12@council.example.gov.uk>", f"<1.2.3.outbox.4@{'a' * 90}.uk>"],
)
def test_a_message_id_longer_than_a_line_is_folded_as_the_policy_does(message_id: str) -> None:
    policy = email_policy.SMTP
    expected = policy.fold_binary("Message-ID", policy.header_store_parse("Message-ID", message_id)[1])
    assert header_line("Message-ID", message_id, policy) == expected


@pytest.mark.parametrize("recipient", ["r1@example.gov.uk\r\nBcc: intruder@example.com", "a@x.uk, b@x.uk", ""])
def test_a_recipient_that_is_not_one_address_cannot_be_written(recipient: str) -> None:
    with pytest.raises(UnbuildableEmail, match="is not one valid email address"):
        MessageWriter({"MAIL_DEFAULT_SENDER": SENDER}).write(claimed(recipient=recipient), NOW)


HEADER_TEXT = st.text(alphabet=st.sampled_from(list(' !"#()*,.:;<>=?@[\\]_-~abcXYZ019é\t')), max_size=100)


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(["Subject", "Auto-Submitted", "To", "Message-ID", "Date"]), value=HEADER_TEXT)
def test_a_header_written_directly_is_what_the_policy_writes(name: str, value: str) -> None:
    value = single_line(value)
    policy = email_policy.SMTP
    try:
        expected = policy.fold_binary(name, policy.header_store_parse(name, value)[1])
    except Exception:  # noqa: BLE001 - what the policy cannot write, header_line hands to it and fails alike
        with pytest.raises(Exception):  # noqa: B017, PT011
            header_line(name, value, policy)
        return
    assert header_line(name, value, policy) == expected


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab =.\n\r\t\x0béü€😀")), max_size=400),
    html=st.text(alphabet=st.sampled_from(list('<p> ="\nxé')), max_size=400),
)
def test_any_body_is_the_same_bytes_as_before(text: str, html: str) -> None:
    assert_same_bytes(claimed(text, html))


@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet=st.sampled_from(list("a =\t\r\n.\x00\x7f\xe9\xff")), max_size=600))
def test_quoted_printable_is_the_email_packages(body: str) -> None:
    assert quoted_printable(body) == quoprimime.body_encode(body, 78)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.text(alphabet=st.sampled_from(list("ab =é€\t")), max_size=120), min_size=8, max_size=13))
def test_quoted_printable_or_base64_is_chosen_from_the_first_ten_lines_as_before(lines: list[str]) -> None:
    assert_same_bytes(claimed("\n".join(lines), "<p>" + "\n".join(reversed(lines)) + "</p>"))


def test_no_email_template_has_an_element_where_character_references_are_not_read() -> None:
    """An HTML part goes as 7bit with its characters beyond ASCII as character references (`encode_text`), which a
    reader shows as the characters everywhere but in raw text: a <script> or <style> element (or a comment)."""
    templates = Path(__file__).resolve().parents[2] / "templates" / "emails"
    html_templates = sorted(templates.glob("*.html"))
    assert html_templates
    for template in html_templates:
        text = template.read_text().lower()
        assert "<script" not in text and "<style" not in text and "<!--" not in text, template.name
