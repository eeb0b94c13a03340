"""How a due date reads on pages and in emails (tracker/domain/due_phrase.py)."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.due_phrase import due_phrase
from tracker.domain.working_days import BANK_HOLIDAYS, working_days_between

FRIDAY = date(2026, 12, 4)
SATURDAY = date(2026, 12, 5)
SUNDAY = date(2026, 12, 6)
MONDAY = date(2026, 12, 7)


def phrase(due_on: date | None, today: date, *, dated: bool = False) -> str:
    days = working_days_between(today, due_on, BANK_HOLIDAYS) if due_on else None
    return due_phrase(due_on, days, today, dated=dated)


@pytest.mark.parametrize(
    ("due_on", "today", "expected"),
    [
        (None, FRIDAY, "No due date"),
        (FRIDAY, FRIDAY, "Due today"),
        (SATURDAY, SATURDAY, "Due today"),
        (MONDAY, FRIDAY, "Due in 1 working day"),
        (date(2026, 12, 9), FRIDAY, "Due in 3 working days"),
        (date(2026, 12, 3), FRIDAY, "1 working day overdue"),
        (date(2026, 12, 1), FRIDAY, "3 working days overdue"),
        # The working day before a weekend or bank-holiday due date is not "today".
        (SATURDAY, FRIDAY, "Due Saturday 5 December 2026 (not a working day)"),
        (SUNDAY, FRIDAY, "Due Sunday 6 December 2026 (not a working day)"),
        (SUNDAY, SATURDAY, "Due Sunday 6 December 2026 (not a working day)"),
        (date(2026, 12, 25), date(2026, 12, 24), "Due Friday 25 December 2026 (not a working day)"),
        (date(2026, 12, 28), date(2026, 12, 24), "Due Monday 28 December 2026 (not a working day)"),
        # Nor is the weekend after a due date.
        (FRIDAY, SATURDAY, "Was due Friday 4 December 2026"),
        (SATURDAY, SUNDAY, "Was due Saturday 5 December 2026"),
        (SATURDAY, MONDAY, "1 working day overdue"),
    ],
)
def test_due_phrase(due_on: date | None, today: date, expected: str) -> None:
    assert phrase(due_on, today) == expected


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        (FRIDAY, "Due today, 4 December 2026"),
        (SATURDAY, "Due Saturday 5 December 2026 (not a working day)"),
        (date(2026, 12, 9), "Due 9 December 2026, in 3 working days"),
        (date(2026, 12, 1), "Due 1 December 2026, 3 working days overdue"),
    ],
)
def test_dated_due_phrase_for_emails(due_on: date, expected: str) -> None:
    assert phrase(due_on, FRIDAY, dated=True) == expected
