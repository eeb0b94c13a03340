"""How dates read wherever people see them (tracker/domain/formatting.py), and that nothing else
formats a date by hand."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from tracker.domain.due_phrase import working_days_text
from tracker.domain.formatting import format_date, format_date_time, format_long_date, format_short_date

ROOT = Path(__file__).resolve().parents[2]
FORMATTING = ROOT / "tracker/domain/formatting.py"
# A month name, a day number or a weekday before a date, formatted outside formatting.py.
BY_HAND = re.compile(r"%[bB]|\.day\}|strftime\(\s*['\"]%A")


@pytest.mark.parametrize(
    ("value", "long", "short", "with_weekday"),
    [
        (date(2008, 9, 9), "9 September 2008", "9 Sep 2008", "Tuesday 9 September 2008"),
        (date(2026, 11, 24), "24 November 2026", "24 Nov 2026", "Tuesday 24 November 2026"),
        (date(2026, 12, 5), "5 December 2026", "5 Dec 2026", "Saturday 5 December 2026"),
        (datetime(2008, 6, 3, 23, 30), "3 June 2008", "3 Jun 2008", "Tuesday 3 June 2008"),
    ],
)
def test_dates_have_no_leading_zero_and_the_month_in_words(
    value: date, long: str, short: str, with_weekday: str
) -> None:
    assert format_date(value) == long
    assert format_short_date(value) == short
    assert format_long_date(value) == with_weekday


def test_a_missing_date_shows_what_the_caller_says() -> None:
    assert format_date(None) == format_short_date(None) == format_long_date(None) == format_date_time(None) == ""
    assert format_date(None, "Not set") == "Not set"
    assert format_short_date(None, "No due date") == "No due date"


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2008, 9, 9, 10, 42), "9 September 2008 at 10:42am"),
        (datetime(2008, 9, 9, 0, 5), "9 September 2008 at 12:05am"),
        (datetime(2008, 9, 9, 12, 0), "9 September 2008 at 12:00pm"),
        (datetime(2008, 9, 9, 23, 59), "9 September 2008 at 11:59pm"),
    ],
)
def test_times_read_as_gov_uk_writes_them(local: datetime, expected: str) -> None:
    assert format_date_time(local) == expected


def test_working_days_are_counted_in_words() -> None:
    assert [working_days_text(n) for n in (0, 1, 2, 10)] == [
        "0 working days",
        "1 working day",
        "2 working days",
        "10 working days",
    ]


def test_no_page_email_or_module_formats_a_date_by_hand() -> None:
    """Dates in words come from formatting.py (in templates through its filters: date, short_date, long_date)."""
    sources = [
        *(ROOT / "tracker").rglob("*.py"),
        *(ROOT / "templates").rglob("*.html"),
        *(ROOT / "templates").rglob("*.txt"),
    ]
    by_hand = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted(sources)
        if path != FORMATTING
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if BY_HAND.search(line)
    ]
    assert not by_hand
