"""Working days in England and Wales, and counting statutory periods in them.

A working day is any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a bank
holiday in England and Wales (the regulations' own definition, DESIGN §4). The holidays come
from the `holidays` package, England subdivision, which also carries substitute days and
one-off bank holidays. For SHIPPED_YEARS they are read from bank_holidays.txt beside this module, written from
that package (`python -m tracker.domain.working_days` writes it again; a test fails when the package and the file
disagree): importing the package and building its calendar cost each web worker about 16 MB (issue 17).

Counting is arithmetic, not a walk over the calendar: weekdays are counted from the
proleptic Gregorian epoch (1 January year 1 was a Monday) and the few weekday holidays in the
span are subtracted, found by bisecting each year's sorted holidays.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Container, Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

Counting = Literal["beginning_with", "after"]
COUNTINGS: Final[tuple[Counting, ...]] = ("beginning_with", "after")

_ONE_DAY: Final = timedelta(days=1)
# The longest run of non-working days in England and Wales is four (Christmas on a Saturday);
# the bound only stops a runaway loop on a calendar that marks every day as a holiday.
_MAX_NON_WORKING_RUN: Final = 366


SHIPPED_YEARS: Final = range(2000, 2046)
SHIPPED_FILE: Final = Path(__file__).with_name("bank_holidays.txt")


def england_and_wales_holidays(years: Iterable[int]) -> frozenset[date]:
    """Christmas Day, Good Friday and the bank holidays in England and Wales in `years`."""
    # Imported on first use, not with the app: every module imports this one (through tracker.clock), and
    # `holidays` with its calendars takes a few hundredths of a second to load (issue 17, start-up).
    import holidays as holidays_package

    return frozenset(holidays_package.country_holidays("GB", subdiv="ENG", years=list(years)))


class BankHolidays:
    """England and Wales holidays for any year, each year loaded from `holidays` on first use."""

    def __init__(self) -> None:
        self._by_year: dict[int, frozenset[date]] = {}
        self._weekdays_by_year: dict[int, tuple[date, ...]] = {}
        self._lock = threading.Lock()

    def __contains__(self, day: object) -> bool:
        if isinstance(day, datetime):
            day = day.date()
        return isinstance(day, date) and day in self.for_year(day.year)

    def __repr__(self) -> str:
        return f"<BankHolidays England and Wales, {len(self._by_year)} years loaded>"

    def for_year(self, year: int) -> frozenset[date]:
        """All of `year`'s holidays, weekend ones included."""
        days = self._by_year.get(year)
        if days is None:
            days = self._load(year)
        return days

    def weekday_holidays(self, year: int) -> tuple[date, ...]:
        """`year`'s holidays that fall Monday to Friday, in date order."""
        days = self._weekdays_by_year.get(year)
        if days is None:
            self._load(year)
            days = self._weekdays_by_year[year]
        return days

    def _load(self, year: int) -> frozenset[date]:
        with self._lock:
            if year not in self._by_year:
                days = _shipped()[year] if year in SHIPPED_YEARS else england_and_wales_holidays([year])
                self._weekdays_by_year[year] = _sorted_weekdays(days)
                self._by_year[year] = days
            return self._by_year[year]


@lru_cache(maxsize=1)
def _shipped() -> dict[int, frozenset[date]]:
    """SHIPPED_YEARS' holidays from bank_holidays.txt: one ISO date and its name a line, # for comments."""
    by_year: dict[int, set[date]] = {year: set() for year in SHIPPED_YEARS}
    for line in SHIPPED_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            day = date.fromisoformat(line[:10])
            by_year[day.year].add(day)
    return {year: frozenset(days) for year, days in by_year.items()}


def shipped_file_text() -> str:
    """bank_holidays.txt as the `holidays` package makes it now."""
    import holidays as holidays_package

    calendar = holidays_package.country_holidays("GB", subdiv="ENG", years=list(SHIPPED_YEARS))
    lines = [
        "# Christmas Day, Good Friday and the bank holidays in England and Wales, "
        f"{SHIPPED_YEARS[0]}-{SHIPPED_YEARS[-1]},",
        f"# from the holidays package {holidays_package.__version__} (GB, subdivision ENG).",
        "# Written by `python -m tracker.domain.working_days`; tests/unit checks it against the package.",
        *(f"{day.isoformat()} {name}" for day, name in sorted(calendar.items())),
    ]
    return "\n".join(lines) + "\n"


BANK_HOLIDAYS: Final = BankHolidays()
"""The shared, lazily filled England and Wales calendar: pass it wherever `holidays` is asked for."""


def is_working_day(day: date, holidays: Container[date]) -> bool:
    """True unless `day` is a Saturday, a Sunday or in `holidays`."""
    return day.weekday() < 5 and day not in holidays


def non_working_day_name(day: date, holidays: Container[date]) -> str | None:
    """Why `day` is not a working day ("Saturday", "Sunday" or "bank holiday"), or None when it is one."""
    if day.weekday() >= 5:
        return f"{day:%A}"
    return "bank holiday" if day in holidays else None


def next_working_day(day: date, holidays: Container[date]) -> date:
    """The first working day strictly after `day`."""
    return _step_to_working_day(day, _ONE_DAY, holidays)


def previous_working_day(day: date, holidays: Container[date]) -> date:
    """The last working day strictly before `day`."""
    return _step_to_working_day(day, -_ONE_DAY, holidays)


def working_day_on_or_before(day: date, holidays: Container[date]) -> date:
    """`day` itself if it is a working day, otherwise the previous working day."""
    return day if is_working_day(day, holidays) else previous_working_day(day, holidays)


def add_working_days(
    start: date, days: int, holidays: Container[date], *, counting: Counting = "beginning_with"
) -> date:
    """The `days`-th working day of a period counted from `start`.

    "beginning_with": `start` is day 1 if it is a working day, otherwise the next working day
    is; `days` must be at least 1. "after": the first working day after `start` is day 1;
    `days` = 0 gives `start` itself and a negative `days` counts back, so that always
    `working_days_between(start, add_working_days(start, days, h, counting="after"), h) == days`.
    """
    if counting == "beginning_with":
        if days < 1:
            raise ValueError("A period beginning with its anchor day is at least 1 working day long")
        return _add_after(start - _ONE_DAY, days, holidays)
    if counting == "after":
        return _add_after(start, days, holidays)
    raise ValueError(f"Unknown counting {counting!r}: expected one of {', '.join(COUNTINGS)}")


def working_days_between(start: date, end: date, holidays: Container[date]) -> int:
    """Working days after `start` up to and including `end`; negative (minus those after `end`
    up to and including `start`) when `end` is before `start`.

    So `working_days_between(today, due_on)` is "due in N working days" when positive and
    "N working days overdue" when negative, 0 on the day itself; it is the inverse of
    `add_working_days(..., counting="after")` and adds up: between(a, b) + between(b, c) ==
    between(a, c).
    """
    if end < start:
        return -working_days_between(end, start, holidays)
    return _weekday_index(end) - _weekday_index(start) - _count_weekday_holidays(start, end, holidays)


def _step_to_working_day(day: date, step: timedelta, holidays: Container[date]) -> date:
    for _ in range(_MAX_NON_WORKING_RUN):
        day += step
        if is_working_day(day, holidays):
            return day
    raise ValueError(f"No working day within {_MAX_NON_WORKING_RUN} days of {day}")


def _add_after(start: date, days: int, holidays: Container[date]) -> date:
    if days == 0:
        return start
    if days > 0:
        return _walk_forward(start, days, holidays)
    return _walk_backward(start, -days, holidays)


def _walk_forward(start: date, days: int, holidays: Container[date]) -> date:
    # Land on the `days`-th weekday after start, then step one weekday further for each
    # weekday holiday after start and on or before the landing day: each one costs a working day.
    index = _weekday_index(start) + days
    landing = _weekday_from_index(index)
    year = start.year
    while year <= landing.year:
        year_holidays = _weekday_holidays(year, holidays)
        if year == start.year:
            year_holidays = year_holidays[bisect_right(year_holidays, start) :]
        for holiday in year_holidays:
            if holiday > landing:
                return landing
            index += 1
            landing = _weekday_from_index(index)
        year += 1
    return landing


def _walk_backward(start: date, days: int, holidays: Container[date]) -> date:
    # The mirror image, except that a holiday on the landing day itself also pushes it back:
    # the answer must be a working day.
    index = _weekday_index(start) - days
    landing = _weekday_from_index(index)
    year = start.year
    while year >= landing.year:
        year_holidays = _weekday_holidays(year, holidays)
        if year == start.year:
            year_holidays = year_holidays[: bisect_right(year_holidays, start)]
        for holiday in reversed(year_holidays):
            if holiday < landing:
                return landing
            index -= 1
            landing = _weekday_from_index(index)
        year -= 1
    return landing


def _weekday_index(day: date) -> int:
    """How many Mondays to Fridays there are from 1 January year 1 (a Monday) to `day`, inclusive."""
    weeks, days_into_week = divmod(day.toordinal() - 1, 7)
    return 5 * weeks + min(days_into_week + 1, 5)


def _weekday_from_index(index: int) -> date:
    """The Monday-to-Friday date whose `_weekday_index` is `index`."""
    weeks, weekday = divmod(index - 1, 5)
    return date.fromordinal(1 + 7 * weeks + weekday)


def _count_weekday_holidays(start: date, end: date, holidays: Container[date]) -> int:
    """Weekday holidays after `start` up to and including `end` (`start` <= `end`)."""
    total = 0
    for year in range(start.year, end.year + 1):
        days = _weekday_holidays(year, holidays)
        total += bisect_right(days, end) - bisect_right(days, start)
    return total


def _weekday_holidays(year: int, holidays: Container[date]) -> tuple[date, ...]:
    if isinstance(holidays, BankHolidays):
        return holidays.weekday_holidays(year)
    if isinstance(holidays, frozenset):
        return _frozenset_weekday_holidays(holidays, year)
    return _sorted_weekdays(day for day in _days_of_year(year) if day in holidays)


@lru_cache(maxsize=512)
def _frozenset_weekday_holidays(holidays: frozenset[date], year: int) -> tuple[date, ...]:
    return _sorted_weekdays(day for day in holidays if isinstance(day, date) and day.year == year)


def _sorted_weekdays(days: Iterable[date]) -> tuple[date, ...]:
    return tuple(sorted(day for day in days if day.weekday() < 5))


def _days_of_year(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += _ONE_DAY


__all__ = [
    "BANK_HOLIDAYS",
    "COUNTINGS",
    "BankHolidays",
    "Counting",
    "add_working_days",
    "england_and_wales_holidays",
    "is_working_day",
    "next_working_day",
    "previous_working_day",
    "working_day_on_or_before",
    "working_days_between",
]


if __name__ == "__main__":
    SHIPPED_FILE.write_text(shipped_file_text(), encoding="utf-8")
    print(f"Wrote {SHIPPED_FILE}")
