"""The rules a progress update must meet, whichever form or link it arrives through.

A narrative explains anything a reader of the plan would ask about: a Red or Amber rating,
completion, closing an action as no longer required, and a rating other than the suggested one.
Blue means complete, so it goes with a closed status and only with one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from tracker.domain.vocabulary import CLOSED_STATUSES, RAG_ORDER, RAG_WORDS, STATUSES, ActionStatus, Rag

NARRATIVE_LIMIT: Final = 2000
REASON_LIMIT: Final = 1000
EVIDENCE_LINK_LIMIT: Final = 10
EVIDENCE_LINK_LENGTH: Final = 500

_LINK = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(frozen=True)
class ProgressInput:
    """What someone submitted as a progress update."""

    status: str
    rag: str
    narrative: str = ""
    evidence_links: str = ""
    requested_due_on: date | None = None
    request_reason: str = ""


def evidence_links(text: str) -> list[str]:
    """The non-blank lines of an evidence box, each one link."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def narrative_reason(status: str, rag: str, suggested_rag: str) -> str | None:
    """Why a narrative is needed for this update, as the error to show when it is missing; None if optional."""
    if status == ActionStatus.COMPLETE:
        return "Enter a narrative saying what was done to complete the action"
    if status == ActionStatus.NO_LONGER_REQUIRED:
        return "Enter a narrative saying why the action is no longer required"
    if rag in (Rag.RED, Rag.AMBER):
        return f"Enter a narrative explaining the {RAG_WORDS[rag]} rating"
    if rag != suggested_rag:
        return (
            f"Enter a narrative explaining why you chose {RAG_WORDS.get(rag, rag)} "
            f"when the suggested rating is {RAG_WORDS.get(suggested_rag, suggested_rag)}"
        )
    return None


def rating_mismatch(status: str, rag: str) -> str | None:
    """Why this rating cannot go with this status (Blue with a closed status, and only then); None if it can."""
    if rag == Rag.BLUE and status not in CLOSED_STATUSES:
        return "Blue means complete: choose Complete or No longer required as the status, or another rating"
    if rag != Rag.BLUE and status in CLOSED_STATUSES:
        return "A complete action or one no longer required is rated Blue"
    return None


def _rating_errors(update: ProgressInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if update.status not in STATUSES:
        errors["status"] = "Select a status"
    if update.rag not in RAG_ORDER:
        errors["rag"] = "Select a RAG rating"
    elif mismatch := rating_mismatch(update.status, update.rag):
        errors["rag"] = mismatch
    return errors


def _evidence_errors(text: str) -> str | None:
    links = evidence_links(text)
    if len(links) > EVIDENCE_LINK_LIMIT:
        return f"Enter no more than {EVIDENCE_LINK_LIMIT} evidence links"
    for link in links:
        if len(link) > EVIDENCE_LINK_LENGTH or not _LINK.match(link):
            return "Enter each evidence link on its own line, starting https:// or http://"
    return None


def _request_errors(
    update: ProgressInput, *, current_due_on: date | None, published_on: date | None, today: date | None
) -> dict[str, str]:
    """A revised due date is a date to work to: after today, and not the date the action already has.

    It is normally later than the current due date; an earlier one (bringing the action forward) is allowed.
    """
    errors: dict[str, str] = {}
    reason = update.request_reason.strip()
    if update.requested_due_on is None:
        if reason:
            errors["requested_due_on"] = "Enter the revised due date you are asking for"
        return errors
    if not reason:
        errors["request_reason"] = "Enter the reason for the revised due date"
    elif len(reason) > REASON_LIMIT:
        errors["request_reason"] = f"Reason must be {REASON_LIMIT:,} characters or fewer"
    if current_due_on is not None and update.requested_due_on == current_due_on:
        errors["requested_due_on"] = "Revised due date must be different from the current due date"
    elif today is not None and update.requested_due_on <= today:
        errors["requested_due_on"] = "Revised due date must be in the future"
    elif published_on is not None and update.requested_due_on < published_on:
        errors["requested_due_on"] = "Revised due date must be on or after the report's publication date"
    return errors


def progress_errors(
    update: ProgressInput,
    *,
    suggested_rag: str,
    current_due_on: date | None = None,
    published_on: date | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """Field name → the first error for that field; empty when the update can be recorded."""
    errors = _rating_errors(update)
    narrative = update.narrative.strip()
    if len(update.narrative) > NARRATIVE_LIMIT:
        errors["narrative"] = f"Narrative must be {NARRATIVE_LIMIT:,} characters or fewer"
    elif not narrative and not errors:
        reason = narrative_reason(update.status, update.rag, suggested_rag)
        if reason:
            errors["narrative"] = reason
    evidence = _evidence_errors(update.evidence_links)
    if evidence:
        errors["evidence_links"] = evidence
    errors.update(_request_errors(update, current_due_on=current_due_on, published_on=published_on, today=today))
    return errors


__all__ = [
    "EVIDENCE_LINK_LIMIT",
    "NARRATIVE_LIMIT",
    "REASON_LIMIT",
    "ProgressInput",
    "evidence_links",
    "narrative_reason",
    "progress_errors",
    "rating_mismatch",
]
