"""How a due date reads on pages and in emails: "Due in 3 working days", "2 working days overdue".

One rule for every place that says it: "Due today" only on the due date itself. A due date on a
weekend or bank holiday with no working day before it (the app accepts such dates with a
warning) is named instead, "Due Saturday 5 December 2026 (not a working day)", and a date that
has passed with no working day since reads "Was due …", never "Due today".
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from tracker.domain.formatting import format_date, format_long_date


def working_days_text(count: int) -> str:
    """ "1 working day", "3 working days"."""
    return f"{count} working day{'' if count == 1 else 's'}"


@lru_cache(maxsize=1024)
def due_phrase(due_on: date | None, working_days_to_due: int | None, today: date, *, dated: bool = False) -> str:
    """The due date as words, from `working_days_to_due` = working_days_between(today, due_on). Remembered: an
    email says it for each action in both its parts, and a day's digests for the same few hundred dates (issue 17).

    `dated` adds the date, for emails read away from the page: "Due 9 December 2026, in 3 working days".
    """
    if due_on is None or working_days_to_due is None:
        return "No due date"
    shown = format_date(due_on)
    if due_on == today:
        return f"Due today, {shown}" if dated else "Due today"
    if working_days_to_due == 0:
        if due_on > today:
            return f"Due {format_long_date(due_on)} (not a working day)"
        return f"Was due {format_long_date(due_on)}"
    if working_days_to_due < 0:
        overdue = f"{working_days_text(-working_days_to_due)} overdue"
        return f"Due {shown}, {overdue}" if dated else overdue
    left = working_days_text(working_days_to_due)
    return f"Due {shown}, in {left}" if dated else f"Due in {left}"
