"""How a statutory deadline's countdown reads on the inspection page."""

from __future__ import annotations

from datetime import date

from tracker.inspections.deadlines import deadline_status
from tracker.models import StatutoryDeadline


def test_due_today_only_on_the_day_and_a_weekend_date_is_named() -> None:
    friday, saturday = date(2026, 12, 4), date(2026, 12, 5)
    assert deadline_status(StatutoryDeadline(due_on=friday), friday).text == "Due today"
    # A date moved by hand to a Saturday: on the Friday before, it is not "Due today".
    assert deadline_status(StatutoryDeadline(due_on=saturday), friday).text == (
        "Due Saturday 5 December 2026 (not a working day)"
    )
    assert deadline_status(StatutoryDeadline(due_on=saturday), date(2026, 12, 7)).text == "Missed by 1 working day"
