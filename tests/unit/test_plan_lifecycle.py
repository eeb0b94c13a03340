"""The plan's lifecycle and whether its publication met the statutory deadline."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.plan_lifecycle import can_move, next_statuses, publication_outcome
from tracker.domain.working_days import BANK_HOLIDAYS


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("draft", "consultation", True),
        ("draft", "published", True),
        ("draft", "closed", False),
        ("consultation", "draft", True),
        ("consultation", "published", True),
        ("published", "closed", True),
        ("published", "draft", False),
        ("published", "consultation", False),
        ("closed", "published", True),
        ("closed", "draft", False),
    ],
)
def test_transitions(current: str, new: str, allowed: bool) -> None:
    assert can_move(current, new) is allowed


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown plan status"):
        next_statuses("archived")


def test_leicester_published_on_its_statutory_date_met_it() -> None:
    # Leicester's JAR plan was due, and published, on Tuesday 9 September 2008.
    outcome = publication_outcome(date(2008, 9, 9), date(2008, 9, 9), BANK_HOLIDAYS)
    assert outcome.met and outcome.label == "Met"


def test_early_publication_met_it() -> None:
    assert publication_outcome(date(2008, 8, 1), date(2008, 9, 9), BANK_HOLIDAYS).met


@pytest.mark.parametrize(
    ("published_on", "late_by", "label"),
    [
        (date(2008, 9, 10), 1, "Missed by 1 working day"),
        (date(2008, 9, 15), 4, "Missed by 4 working days"),  # Wed, Thu, Fri, Mon
        (date(2008, 9, 13), 3, "Missed by 3 working days"),  # a Saturday counts from the Friday before
    ],
)
def test_late_publication_missed_it_by_working_days(published_on: date, late_by: int, label: str) -> None:
    outcome = publication_outcome(published_on, date(2008, 9, 9), BANK_HOLIDAYS)
    assert not outcome.met
    assert outcome.working_days_late == late_by
    assert outcome.label == label


def test_late_over_a_bank_holiday() -> None:
    # Due Friday 22 August 2008; Monday 25 August was the summer bank holiday.
    outcome = publication_outcome(date(2008, 8, 26), date(2008, 8, 22), BANK_HOLIDAYS)
    assert outcome.working_days_late == 1
