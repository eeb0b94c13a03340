"""Text typed by people, made safe for the places it goes: a line of text stays one line."""

from __future__ import annotations

import re
import unicodedata

# Everything Python's str.splitlines() breaks a line at, and tabs: each run becomes one space.
_LINE_BREAKS = re.compile(r"[ \t]*[\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]+[ \t]*")


def single_line(text: str) -> str:
    """`text` as one line: line breaks and tabs become a space, other control characters go, the ends are trimmed.

    A title, a name or an address can end up in an email header, where a line break would start a new header
    (or the body), so it must never carry one.
    """
    text = _LINE_BREAKS.sub(" ", text)
    if any(unicodedata.category(character) == "Cc" for character in text):
        text = "".join(character for character in text if unicodedata.category(character) != "Cc")
    return text.strip()


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" where it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
