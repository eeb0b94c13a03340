"""Text typed by people, made safe for the places it goes: a line of text stays one line."""

from __future__ import annotations

import re

# Everything Python's str.splitlines() breaks a line at, and tabs: each run becomes one space.
_LINE_BREAKS = re.compile(r"[ \t]*[\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]+[ \t]*")
# Unicode's control characters (category Cc, which is these and will stay so): found by a regular expression rather
# than by looking up each character's category (issue 17: a subject and a name in every email).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def single_line(text: str) -> str:
    """`text` as one line: line breaks and tabs become a space, other control characters go, the ends are trimmed.

    A title, a name or an address can end up in an email header, where a line break would start a new header
    (or the body), so it must never carry one.
    """
    return _CONTROL_CHARACTERS.sub("", _LINE_BREAKS.sub(" ", text)).strip()


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" where it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
