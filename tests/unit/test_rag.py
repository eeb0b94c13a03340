"""The suggested RAG rating for an action's progress update."""

from datetime import date

import pytest

from tracker.domain.rag import RagRule, suggest_rag
from tracker.domain.working_days import BANK_HOLIDAYS

TODAY = date(2025, 11, 3)  # a Monday, with no bank holiday before Christmas
DEFAULT_RULE = RagRule()


@pytest.mark.parametrize(
    ("status", "due_on", "expected"),
    [
        ("complete", date(2025, 10, 1), "blue"),
        ("complete", None, "blue"),
        ("no_longer_required", date(2025, 10, 1), "blue"),
        ("no_longer_required", None, "blue"),
        ("in_progress", None, "green"),
        ("not_started", None, "green"),
        ("in_progress", date(2025, 10, 31), "red"),  # overdue since Friday
        ("not_started", date(2025, 10, 31), "red"),
        ("in_progress", TODAY, "amber"),
        ("in_progress", date(2025, 11, 17), "amber"),  # 10 working days left
        ("in_progress", date(2025, 11, 18), "green"),  # 11
        ("not_started", date(2025, 11, 18), "red"),
        ("not_started", date(2025, 12, 1), "red"),  # 20
        ("not_started", date(2025, 12, 2), "green"),  # 21
        ("in_progress", date(2026, 6, 30), "green"),
    ],
)
def test_default_rule(status: str, due_on: date | None, expected: str) -> None:
    assert suggest_rag(status=status, due_on=due_on, today=TODAY, rule=DEFAULT_RULE, holidays=BANK_HOLIDAYS) == expected


@pytest.mark.parametrize(
    ("status", "due_on", "today", "rule", "expected"),
    [
        # Thresholds count working days: from Monday 15 December 2025, Christmas Day, Boxing Day
        # and New Year's Day do not count, so Wednesday 31 December is 10 working days away.
        ("in_progress", date(2025, 12, 31), date(2025, 12, 15), DEFAULT_RULE, "amber"),
        ("in_progress", date(2026, 1, 2), date(2025, 12, 15), DEFAULT_RULE, "green"),
        # Overdue is a matter of dates: due Friday, seen on Saturday, no working day between.
        ("in_progress", date(2025, 10, 31), date(2025, 11, 1), DEFAULT_RULE, "red"),
        ("in_progress", date(2025, 11, 1), date(2025, 11, 1), DEFAULT_RULE, "amber"),
        # Overdue without the red rule is judged like "due now".
        ("in_progress", date(2025, 10, 31), TODAY, RagRule(red_when_overdue=False), "amber"),
        ("not_started", date(2025, 10, 31), TODAY, RagRule(red_when_overdue=False), "red"),
        (
            "not_started",
            date(2025, 10, 31),
            TODAY,
            RagRule(red_when_overdue=False, red_if_not_started_within_working_days=None),
            "amber",
        ),
        # The not-started rule switched off, or narrowed.
        (
            "not_started",
            date(2025, 11, 18),
            TODAY,
            RagRule(red_if_not_started_within_working_days=None),
            "green",
        ),
        (
            "not_started",
            date(2025, 11, 17),
            TODAY,
            RagRule(red_if_not_started_within_working_days=None),
            "amber",
        ),
        ("not_started", date(2025, 11, 10), TODAY, RagRule(red_if_not_started_within_working_days=5), "red"),
        (
            "not_started",
            date(2025, 11, 11),
            TODAY,
            RagRule(red_if_not_started_within_working_days=5),
            "amber",
        ),
        # A tighter amber window.
        ("in_progress", date(2025, 11, 10), TODAY, RagRule(amber_within_working_days=5), "amber"),
        ("in_progress", date(2025, 11, 11), TODAY, RagRule(amber_within_working_days=5), "green"),
    ],
)
def test_rule_variations(status: str, due_on: date, today: date, rule: RagRule, expected: str) -> None:
    assert suggest_rag(status=status, due_on=due_on, today=today, rule=rule, holidays=BANK_HOLIDAYS) == expected


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown status"):
        suggest_rag(status="done", due_on=None, today=TODAY, rule=DEFAULT_RULE, holidays=BANK_HOLIDAYS)
