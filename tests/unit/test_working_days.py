"""Working days in England and Wales: real statutory dates, holiday edge cases and a brute-force check."""

import subprocess
import sys
from collections.abc import Container
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.working_days import (
    BANK_HOLIDAYS,
    SHIPPED_FILE,
    SHIPPED_YEARS,
    BankHolidays,
    add_working_days,
    england_and_wales_holidays,
    is_working_day,
    next_working_day,
    previous_working_day,
    shipped_file_text,
    working_day_on_or_before,
    working_days_between,
)

ONE_DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "days", "counting", "expected"),
    [
        # Leicester's JAR paper: published Tuesday 3 June 2008, report out locally by Monday 14 July.
        (date(2008, 6, 3), 30, "beginning_with", date(2008, 7, 14)),
        # ... and action plan by Tuesday 9 September 2008 (25 August 2008 was a bank holiday).
        (date(2008, 6, 3), 70, "beginning_with", date(2008, 9, 9)),
        (date(2006, 8, 14), 70, "beginning_with", date(2006, 11, 20)),
        # ILACS published Friday 1 April 2022, plan due 15 July 2022: Good Friday, Easter Monday,
        # the May Day and both Jubilee bank holidays (2 and 3 June) fall inside.
        (date(2022, 4, 1), 70, "after", date(2022, 7, 15)),
        (date(2008, 6, 3), 1, "beginning_with", date(2008, 6, 3)),
        (date(2008, 6, 3), 1, "after", date(2008, 6, 4)),
        # A weekend anchor: day 1 is the Monday either way.
        (date(2008, 6, 7), 1, "beginning_with", date(2008, 6, 9)),
        (date(2008, 6, 7), 1, "after", date(2008, 6, 9)),
        (date(2008, 6, 7), 0, "after", date(2008, 6, 7)),
        # Christmas 2021 on a Saturday: substitute days Monday 27 and Tuesday 28 December,
        # then New Year's Day (Saturday) observed on Monday 3 January 2022.
        (date(2021, 12, 24), 1, "after", date(2021, 12, 29)),
        (date(2021, 12, 24), 3, "after", date(2021, 12, 31)),
        (date(2021, 12, 24), 4, "after", date(2022, 1, 4)),
        # Christmas 2022 on a Sunday: Boxing Day Monday 26, Christmas substitute Tuesday 27.
        (date(2022, 12, 23), 1, "after", date(2022, 12, 28)),
        (date(2022, 12, 25), 1, "beginning_with", date(2022, 12, 28)),
        # Easter 2023: Good Friday 7 April and Easter Monday 10 April.
        (date(2023, 4, 6), 1, "after", date(2023, 4, 11)),
        (date(2023, 4, 6), 2, "beginning_with", date(2023, 4, 11)),
        # Queen's funeral, Monday 19 September 2022; Coronation, Monday 8 May 2023.
        (date(2022, 9, 16), 1, "after", date(2022, 9, 20)),
        (date(2023, 5, 5), 1, "after", date(2023, 5, 9)),
        # Counting back (after, negative): the working day whose countdown to the anchor is N.
        (date(2022, 12, 28), -1, "after", date(2022, 12, 23)),
        (date(2008, 9, 9), -69, "after", date(2008, 6, 3)),
        (date(2008, 6, 7), -1, "after", date(2008, 6, 5)),
    ],
)
def test_add_working_days(start: date, days: int, counting: str, expected: date) -> None:
    assert add_working_days(start, days, BANK_HOLIDAYS, counting=counting) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2008, 6, 3), date(2008, 6, 3), 0),
        (date(2008, 6, 3), date(2008, 6, 4), 1),
        (date(2008, 6, 4), date(2008, 6, 3), -1),
        (date(2008, 6, 3), date(2008, 9, 9), 69),
        (date(2022, 4, 1), date(2022, 7, 15), 70),
        # Friday to Monday is one working day; so is Saturday to Monday; Friday to Sunday is none.
        (date(2008, 6, 6), date(2008, 6, 9), 1),
        (date(2008, 6, 7), date(2008, 6, 9), 1),
        (date(2008, 6, 6), date(2008, 6, 8), 0),
        # Overdue: due Friday 23 December 2022, today Wednesday 28 December.
        (date(2022, 12, 28), date(2022, 12, 23), -1),
        (date(2021, 12, 24), date(2022, 1, 4), 4),
        (date(2022, 9, 16), date(2022, 9, 20), 1),
        (date(2023, 5, 5), date(2023, 5, 9), 1),
        (date(2023, 4, 6), date(2023, 4, 11), 1),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end, BANK_HOLIDAYS) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2008, 8, 25), False),  # August bank holiday: missing without the England subdivision
        (date(2008, 3, 24), False),  # Easter Monday: likewise
        (date(2008, 3, 21), False),  # Good Friday
        (date(2021, 12, 27), False),
        (date(2021, 12, 28), False),
        (date(2022, 1, 3), False),
        (date(2022, 6, 2), False),
        (date(2022, 6, 3), False),
        (date(2022, 9, 19), False),
        (date(2022, 12, 26), False),
        (date(2022, 12, 27), False),
        (date(2023, 5, 8), False),
        (date(2008, 6, 7), False),  # Saturday
        (date(2008, 6, 8), False),  # Sunday
        (date(2008, 6, 3), True),
        (date(2021, 12, 29), True),
        (date(2022, 9, 20), True),
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert is_working_day(day, BANK_HOLIDAYS) is expected


@pytest.mark.parametrize(
    ("day", "previous", "following", "on_or_before"),
    [
        (date(2008, 6, 4), date(2008, 6, 3), date(2008, 6, 5), date(2008, 6, 4)),
        (date(2008, 6, 8), date(2008, 6, 6), date(2008, 6, 9), date(2008, 6, 6)),
        (date(2021, 12, 27), date(2021, 12, 24), date(2021, 12, 29), date(2021, 12, 24)),
        (date(2023, 4, 10), date(2023, 4, 6), date(2023, 4, 11), date(2023, 4, 6)),
    ],
)
def test_neighbouring_working_days(day: date, previous: date, following: date, on_or_before: date) -> None:
    assert previous_working_day(day, BANK_HOLIDAYS) == previous
    assert next_working_day(day, BANK_HOLIDAYS) == following
    assert working_day_on_or_before(day, BANK_HOLIDAYS) == on_or_before


def test_bank_holidays_come_from_the_england_calendar_for_any_year() -> None:
    calendar = BankHolidays()
    assert date(2022, 9, 19) in calendar
    assert date(2031, 12, 25) in calendar
    assert datetime(2023, 5, 8, 9, 30) in calendar
    assert "2023-05-08" not in calendar
    assert date(2022, 9, 19) in england_and_wales_holidays([2022])
    assert date(2022, 9, 20) not in england_and_wales_holidays([2022])


def test_beginning_with_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError, match="at least 1 working day"):
        add_working_days(date(2008, 6, 3), 0, BANK_HOLIDAYS)


def test_unknown_counting_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown counting"):
        add_working_days(date(2008, 6, 3), 5, BANK_HOLIDAYS, counting="from")  # type: ignore[arg-type]


def test_other_holiday_containers_give_the_same_answers() -> None:
    frozen = england_and_wales_holidays(range(2005, 2010))
    mutable = set(frozen)
    for calendar in (frozen, mutable):
        assert add_working_days(date(2008, 6, 3), 70, calendar) == date(2008, 9, 9)
        assert working_days_between(date(2008, 6, 3), date(2008, 9, 9), calendar) == 69
    assert add_working_days(date(2008, 8, 22), 1, set(), counting="after") == date(2008, 8, 25)


def _brute_between(start: date, end: date, holidays: Container[date]) -> int:
    low, high, sign = (start, end, 1) if start <= end else (end, start, -1)
    total, day = 0, low
    while day < high:
        day += ONE_DAY
        total += is_working_day(day, holidays)
    return sign * total


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=dates, end=dates)
def test_between_matches_a_day_by_day_count(start: date, end: date) -> None:
    assert working_days_between(start, end, BANK_HOLIDAYS) == _brute_between(start, end, BANK_HOLIDAYS)


@settings(max_examples=300, deadline=None)
@given(start=dates, days=st.integers(min_value=0, max_value=400))
def test_add_after_matches_a_day_by_day_count(start: date, days: int) -> None:
    result = add_working_days(start, days, BANK_HOLIDAYS, counting="after")
    day, remaining = start, days
    while remaining:
        day += ONE_DAY
        remaining -= is_working_day(day, BANK_HOLIDAYS)
    assert result == day
    assert working_days_between(start, result, BANK_HOLIDAYS) == days


@settings(max_examples=300, deadline=None)
@given(start=dates, days=st.integers(min_value=1, max_value=400))
def test_add_beginning_with_matches_a_day_by_day_count(start: date, days: int) -> None:
    result = add_working_days(start, days, BANK_HOLIDAYS, counting="beginning_with")
    day, remaining = start, days - is_working_day(start, BANK_HOLIDAYS)
    while remaining or not is_working_day(day, BANK_HOLIDAYS):
        day += ONE_DAY
        remaining -= is_working_day(day, BANK_HOLIDAYS)
    assert result == day
    assert working_days_between(start - ONE_DAY, result, BANK_HOLIDAYS) == days


@settings(max_examples=300, deadline=None)
@given(start=dates, days=st.integers(min_value=1, max_value=400))
def test_counting_back_matches_a_day_by_day_count(start: date, days: int) -> None:
    result = add_working_days(start, -days, BANK_HOLIDAYS, counting="after")
    day, passed = start, 0  # passed: working days after `day` up to and including `start`
    while not (passed == days and is_working_day(day, BANK_HOLIDAYS)):
        passed += is_working_day(day, BANK_HOLIDAYS)
        day -= ONE_DAY
    assert result == day
    assert working_days_between(start, result, BANK_HOLIDAYS) == -days


def test_the_shipped_bank_holidays_are_what_the_holidays_package_says() -> None:
    """bank_holidays.txt is written from the `holidays` package: after an upgrade that changes a date (a new
    one-off bank holiday, say), this fails until `python -m tracker.domain.working_days` writes it again."""
    assert SHIPPED_FILE.read_text(encoding="utf-8") == shipped_file_text()
    for year in (SHIPPED_YEARS[0], 2022, 2026, SHIPPED_YEARS[-1]):
        assert BANK_HOLIDAYS.for_year(year) == england_and_wales_holidays([year])


def test_a_shipped_year_is_read_without_importing_the_holidays_package() -> None:
    """The package and its calendars cost a web worker about 16 MB; the years a council works in need neither."""
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from tracker.domain.working_days import BANK_HOLIDAYS, working_days_between\n"
        "assert date(2026, 12, 28) in BANK_HOLIDAYS and date(2026, 12, 29) not in BANK_HOLIDAYS\n"
        "assert working_days_between(date(2026, 12, 24), date(2027, 1, 4), BANK_HOLIDAYS) == 4\n"
        "assert 'holidays' not in sys.modules, 'holidays was imported'\n"
        "assert date(2051, 12, 25) in BANK_HOLIDAYS and 'holidays' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
