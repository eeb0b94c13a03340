"""How a statutory deadline's countdown reads on the inspection page."""

from __future__ import annotations

from datetime import date

from tracker.inspections.deadlines import deadline_status
from tracker.models import StatutoryDeadline


def status(due_on: date, today: date, due_soon_working_days: int = 10):  # noqa: ANN201
    return deadline_status(StatutoryDeadline(due_on=due_on), today, due_soon_working_days=due_soon_working_days)


def test_due_today_only_on_the_day_and_a_weekend_date_is_named() -> None:
    friday, saturday = date(2026, 12, 4), date(2026, 12, 5)
    assert status(friday, friday).text == "Due today"
    # A date moved by hand to a Saturday: on the Friday before, it is not "Due today".
    assert status(saturday, friday).text == ("Due Saturday 5 December 2026 (not a working day)")
    assert status(saturday, date(2026, 12, 7)).text == "Missed by 1 working day"


def test_due_soon_follows_the_due_soon_setting() -> None:
    tuesday, five_working_days_on = date(2026, 11, 24), date(2026, 12, 1)
    soon = status(five_working_days_on, tuesday)
    assert (soon.state, soon.tag_text, soon.text) == ("due_soon", "Due soon", "Due in 5 working days")
    later = status(five_working_days_on, tuesday, due_soon_working_days=4)
    assert (later.state, later.tag_text, later.text) == ("upcoming", "Open", "Due in 5 working days")
