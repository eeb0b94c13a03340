"""An action plan's lifecycle (draft → out for consultation → published → closed) and whether its
publication met the statutory deadline."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Final

from tracker.domain.due_phrase import working_days_text
from tracker.domain.working_days import working_days_between

DRAFT: Final = "draft"
CONSULTATION: Final = "consultation"
PUBLISHED: Final = "published"
CLOSED: Final = "closed"
PLAN_STATUSES: Final = (DRAFT, CONSULTATION, PUBLISHED, CLOSED)

PLAN_STATUS_LABELS: Final = {
    DRAFT: "Draft",
    CONSULTATION: "Out for consultation",
    PUBLISHED: "Published",
    CLOSED: "Closed",
}

# A plan can go back to draft from consultation, and a closed plan can be reopened; a published
# plan is never unpublished, because the publication date is what the statutory check rests on.
TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    DRAFT: (CONSULTATION, PUBLISHED),
    CONSULTATION: (DRAFT, PUBLISHED),
    PUBLISHED: (CLOSED,),
    CLOSED: (PUBLISHED,),
}


def next_statuses(current: str) -> tuple[str, ...]:
    """The statuses a plan in `current` can move to."""
    if current not in TRANSITIONS:
        raise ValueError(f"Unknown plan status {current!r}: expected one of {', '.join(PLAN_STATUSES)}")
    return TRANSITIONS[current]


def can_move(current: str, new: str) -> bool:
    return new in next_statuses(current)


def refused_move(current: str, new: str) -> str:
    """Why a plan in `current` cannot become `new`, naming what it can become."""
    allowed = " or ".join(PLAN_STATUS_LABELS[status].lower() for status in next_statuses(current))
    asked = f", not {PLAN_STATUS_LABELS[new].lower()}" if new in PLAN_STATUS_LABELS else ""
    return f"The plan is {PLAN_STATUS_LABELS[current].lower()}: it can become {allowed}{asked}"


@dataclass(frozen=True)
class DeadlineOutcome:
    """How a publication date compares with a statutory due date."""

    met: bool
    working_days_late: int

    @property
    def label(self) -> str:
        if self.met:
            return "Met"
        return f"Missed by {working_days_text(self.working_days_late)}"


def publication_outcome(published_on: date, due_on: date, holidays: Container[date]) -> DeadlineOutcome:
    """Met when published on or before the due date; otherwise missed by the working days after it."""
    if published_on <= due_on:
        return DeadlineOutcome(met=True, working_days_late=0)
    return DeadlineOutcome(met=False, working_days_late=max(1, working_days_between(due_on, published_on, holidays)))


__all__ = [
    "CLOSED",
    "CONSULTATION",
    "DRAFT",
    "PLAN_STATUSES",
    "PLAN_STATUS_LABELS",
    "PUBLISHED",
    "TRANSITIONS",
    "DeadlineOutcome",
    "can_move",
    "next_statuses",
    "publication_outcome",
    "refused_move",
]
