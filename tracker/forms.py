"""Form pieces every feature shares."""

from __future__ import annotations

from typing import TypeVar

from tracker.domain import text

T = TypeVar("T")


def single_line(value: object) -> object:
    """The filter on every one-line text field (`filters=[single_line]`): line breaks and other control characters
    typed or pasted in become a space or go, and the ends are trimmed. Such text can reach an email header (a
    deadline title, a committee, a name), where a line break would start a new header."""
    return text.single_line(value) if isinstance(value, str) else value


def required_data(value: T | None) -> T:
    """The data of a field whose DataRequired or InputRequired validator passed. WTForms types every field's data as
    optional (it is None until the form is filled in); after validation a required field's is not."""
    if value is None:
        raise ValueError("A required field has no data: read it only after the form has validated")
    return value
