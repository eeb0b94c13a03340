"""single_line: whatever is typed or pasted into a one-line field comes out as one line with no control characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.domain.text import shorten, single_line


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Publish the action plan", "Publish the action plan"),
        ("Cabinet\r\nBcc: intruder@example.com", "Cabinet Bcc: intruder@example.com"),
        ("  Cabinet \n\n  meeting  ", "Cabinet meeting"),
        ("Care\tleavers", "Care leavers"),
        ("Over\u2028view\u2029and\x85Scrutiny\x0bBoard\x0c", "Over view and Scrutiny Board"),
        ("Bell\x07 and NUL\x00 and DEL\x7f and C1\x9b gone", "Bell and NUL and DEL and C1 gone"),
        ("Zoë’s café – “quoted” 👩‍👧", "Zoë’s café – “quoted” 👩‍👧"),  # letters, punctuation and emoji joiners stay
        ("", ""),
    ],
)
def test_single_line(typed: str, kept: str) -> None:
    assert single_line(typed) == kept


@given(st.text())
def test_single_line_never_leaves_a_line_break_or_a_control_character(text: str) -> None:
    line = single_line(text)
    assert len(line.splitlines()) <= 1
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in line)
    assert single_line(line) == line


def test_shorten() -> None:
    assert shorten("Statutory deadline", 40) == "Statutory deadline"
    assert shorten("Statutory deadline in 10 working days", 20) == "Statutory deadline…"
    assert len(shorten("x" * 400, 300)) == 300
