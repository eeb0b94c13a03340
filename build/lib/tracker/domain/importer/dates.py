"""Dates as reports print them: '19 February 2008', '3rd June 2008', '24 to 28 April 2023'."""

from __future__ import annotations

import re
from datetime import date

_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_DAY = r"(?:[0-2]?\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_SEPARATOR = r"\s*(?:to|until|and|[-–—•])\s*"
_WORDED_RANGE = re.compile(
    rf"\b(?P<day1>{_DAY})(?:\s+(?P<month1>{_MONTH}))?(?:,?\s+(?P<year1>{_YEAR}))?{_SEPARATOR}"
    rf"(?P<day2>{_DAY})\s+(?P<month2>{_MONTH}),?\s+(?P<year2>{_YEAR})\b",
    re.IGNORECASE,
)
_NUMERIC_RANGE = re.compile(
    rf"\b(?P<nday1>[0-3]?\d)/(?P<nmonth1>[01]?\d)/(?P<nyear1>{_YEAR})"
    rf"(?:{_SEPARATOR}(?P<nday2>[0-3]?\d)/(?P<nmonth2>[01]?\d)/(?P<nyear2>{_YEAR}))?\b"
)
_SINGLE = re.compile(rf"\b(?P<day>{_DAY})\s+(?P<month>{_MONTH}),?\s+(?P<year>{_YEAR})\b", re.IGNORECASE)


def parse_date(text: str) -> date | None:
    """The first whole date in the text ('3rd June 2008', '29/10/2018'), or None."""
    worded = _SINGLE.search(text)
    numeric = _NUMERIC_RANGE.search(text)
    if worded and (not numeric or worded.start() <= numeric.start()):
        return _make(worded.group("day"), worded.group("month"), worded.group("year"))
    if numeric:
        return _make_numeric(numeric.group("nday1"), numeric.group("nmonth1"), numeric.group("nyear1"))
    return None


def parse_date_range(text: str) -> tuple[date | None, date | None]:
    """A range such as '24 to 28 April 2023' or '14 January – 4 February 2015'; one date gives both ends."""
    worded = _WORDED_RANGE.search(text)
    if worded:
        end = _make(worded.group("day2"), worded.group("month2"), worded.group("year2"))
        month1 = worded.group("month1") or worded.group("month2")
        start = _make(worded.group("day1"), month1, worded.group("year1") or worded.group("year2"))
        if start and end and start <= end:
            return start, end
    numeric = _NUMERIC_RANGE.search(text)
    if numeric and numeric.group("nday2"):
        start = _make_numeric(numeric.group("nday1"), numeric.group("nmonth1"), numeric.group("nyear1"))
        end = _make_numeric(numeric.group("nday2"), numeric.group("nmonth2"), numeric.group("nyear2"))
        if start and end and start <= end:
            return start, end
    single = parse_date(text)
    return single, single


def _make(day: str, month: str, year: str | None) -> date | None:
    if not year:
        return None
    month_number = _MONTH_NUMBERS.get(month.lower().rstrip("."))
    try:
        return date(int(year), month_number or 0, int(re.sub(r"\D", "", day)))
    except ValueError:
        return None


def _make_numeric(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
