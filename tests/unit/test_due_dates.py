"""Default action due dates from a recommendation's timescale."""

from datetime import date

import pytest

from tracker.domain.due_dates import DueDatePolicy, add_calendar_months, default_due_on, timescale_limit
from tracker.domain.working_days import BANK_HOLIDAYS

DEFAULT_POLICY = DueDatePolicy()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2008, 1, 31), 1, date(2008, 2, 29)),
        (date(2021, 11, 30), 3, date(2022, 2, 28)),
        (date(2022, 3, 31), 1, date(2022, 4, 30)),
        (date(2008, 6, 3), 18, date(2009, 12, 3)),
        (date(2021, 12, 31), 12, date(2022, 12, 31)),
        (date(2022, 3, 31), -1, date(2022, 2, 28)),
        (date(2022, 3, 15), 0, date(2022, 3, 15)),
    ],
)
def test_add_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_calendar_months(day, months) == expected


@pytest.mark.parametrize(
    ("timescale", "published_on", "action_plan_due_on", "expected"),
    [
        # Leicestershire JAR, published Tuesday 3 June 2008, action plan due 9 September 2008.
        ("immediate", date(2008, 6, 3), date(2008, 9, 9), date(2008, 9, 9)),
        ("three_months", date(2008, 6, 3), date(2008, 9, 9), date(2008, 9, 3)),
        ("six_months", date(2008, 6, 3), date(2008, 9, 9), date(2008, 12, 3)),
        ("improvement", date(2008, 6, 3), date(2008, 9, 9), date(2009, 6, 3)),
        ("longer_term", date(2008, 6, 3), date(2008, 9, 9), date(2009, 12, 3)),
        # ILACS published Friday 1 April 2022: weekend limits move back to the Friday.
        ("six_months", date(2022, 4, 1), date(2022, 7, 15), date(2022, 9, 30)),  # Sat 1 Oct
        ("longer_term", date(2022, 4, 1), date(2022, 7, 15), date(2023, 9, 29)),  # Sun 1 Oct
        ("improvement", date(2022, 4, 1), date(2022, 7, 15), date(2023, 3, 31)),  # Sat 1 Apr
        ("three_months", date(2022, 4, 1), date(2022, 7, 15), date(2022, 7, 1)),
        # Limits on bank holidays: Tuesday 27 December 2022 (substitute day) back past Boxing
        # Day and the weekend; Good Friday 7 April 2023 back to Thursday.
        ("six_months", date(2022, 6, 27), None, date(2022, 12, 23)),
        ("six_months", date(2022, 10, 7), None, date(2023, 4, 6)),
        # Month-end clamping: 31 August + 6 months.
        ("six_months", date(2023, 8, 31), None, date(2024, 2, 29)),
        ("six_months", date(2022, 8, 31), None, date(2023, 2, 28)),
        # Unknown anchors.
        ("immediate", date(2008, 6, 3), None, None),
        ("six_months", None, date(2008, 9, 9), None),
    ],
)
def test_default_due_on(
    timescale: str, published_on: date | None, action_plan_due_on: date | None, expected: date | None
) -> None:
    due_on = default_due_on(
        timescale,
        published_on=published_on,
        action_plan_due_on=action_plan_due_on,
        policy=DEFAULT_POLICY,
        holidays=BANK_HOLIDAYS,
    )
    assert due_on == expected


@pytest.mark.parametrize(
    ("timescale", "policy", "expected"),
    [
        ("immediate", DueDatePolicy(immediate="three_months"), date(2008, 9, 3)),
        ("immediate", DueDatePolicy(immediate="three_months", three_months_months=1), date(2008, 7, 3)),
        ("six_months", DueDatePolicy(six_months_months=4), date(2008, 10, 3)),
        ("longer_term", DueDatePolicy(longer_term_months=24), date(2010, 6, 3)),
        ("improvement", DueDatePolicy(improvement_months=9), date(2009, 3, 3)),
    ],
)
def test_policy_is_configurable_per_inspection(timescale: str, policy: DueDatePolicy, expected: date) -> None:
    due_on = default_due_on(
        timescale,
        published_on=date(2008, 6, 3),
        action_plan_due_on=date(2008, 9, 9),
        policy=policy,
        holidays=BANK_HOLIDAYS,
    )
    assert due_on == expected


@pytest.mark.parametrize(
    ("timescale", "published_on", "action_plan_due_on", "expected"),
    [
        # The limit is the calendar date itself: a due date on the Saturday is not "late".
        ("six_months", date(2022, 4, 1), None, date(2022, 10, 1)),
        ("immediate", date(2022, 4, 1), date(2022, 7, 15), date(2022, 7, 15)),
        ("longer_term", date(2008, 6, 3), None, date(2009, 12, 3)),
        ("six_months", None, None, None),
        ("immediate", date(2022, 4, 1), None, None),
    ],
)
def test_timescale_limit(
    timescale: str, published_on: date | None, action_plan_due_on: date | None, expected: date | None
) -> None:
    limit = timescale_limit(
        timescale, published_on=published_on, action_plan_due_on=action_plan_due_on, policy=DEFAULT_POLICY
    )
    assert limit == expected


def test_unknown_timescale_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown timescale"):
        timescale_limit("soon", published_on=date(2008, 6, 3), action_plan_due_on=None, policy=DEFAULT_POLICY)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"immediate": "publication"}, "Unknown immediate rule"),
        ({"six_months_months": 0}, "at least 1 month"),
    ],
)
def test_policy_must_make_sense(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DueDatePolicy(**changes)  # type: ignore[arg-type]
