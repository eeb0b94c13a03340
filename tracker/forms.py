"""Form pieces every feature shares."""

from __future__ import annotations

from tracker.domain import text


def single_line(value: object) -> object:
    """The filter on every one-line text field (`filters=[single_line]`): line breaks and other control characters
    typed or pasted in become a space or go, and the ends are trimmed. Such text can reach an email header (a
    deadline title, a committee, a name), where a line break would start a new header."""
    return text.single_line(value) if isinstance(value, str) else value
