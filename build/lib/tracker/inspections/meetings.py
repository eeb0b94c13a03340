"""An inspection's committee meetings: those that approve the plan are checked against its statutory date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.audit.services import record_change
from tracker.extensions import db
from tracker.inspections.deadlines import action_plan_deadline_among
from tracker.models import Inspection, Meeting, StatutoryDeadline, User
from tracker.template_filters import format_date


def list_meetings(inspection: Inspection) -> list[Meeting]:
    query = select(Meeting).where(Meeting.inspection_id == inspection.id).order_by(Meeting.meets_on, Meeting.id)
    return list(db.session.scalars(query))


def meeting_warnings(meetings: list[Meeting], deadlines: list[StatutoryDeadline]) -> list[str]:
    """A warning for each meeting that approves the plan after the date the plan must be published."""
    plan = action_plan_deadline_among(deadlines)
    if plan is None or plan.due_on is None:
        return []
    return [
        f"{meeting.committee} meets on {format_date(meeting.meets_on)} to approve the action plan, after the "
        f"statutory date to publish it ({format_date(plan.due_on)})"
        for meeting in meetings
        if meeting.approves_plan and meeting.meets_on > plan.due_on
    ]


def add_meeting(inspection: Inspection, *, committee: str, meets_on: date, approves_plan: bool, actor: User) -> Meeting:
    meeting = Meeting(inspection=inspection, committee=committee, meets_on=meets_on, approves_plan=approves_plan)
    db.session.add(meeting)
    db.session.flush()
    record_change(
        actor=actor,
        entity=meeting,
        field="meeting",
        old=None,
        new=_meeting_text(meeting),
        inspection_id=inspection.id,
    )
    return meeting


def _meeting_text(meeting: Meeting) -> str:
    approves = " (approves the action plan)" if meeting.approves_plan else ""
    return f"{meeting.committee} on {format_date(meeting.meets_on)}{approves}"


def delete_meeting(meeting: Meeting, *, actor: User) -> None:
    record_change(
        actor=actor,
        entity=meeting,
        field="meeting",
        old=_meeting_text(meeting),
        new=None,
        inspection_id=meeting.inspection_id,
    )
    db.session.delete(meeting)
