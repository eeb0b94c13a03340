"""Default due dates for actions from their recommendation's timescale (DESIGN §5).

Immediate actions are due with the action plan; the other timescales run whole calendar months
from the report's publication. Each inspection can change the months, so the rule travels
as a `DueDatePolicy`.
"""

from __future__ import annotations

import calendar
from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from tracker.domain.vocabulary import TIMESCALES, Timescale
from tracker.domain.working_days import working_day_on_or_before

# "action_plan": immediate actions are due on the action plan's statutory date.
# "three_months": they are due like the three-month timescale, for councils that set their own.
ImmediateDue = Literal["action_plan", "three_months"]
IMMEDIATE_DUE_CHOICES: Final[tuple[ImmediateDue, ...]] = ("action_plan", "three_months")


@dataclass(frozen=True)
class DueDatePolicy:
    """How an inspection turns a recommendation's timescale into a default due date."""

    immediate: ImmediateDue = "action_plan"
    three_months_months: int = 3
    six_months_months: int = 6
    longer_term_months: int = 18
    improvement_months: int = 12

    def __post_init__(self) -> None:
        if self.immediate not in IMMEDIATE_DUE_CHOICES:
            choices = ", ".join(IMMEDIATE_DUE_CHOICES)
            raise ValueError(f"Unknown immediate rule {self.immediate!r}: expected one of {choices}")
        months = (
            self.three_months_months,
            self.six_months_months,
            self.longer_term_months,
            self.improvement_months,
        )
        if min(months) < 1:
            raise ValueError("A timescale is at least 1 month after publication")

    def months_after_publication(self, timescale: str) -> int | None:
        """Calendar months from publication for `timescale`; None when it follows the action plan."""
        if timescale == Timescale.IMMEDIATE:
            return None if self.immediate == "action_plan" else self.three_months_months
        months: dict[str, int] = {
            Timescale.THREE_MONTHS: self.three_months_months,
            Timescale.SIX_MONTHS: self.six_months_months,
            Timescale.LONGER_TERM: self.longer_term_months,
            Timescale.IMPROVEMENT: self.improvement_months,
        }
        if timescale not in months:
            raise ValueError(f"Unknown timescale {timescale!r}: expected one of {', '.join(TIMESCALES)}")
        return months[timescale]


def add_calendar_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, kept within the month: 31 August + 6 months = end of February."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def timescale_limit(
    timescale: str,
    *,
    published_on: date | None,
    action_plan_due_on: date | None,
    policy: DueDatePolicy,
) -> date | None:
    """The latest date an action in `timescale` should be due (for warnings); None while unknown."""
    months = policy.months_after_publication(timescale)
    if months is None:
        return action_plan_due_on
    if published_on is None:
        return None
    return add_calendar_months(published_on, months)


def default_due_on(
    timescale: str,
    *,
    published_on: date | None,
    action_plan_due_on: date | None,
    policy: DueDatePolicy,
    holidays: Container[date],
) -> date | None:
    """The timescale's limit, moved back to the previous working day if it is not one; None while unknown."""
    limit = timescale_limit(timescale, published_on=published_on, action_plan_due_on=action_plan_due_on, policy=policy)
    return None if limit is None else working_day_on_or_before(limit, holidays)


__all__ = [
    "IMMEDIATE_DUE_CHOICES",
    "DueDatePolicy",
    "ImmediateDue",
    "add_calendar_months",
    "default_due_on",
    "timescale_limit",
]
