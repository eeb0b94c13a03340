"""The RAG rating the progress form suggests for an action; the owner can still choose another.

Red = off track, amber = at risk, green = on track, blue = complete (DESIGN §2).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from tracker.domain.vocabulary import CLOSED_STATUSES, STATUSES, ActionStatus, Rag
from tracker.domain.working_days import working_days_between


@dataclass(frozen=True)
class RagRule:
    """An inspection's thresholds for suggesting red and amber; None turns the not-started rule off."""

    amber_within_working_days: int = 10
    red_when_overdue: bool = True
    red_if_not_started_within_working_days: int | None = 20


def suggest_rag(*, status: str, due_on: date | None, today: date, rule: RagRule, holidays: Container[date]) -> Rag:
    """Blue when closed; red when overdue, or not started and due within the red threshold; amber
    when due within the amber threshold; otherwise green (also when there is no due date).

    "Due within N working days" means `working_days_between(today, due_on)` is at most N, so an
    action due today is within any threshold. With `red_when_overdue` off an overdue action is
    judged by the same thresholds as one due today.
    """
    if status not in STATUSES:
        raise ValueError(f"Unknown status {status!r}: expected one of {', '.join(STATUSES)}")
    if status in CLOSED_STATUSES:
        return Rag.BLUE
    if due_on is None:
        return Rag.GREEN
    if rule.red_when_overdue and today > due_on:
        return Rag.RED
    working_days_left = working_days_between(today, due_on, holidays)
    red_threshold = rule.red_if_not_started_within_working_days
    if status == ActionStatus.NOT_STARTED and red_threshold is not None and working_days_left <= red_threshold:
        return Rag.RED
    if working_days_left <= rule.amber_within_working_days:
        return Rag.AMBER
    return Rag.GREEN


# STATUSES is the vocabulary's, re-exported for the callers that check a status before suggesting.
__all__ = [
    "STATUSES",
    "RagRule",
    "suggest_rag",
]
