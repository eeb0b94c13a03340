"""A spreadsheet cell as a date: real dates as openpyxl gives them, or the ways people type one."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Final

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE)


class DateProblem(ValueError):
    """A cell that is not a date; `recognised` when it looks like one but the day does not exist (31/02/2009)."""

    def __init__(self, *, recognised: bool) -> None:
        super().__init__("not a real date" if recognised else "not a date")
        self.recognised = recognised


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) from "2008-09-09", "9/9/2008", "09.09.08" or "9 September 2008"."""
    if match := _ISO.match(text):
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    if match := _NUMERIC.match(text):
        return _year(match.group(3)), int(match.group(2)), int(match.group(1))
    if (match := _WORDS.match(text)) and match.group(2).lower() in _MONTHS:
        return int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1))
    return None


def parse_date(value: object) -> date | None:
    """A cell as a date; None when blank. Raises DateProblem for text that is not a real date (31/02/2009)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    parts = _parts(text)
    if parts is None:
        raise DateProblem(recognised=False)
    try:
        return date(*parts)
    except ValueError:
        raise DateProblem(recognised=True) from None
