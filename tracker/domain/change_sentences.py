"""What happened to a plan, in sentences a person would write: "Tom Hughes is now the owner of 4.1",
"Revised due date for 2.3 approved: 20 November 2026 → 26 February 2027 (reason: …)".

Built from the history's rows (one changed field each) for the weekly programme summary: no field
names, no stored values such as "in_progress" or "2026-11-20", and nothing said twice (the status
and rating a progress update sets are told by the update itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from tracker.domain.formatting import format_date
from tracker.domain.text import shorten
from tracker.domain.vocabulary import STATUS_LABELS, rag_label

# The history note on the due date an approved request moves, followed by the owner's reason.
REVISED_DUE_DATE_APPROVED: Final = "Revised due date approved"
# The history note on the status and rating a progress update sets.
PROGRESS_NOTE: Final = "Progress update"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LONGEST_VALUE = 80
PLAN_STATUS_WORDS: Final = {"draft": "draft", "consultation": "out for consultation", "published": "published",
                            "closed": "closed"}  # fmt: skip
# What an action's other fields are called in a sentence ("The success criteria of 4.1 changed").
ACTION_FIELD_WORDS: Final = {
    "success_criteria": "success criteria",
    "description": "description",
    "lead_agency": "lead agency",
    "start_on": "start date",
    "reference": "reference",
}
INSPECTION_FIELD_WORDS: Final = {
    "published_on": "date the report was published",
    "received_on": "date the report was received",
    "plan_published_on": "date the plan was published",
    "overall_judgement": "overall judgement",
    "authority": "local authority",
    "title": "inspection's title",
}


@dataclass(frozen=True)
class HistoryRow:
    """One row of the history, with what names its subject: the action's reference, the deadline's title."""

    entity_type: str
    field: str
    old: str | None
    new: str | None
    note: str = ""
    action_reference: str = ""
    subject: str = ""


def shown(value: str | None) -> str:
    """A stored value as people read it: dates in GOV.UK style, statuses and ratings in words, long text cut."""
    text = (value or "").strip()
    if _ISO_DATE.match(text[:10]) and (len(text) == 10 or text[10] == "T"):
        return format_date(date.fromisoformat(text[:10]))
    if text in STATUS_LABELS:
        return STATUS_LABELS[text]
    return shorten(text, _LONGEST_VALUE)


def _arrow(old: str | None, new: str | None) -> str:
    return f"{shown(old)} → {shown(new)}"


def _with_reason(sentence: str, reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return f"{sentence} (reason: {shorten(reason, 200)})" if reason else sentence


def describe_row(row: HistoryRow) -> str | None:
    """The row as a sentence, or None when it says nothing a reader needs (told elsewhere, or internal)."""
    if row.field == "meeting":
        return f"Meeting added: {shown(row.new)}" if row.new else f"Meeting removed: {shown(row.old)}"
    if row.entity_type == "actions":
        return _action_sentence(row)
    if row.entity_type == "progress_updates" and row.field == "request_state":
        return _decision_sentence(row)
    if row.entity_type == "statutory_deadlines":
        return _deadline_sentence(row)
    if row.entity_type == "deadline_checklist_items" and row.field == "done_on":
        what = row.subject or "A checklist line"
        return f"Ticked: {what} ({shown(row.new)})" if row.new else f"Unticked: {what}"
    if row.entity_type == "inspections":
        return _inspection_sentence(row)
    if row.entity_type == "recommendations":
        return f"Recommendation {row.subject} changed" if row.subject else "A recommendation changed"
    return None


def _action_sentence(row: HistoryRow) -> str | None:  # noqa: C901 - one branch per field, each one line
    ref, field = row.action_reference or "an action", row.field
    if row.note == PROGRESS_NOTE and field in ("status", "rag", "completed_on"):
        return None
    if field == "created":
        return f"Action added: {shown(row.new)}"
    if field == "deleted":
        return f"Action deleted: {shown(row.old)}"
    if field in ("owner", "owner_id"):
        return f"{shown(row.new)} is now the owner of {ref}" if row.new else f"{ref} no longer has an owner"
    if field == "due_on":
        if row.note.startswith(REVISED_DUE_DATE_APPROVED):
            reason = row.note.removeprefix(REVISED_DUE_DATE_APPROVED).lstrip(": ")
            return _with_reason(f"Revised due date for {ref} approved: {_arrow(row.old, row.new)}", reason)
        if not row.old:
            return f"{ref} is due {shown(row.new)}"
        return _with_reason(f"Due date of {ref} changed: {_arrow(row.old, row.new)}", row.note)
    if field == "status":
        return f"{ref} marked “{shown(row.new)}”"
    if field == "rag":
        return f"{ref} rated {rag_label(row.new)}" if row.new else f"{ref} no longer rated"
    if field == "title":
        return f"{ref} renamed “{shown(row.new)}”"
    if field == "archived_at":
        return f"{ref} archived" if row.new else f"{ref} brought back from the archive"
    if field in ACTION_FIELD_WORDS:
        words = ACTION_FIELD_WORDS[field]
        return f"The {words} of {ref} is now {shown(row.new)}" if row.new else f"The {words} of {ref} was removed"
    return None


def _decision_sentence(row: HistoryRow) -> str | None:
    """A declined request (an approved one is told by the due date it moves)."""
    if row.new != "declined":
        return None
    ref = row.action_reference or "an action"
    return _with_reason(f"Revised due date for {ref} declined", row.note)


def _deadline_sentence(row: HistoryRow) -> str | None:
    title = row.subject or "A statutory deadline"
    if row.field == "deadline":
        return f"Deadline added: {shown(row.new)}" if row.new else f"Deadline deleted: {shown(row.old)}"
    if row.field == "met_on":
        return f"{title}: done on {shown(row.new)}" if row.new else f"{title}: marked as not done"
    if row.field in ("due_on", "computed_due_on"):
        if not row.old:
            return f"{title}: due {shown(row.new)}"
        return _with_reason(f"{title}: date changed, {_arrow(row.old, row.new)}", row.note)
    return None


def _inspection_sentence(row: HistoryRow) -> str | None:
    if row.field == "plan_imported":
        return f"Imported {shown(row.new)}"
    if row.field == "managers":
        return f"The programme managers are now {shown(row.new) or 'nobody'}"
    if row.field == "judgements":
        return "The inspection's judgements were changed"
    if row.field == "plan_status":
        return f"The plan is now {PLAN_STATUS_WORDS.get(row.new or '', shown(row.new))}"
    if row.field in INSPECTION_FIELD_WORDS:
        return f"The {INSPECTION_FIELD_WORDS[row.field]} is now {shown(row.new) or 'not recorded'}"
    return None


def describe_progress(
    author: str,
    reference: str,
    *,
    status: str,
    rag: str,
    via_email_link: bool = False,
    requested_due_on: date | None = None,
) -> str:
    """ "Ruth Allen recorded progress on 1.1: In progress, Red – off track" (and the revised due date asked for)."""
    who = author or "Someone"
    sentence = f"{who} recorded progress on {reference}: {STATUS_LABELS.get(status, status)}, {rag_label(rag)}"
    if via_email_link:
        sentence += " (from an email link)"
    if requested_due_on is not None:
        sentence += f", and asked for a revised due date of {format_date(requested_due_on)}"
    return sentence


__all__ = [
    "PROGRESS_NOTE",
    "REVISED_DUE_DATE_APPROVED",
    "HistoryRow",
    "describe_progress",
    "describe_row",
    "shown",
]
