"""An inspection's history: every recorded change to it, its deadlines, checklists, meetings,
recommendations, actions and progress, newest first, in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.inspections.deadlines import list_deadlines
from tracker.models import AuditEvent, Inspection, StatutoryDeadline
from tracker.template_filters import format_date

HISTORY_ON_PAGE = 20
HISTORY_PAGE_SIZE = 50

FIELD_NAMES = {
    "authority": "Local authority",
    "title": "Title",
    "framework": "Framework",
    "inspectorate": "Inspectorate",
    "inspection_start_on": "Inspection started",
    "inspection_end_on": "Inspection ended",
    "received_on": "Date received",
    "published_on": "Date published",
    "overall_judgement": "Overall judgement",
    "judgements": "Judgements",
    "due_on": "Due date",
    "met_on": "Done on",
    "done_on": "Done on",
    "evidence": "Evidence",
    "immediate_due": "Immediate actions due",
    "three_months_months": "Three-month timescale (months)",
    "six_months_months": "Six-month timescale (months)",
    "longer_term_months": "Longer term (months)",
    "improvement_months": "Areas for improvement (months)",
    "rag_amber_within_working_days": "Amber suggested within (working days)",
    "inspection": "Inspection",
    "deadline": "Deadline",
    "meeting": "Meeting",
}
ENTITY_NAMES = {
    "inspections": "Inspection",
    "statutory_deadlines": "Deadline",
    "deadline_checklist_items": "Publication checklist",
    "meetings": "Meeting",
    "recommendations": "Recommendation",
    "actions": "Action",
    "progress_updates": "Progress update",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class HistoryLine:
    event: AuditEvent
    subject: str
    field: str
    old: str | None
    new: str | None


def _shown(value: str | None) -> str | None:
    if value is not None and _ISO_DATE.match(value):
        return format_date(date.fromisoformat(value))
    return value


def inspection_history(
    inspection: Inspection, *, page: int, page_size: int, deadlines: list[StatutoryDeadline] | None = None
) -> tuple[list[HistoryLine], int]:
    """The inspection's audit events, newest first, a page at a time, with the total."""
    where = AuditEvent.inspection_id == inspection.id
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(where)) or 0
    query = (
        select(AuditEvent)
        .where(where)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(page_size)
        .offset((max(page, 1) - 1) * page_size)
    )
    events = list(db.session.scalars(query))
    deadlines = deadlines if deadlines is not None else list_deadlines(inspection)
    subjects = _subjects(inspection, deadlines)
    lines = [
        HistoryLine(
            event=event,
            subject=subjects.get((event.entity_type, event.entity_id), ENTITY_NAMES.get(event.entity_type, "Record")),
            field=FIELD_NAMES.get(event.field, event.field.replace("_", " ").capitalize()),
            old=_shown(event.old_value),
            new=_shown(event.new_value),
        )
        for event in events
    ]
    return lines, total


def _subjects(inspection: Inspection, deadlines: list[StatutoryDeadline]) -> dict[tuple[str, int], str]:
    subjects: dict[tuple[str, int], str] = {("inspections", inspection.id): "Inspection"}
    for deadline in deadlines:
        subjects[("statutory_deadlines", deadline.id)] = f"Deadline: {deadline.title}"
        for item in deadline.checklist:
            subjects[("deadline_checklist_items", item.id)] = f"{deadline.title}: {item.label}"
    for recommendation in inspection.recommendations:
        subjects[("recommendations", recommendation.id)] = recommendation.label
    return subjects
