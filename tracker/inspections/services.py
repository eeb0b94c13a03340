"""Inspections: listing them, saving a reviewed report, the inspection page, and changes to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from tracker.audit.services import apply_changes, record_change
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.deadline_rules import compute_due_on, rules_for_framework
from tracker.domain.due_dates import DueDatePolicy, default_due_on
from tracker.extensions import db
from tracker.inspections import deadlines as deadline_services
from tracker.inspections.deadlines import DeadlineStatus, deadline_status, describe_basis, is_overridden
from tracker.models import (
    AuditEvent,
    ChecklistItem,
    DeadlineKind,
    Framework,
    ImportDraft,
    Inspection,
    Judgement,
    Meeting,
    Recommendation,
    Role,
    StatutoryDeadline,
    Timescale,
    User,
)
from tracker.template_filters import format_date

PAGE_SIZE = 25
HISTORY_ON_PAGE = 20
HISTORY_PAGE_SIZE = 50


# Loading


def get_inspection_or_404(inspection_id: int) -> Inspection:
    query = (
        select(Inspection)
        .where(Inspection.id == inspection_id)
        .options(
            selectinload(Inspection.managers),
            selectinload(Inspection.judgements),
            selectinload(Inspection.recommendations),
        )
    )
    inspection = db.session.scalar(query)
    if inspection is None:
        abort(404)
    return inspection


def get_deadline_or_404(inspection: Inspection, deadline_id: int) -> StatutoryDeadline:
    deadline = db.session.get(StatutoryDeadline, deadline_id)
    if deadline is None or deadline.inspection_id != inspection.id:
        abort(404)
    return deadline


def get_checklist_item_or_404(deadline: StatutoryDeadline, item_id: int) -> ChecklistItem:
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.deadline_id != deadline.id:
        abort(404)
    return item


def get_meeting_or_404(inspection: Inspection, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.inspection_id != inspection.id:
        abort(404)
    return meeting


def get_draft_or_404(draft_id: int) -> ImportDraft:
    draft = find_draft(draft_id)
    if draft is None:
        abort(404)
    return draft


def find_draft(draft_id: int) -> ImportDraft | None:
    return db.session.get(ImportDraft, draft_id)


def list_deadlines(inspection: Inspection) -> list[StatutoryDeadline]:
    query = (
        select(StatutoryDeadline)
        .where(StatutoryDeadline.inspection_id == inspection.id)
        .options(selectinload(StatutoryDeadline.checklist))
        .order_by(StatutoryDeadline.due_on.is_(None), StatutoryDeadline.due_on, StatutoryDeadline.id)
    )
    return list(db.session.scalars(query))


def list_meetings(inspection: Inspection) -> list[Meeting]:
    query = select(Meeting).where(Meeting.inspection_id == inspection.id).order_by(Meeting.meets_on, Meeting.id)
    return list(db.session.scalars(query))


@dataclass
class InspectionList:
    inspections: list[Inspection]
    page: int
    pages: int
    total: int


def list_inspections(page: int) -> InspectionList:
    """Inspections, most recently published first, a page at a time."""
    total = db.session.scalar(select(func.count()).select_from(Inspection)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = (
        select(Inspection)
        .options(selectinload(Inspection.managers))
        .order_by(Inspection.published_on.desc().nulls_last(), Inspection.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return InspectionList(list(db.session.scalars(query)), page, pages, total)


# Saving a reviewed report


def create_inspection(draft: ImportDraft, data: dict[str, Any], *, creator: User) -> Inspection | None:
    """Save the reviewed report: the inspection, its judgements, recommendations in order and statutory deadlines.

    The creator becomes one of its managers; the import draft is removed. None when another request (a
    double click) removed the draft first: that request saves the inspection, and this one must roll back.
    """
    filename, sha256, text = draft.source_filename, draft.source_sha256, draft.source_text
    # Deleting the draft first claims it: a concurrent save waits on the row (PostgreSQL) or the write
    # lock (SQLite), then deletes nothing.
    claim = delete(ImportDraft).where(ImportDraft.id == draft.id).execution_options(synchronize_session=False)
    if db.session.execute(claim).rowcount != 1:
        return None
    db.session.expunge(draft)
    inspection = Inspection(
        **_details(data),
        source_filename=filename,
        source_sha256=sha256,
        source_text=text,
        managers=[creator],
        judgements=_judgements(data["judgements"]),
        recommendations=[
            Recommendation(
                number=_text_or_none(item.get("number")),
                timescale=Timescale(item["timescale"]),
                addressee=_text_or_none(item.get("addressee")),
                theme=_text_or_none(item.get("theme")),
                text=item["text"].strip(),
                position=position,
            )
            for position, item in enumerate(data["recommendations"])
        ],
    )
    db.session.add(inspection)
    deadline_services.create_statutory_deadlines(inspection)
    db.session.flush()
    source = f"Imported from {filename}" if filename else "Imported from pasted text"
    record_change(
        actor=creator,
        entity=inspection,
        field="inspection",
        old=None,
        new=inspection.title,
        inspection_id=inspection.id,
        note=f"{source}: {len(inspection.recommendations)} recommendations",
    )
    return inspection


def _text_or_none(value: str | None) -> str | None:
    return (value or "").strip() or None


def _details(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "authority": data["authority"].strip(),
        "title": data["title"].strip(),
        "framework": Framework(data["framework"]),
        "inspectorate": _text_or_none(data.get("inspectorate")) or "Ofsted",
        "inspection_start_on": data["inspection_start_on"],
        "inspection_end_on": data["inspection_end_on"],
        "received_on": data["received_on"],
        "published_on": data["published_on"],
        "overall_judgement": _text_or_none(data.get("overall_judgement")),
    }


def _judgements(rows: list[dict[str, str]]) -> list[Judgement]:
    kept = [row for row in rows if _text_or_none(row.get("area"))]
    return [
        Judgement(area=row["area"].strip(), grade=_text_or_none(row.get("grade")) or "", position=position)
        for position, row in enumerate(kept)
    ]


# Previewing a draft's dates on the review page


@dataclass(frozen=True)
class DeadlinePreview:
    title: str
    due_on: date | None
    basis: str


@dataclass(frozen=True)
class ReviewDates:
    deadlines: list[DeadlinePreview]
    default_due_on: dict[str, date | None]


def preview_dates(
    framework: str,
    *,
    received_on: date | None,
    published_on: date | None,
    priority_actions: bool = True,
    policy: DueDatePolicy | None = None,
) -> ReviewDates:
    """The statutory deadlines and default action due dates the draft's current details would give."""
    policy = policy or DueDatePolicy()
    rules = rules_for_framework(framework, priority_actions=priority_actions) if framework else []
    previews = []
    action_plan_due_on = None
    for rule in rules:
        due_on = compute_due_on(rule, received_on=received_on, published_on=published_on, holidays=BANK_HOLIDAYS)
        anchor = deadline_services.ANCHOR_NAMES[rule.anchor]
        counting = (
            "beginning with that day" if rule.counting == "beginning_with" else "counted from the next working day"
        )
        previews.append(
            DeadlinePreview(rule.title, due_on, f"{rule.working_days} working days from {anchor}, {counting}")
        )
        if rule.kind == "action_plan":
            action_plan_due_on = due_on
    defaults = {
        timescale.value: default_due_on(
            timescale.value,
            published_on=published_on,
            action_plan_due_on=action_plan_due_on,
            policy=policy,
            holidays=BANK_HOLIDAYS,
        )
        for timescale in Timescale
    }
    return ReviewDates(previews, defaults)


# The inspection page


def policy_for(inspection: Inspection) -> DueDatePolicy:
    return DueDatePolicy(
        immediate=inspection.immediate_due,  # type: ignore[arg-type]
        three_months_months=inspection.three_months_months,
        six_months_months=inspection.six_months_months,
        longer_term_months=inspection.longer_term_months,
        improvement_months=inspection.improvement_months,
    )


@dataclass
class TimescaleGroup:
    timescale: Timescale
    recommendations: list[Recommendation]
    default_due_on: date | None
    due_rule: str


@dataclass
class DeadlineLine:
    deadline: StatutoryDeadline
    status: DeadlineStatus
    basis: str
    overridden: bool


@dataclass
class InspectionPage:
    inspection: Inspection
    groups: list[TimescaleGroup]
    deadlines: list[DeadlineLine]
    meetings: list[Meeting]
    meeting_warnings: list[str]
    history: list[HistoryLine]
    history_total: int
    duplicates: list[Inspection] = field(default_factory=list)


def action_plan_deadline(deadlines: list[StatutoryDeadline]) -> StatutoryDeadline | None:
    return next((d for d in deadlines if d.kind == DeadlineKind.ACTION_PLAN), None)


def timescale_groups(inspection: Inspection, deadlines: list[StatutoryDeadline]) -> list[TimescaleGroup]:
    """Recommendations by timescale, in the order timescales run, each with its default action due date."""
    policy = policy_for(inspection)
    plan = action_plan_deadline(deadlines)
    groups = []
    for timescale in Timescale:
        items = [r for r in inspection.recommendations if r.timescale == timescale]
        if not items:
            continue
        due_on = default_due_on(
            timescale.value,
            published_on=inspection.published_on,
            action_plan_due_on=plan.due_on if plan else None,
            policy=policy,
            holidays=BANK_HOLIDAYS,
        )
        groups.append(TimescaleGroup(timescale, items, due_on, _due_rule(timescale, policy)))
    return groups


def _due_rule(timescale: Timescale, policy: DueDatePolicy) -> str:
    months = policy.months_after_publication(timescale.value)
    if months is None:
        return "the action plan's statutory date"
    return f"{months} month{'' if months == 1 else 's'} after publication, on a working day"


def meeting_warnings(meetings: list[Meeting], deadlines: list[StatutoryDeadline]) -> list[str]:
    """A warning for each meeting that approves the plan after the date the plan must be published."""
    plan = action_plan_deadline(deadlines)
    if plan is None or plan.due_on is None:
        return []
    return [
        f"{meeting.committee} meets on {format_date(meeting.meets_on)} to approve the action plan, after the "
        f"statutory date to publish it ({format_date(plan.due_on)})"
        for meeting in meetings
        if meeting.approves_plan and meeting.meets_on > plan.due_on
    ]


def build_inspection_page(inspection: Inspection, today: date, *, due_soon_working_days: int) -> InspectionPage:
    """Everything the inspection page shows, in a fixed number of queries whatever the inspection's size."""
    deadlines = list_deadlines(inspection)
    meetings = list_meetings(inspection)
    history, total = inspection_history(inspection, page=1, page_size=HISTORY_ON_PAGE, deadlines=deadlines)
    return InspectionPage(
        inspection=inspection,
        groups=timescale_groups(inspection, deadlines),
        deadlines=[
            DeadlineLine(
                d,
                deadline_status(d, today, due_soon_working_days=due_soon_working_days),
                describe_basis(d, inspection),
                is_overridden(d),
            )
            for d in deadlines
        ],
        meetings=meetings,
        meeting_warnings=meeting_warnings(meetings, deadlines),
        history=history,
        history_total=total,
    )


# History


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


# Changing an inspection


def update_details(inspection: Inspection, data: dict[str, Any], *, actor: User) -> tuple[list[str], int]:
    """Correct the inspection's details and judgements; recount deadlines when their dates or framework change.

    Returns the changed fields and how many overridden deadlines kept their date.
    """
    old_framework = inspection.framework
    changed = apply_changes(inspection, _details(data), actor=actor, inspection_id=inspection.id)
    if _update_judgements(inspection, data["judgements"], actor=actor):
        changed.append("judgements")
    kept = 0
    if {"framework", "received_on", "published_on"} & set(changed):
        deadlines = list_deadlines(inspection)
        if inspection.framework != old_framework:
            deadline_services.sync_rule_deadlines(inspection, deadlines, actor=actor)
            db.session.flush()
            deadlines = list_deadlines(inspection)
        kept = deadline_services.recalculate_deadlines(inspection, deadlines, actor=actor)
    return changed, kept


def _judgement_summary(judgements: list[Judgement]) -> str:
    return "; ".join(f"{j.area}: {j.grade}" for j in judgements)


def _update_judgements(inspection: Inspection, rows: list[dict[str, str]], *, actor: User) -> bool:
    new = _judgements(rows)
    old_summary, new_summary = _judgement_summary(inspection.judgements), _judgement_summary(new)
    if old_summary == new_summary:
        return False
    record_change(
        actor=actor,
        entity=inspection,
        field="judgements",
        old=old_summary or None,
        new=new_summary or None,
        inspection_id=inspection.id,
    )
    inspection.judgements = new
    return True


def update_due_date_rules(inspection: Inspection, data: dict[str, Any], *, actor: User) -> list[str]:
    names = (
        "immediate_due",
        "three_months_months",
        "six_months_months",
        "longer_term_months",
        "improvement_months",
        "rag_amber_within_working_days",
    )
    return apply_changes(inspection, {name: data[name] for name in names}, actor=actor, inspection_id=inspection.id)


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


def details_formdata(inspection: Inspection) -> dict[str, Any]:
    """The edit form's starting values from a saved inspection."""
    return {
        "authority": inspection.authority,
        "title": inspection.title,
        "framework": inspection.framework.value,
        "inspectorate": inspection.inspectorate,
        "overall_judgement": inspection.overall_judgement or "",
        "inspection_start_on": inspection.inspection_start_on,
        "inspection_end_on": inspection.inspection_end_on,
        "received_on": inspection.received_on,
        "published_on": inspection.published_on,
        "judgements": [{"area": j.area, "grade": j.grade} for j in inspection.judgements] + [{"area": "", "grade": ""}],
    }


# Recommendations after saving, and who runs the inspection


def get_recommendation_or_404(inspection: Inspection, recommendation_id: int) -> Recommendation:
    recommendation = db.session.get(Recommendation, recommendation_id)
    if recommendation is None or recommendation.inspection_id != inspection.id:
        abort(404)
    return recommendation


def _recommendation_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": (data.get("number") or "").strip() or None,
        "timescale": Timescale(data["timescale"]),
        "addressee": (data.get("addressee") or "").strip() or None,
        "theme": (data.get("theme") or "").strip() or None,
        "text": " ".join((data.get("text") or "").split()),
    }


def update_recommendation(recommendation: Recommendation, data: dict[str, Any], *, actor: User) -> list[str]:
    """Correct a saved recommendation; each changed field goes into the history."""
    return apply_changes(
        recommendation, _recommendation_values(data), actor=actor, inspection_id=recommendation.inspection_id
    )


def add_recommendation(inspection: Inspection, data: dict[str, Any], *, actor: User) -> Recommendation:
    """A recommendation the import missed, added at the end."""
    position = max((r.position for r in inspection.recommendations), default=-1) + 1
    recommendation = Recommendation(inspection=inspection, position=position, **_recommendation_values(data))
    db.session.add(recommendation)
    db.session.flush()
    record_change(
        actor=actor,
        entity=recommendation,
        field="created",
        old=None,
        new=recommendation.text,
        inspection_id=inspection.id,
        note="Added by hand after the report was saved",
    )
    return recommendation


def delete_recommendation(recommendation: Recommendation, *, actor: User) -> bool:
    """Delete a recommendation that has no actions; False (and nothing done) when it has some."""
    if recommendation.actions:
        return False
    record_change(
        actor=actor,
        entity=recommendation,
        field="deleted",
        old=recommendation.text,
        new=None,
        inspection_id=recommendation.inspection_id,
    )
    db.session.delete(recommendation)
    return True


def manager_candidates() -> list[User]:
    """People who can run an inspection: active programme managers."""
    query = select(User).where(User.role == Role.PROGRAMME_MANAGER, User.active.is_(True)).order_by(User.name)
    return list(db.session.scalars(query))


def set_managers(inspection: Inspection, manager_ids: list[int], *, actor: User) -> bool:
    """Replace who runs the inspection with the chosen programme managers; recorded in the history."""
    chosen = [user for user in manager_candidates() if user.id in set(manager_ids)]
    before = ", ".join(sorted(user.name for user in inspection.managers))
    after = ", ".join(sorted(user.name for user in chosen))
    if not chosen or before == after:
        return False
    inspection.managers = chosen
    record_change(actor=actor, entity=inspection, field="managers", old=before, new=after, inspection_id=inspection.id)
    return True
