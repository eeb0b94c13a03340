"""The tracker's words for an action's status, its RAG rating and its recommendation's timescale.

One definition of each: the values stored in the database (tracker.models re-exports these enums,
so a value never changes without a migration), the order that lists, counts and keys show them
in, and the words people read on pages, in emails, spreadsheets and the printed report.
RAG: Red = off track, Amber = at risk, Green = on track, Blue = complete (DESIGN §2).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    NO_LONGER_REQUIRED = "no_longer_required"

    @property
    def label(self) -> str:
        """ "Not started", "No longer required"."""
        return STATUS_LABELS[self]


STATUS_LABELS: Final[dict[str, str]] = {
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.COMPLETE: "Complete",
    ActionStatus.NO_LONGER_REQUIRED: "No longer required",
}
STATUSES: Final = tuple(ActionStatus)
OPEN_STATUSES: Final = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
# An action that is no longer required needs no more work, so it rates blue like a complete one;
# its status, not its colour, says which it was.
CLOSED_STATUSES: Final = (ActionStatus.COMPLETE, ActionStatus.NO_LONGER_REQUIRED)


class Rag(StrEnum):
    """The four ratings, most urgent first: lists, counts and keys show them in this order."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"

    @property
    def word(self) -> str:
        """ "Red": the colour word, for table cells beside a key."""
        return RAG_WORDS[self]

    @property
    def meaning(self) -> str:
        """ "off track"."""
        return RAG_MEANINGS[self]

    @property
    def label(self) -> str:
        """ "Red – off track": the word with its meaning, where there is no key beside it."""
        return f"{self.word} – {self.meaning}"


# The key counts, reports and emails use for an action with no rating yet.
NOT_RATED: Final = "none"
RAG_ORDER: Final = tuple(Rag)
# The columns of a count by rating: the four ratings, then not rated. Plain strings, as stored.
RATING_KEYS: Final[tuple[str, ...]] = (*(rag.value for rag in RAG_ORDER), NOT_RATED)
RAG_WORDS: Final[dict[str, str]] = {
    Rag.RED: "Red",
    Rag.AMBER: "Amber",
    Rag.GREEN: "Green",
    Rag.BLUE: "Blue",
    NOT_RATED: "Not rated",
}
RAG_MEANINGS: Final[dict[str, str]] = {
    Rag.RED: "off track",
    Rag.AMBER: "at risk",
    Rag.GREEN: "on track",
    Rag.BLUE: "complete",
    NOT_RATED: "no progress recorded yet",
}
# Higher is better: whether an action's rating improved or worsened.
RAG_RANK: Final[dict[str, int]] = {rag: rank for rank, rag in enumerate(RAG_ORDER)}


def rag_word(rag: str | None) -> str:
    """ "Red", or "Not rated" for an action without a rating (None, "" or "none")."""
    return RAG_WORDS[rag or NOT_RATED]


def rag_label(rag: str | None) -> str:
    """ "Red – off track", or "Not rated" for an action without a rating."""
    return Rag(rag).label if rag and rag != NOT_RATED else RAG_WORDS[NOT_RATED]


def rag_key() -> list[tuple[str, str, str]]:
    """(value, word, meaning) for every rating and for not rated, in the order a key shows them."""
    return [(rag, RAG_WORDS[rag], RAG_MEANINGS[rag]) for rag in RATING_KEYS]


class Timescale(StrEnum):
    """When a recommendation is to be acted on, in the order a report lists them."""

    IMMEDIATE = "immediate"
    THREE_MONTHS = "three_months"
    SIX_MONTHS = "six_months"
    LONGER_TERM = "longer_term"
    IMPROVEMENT = "improvement"

    @property
    def label(self) -> str:
        """ "For immediate action"."""
        return TIMESCALE_LABELS[self]


TIMESCALE_LABELS: Final[dict[str, str]] = {
    Timescale.IMMEDIATE: "For immediate action",
    Timescale.THREE_MONTHS: "Within three months",
    Timescale.SIX_MONTHS: "Within six months",
    Timescale.LONGER_TERM: "In the longer term",
    Timescale.IMPROVEMENT: "Areas for improvement",
}
TIMESCALES: Final = tuple(Timescale)


__all__ = [
    "CLOSED_STATUSES",
    "NOT_RATED",
    "OPEN_STATUSES",
    "RAG_MEANINGS",
    "RAG_ORDER",
    "RAG_RANK",
    "RAG_WORDS",
    "RATING_KEYS",
    "STATUSES",
    "STATUS_LABELS",
    "TIMESCALES",
    "TIMESCALE_LABELS",
    "ActionStatus",
    "Rag",
    "Timescale",
    "rag_key",
    "rag_label",
    "rag_word",
]
