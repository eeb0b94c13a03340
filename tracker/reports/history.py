"""A plan's history as plain records for the report builder (tracker.domain.report): every action with its
progress updates and audited changes, the recommendations, the judgements and the statutory deadlines, in a fixed
number of queries whatever the size of the plan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import clock
from tracker.domain.deadline_rules import ANCHOR_NAMES
from tracker.domain.report import (
    ActionRecord,
    DeadlineRecord,
    FieldChange,
    PlanHistory,
    RecommendationRecord,
    UpdateRecord,
)
from tracker.extensions import db
from tracker.models import (
    Action,
    AuditEvent,
    Inspection,
    Judgement,
    ProgressUpdate,
    Recommendation,
    StatutoryDeadline,
    User,
)

AUDITED_ACTION_FIELDS = ("due_on", "original_due_on", "status", "rag", "title", "success_criteria")


def _utc(value: Any) -> Any:
    return clock.as_utc(value) if value is not None else None


def _changes(events: list[AuditEvent]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(_utc(e.occurred_at), e.old_value, e.new_value, e.note or "") for e in events)


def _update_record(update: ProgressUpdate) -> UpdateRecord:
    return UpdateRecord(
        created_at=_utc(update.created_at),
        status=update.status.value,
        rag=update.rag.value if update.rag else None,
        narrative=update.narrative or "",
        requested_due_on=update.requested_due_on,
        request_reason=update.request_reason or "",
        request_state=update.request_state.value if update.request_state else None,
        decided_at=_utc(update.decided_at),
    )


def _action_events(inspection_id: int) -> dict[tuple[int, str], list[AuditEvent]]:
    action_ids = select(Action.id).where(Action.inspection_id == inspection_id)
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == Action.__tablename__,
            AuditEvent.field.in_(AUDITED_ACTION_FIELDS),
            AuditEvent.entity_id.in_(action_ids),
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    events: dict[tuple[int, str], list[AuditEvent]] = {}
    for event in db.session.scalars(query):
        events.setdefault((event.entity_id, event.field), []).append(event)
    return events


def _action_record(action: Action, updates: list[ProgressUpdate], events: dict) -> ActionRecord:
    owner: User | None = action.owner
    return ActionRecord(
        id=action.id,
        recommendation_id=action.recommendation_id,
        reference=action.reference,
        title=action.title,
        created_at=_utc(action.created_at),
        due_on=action.due_on,
        original_due_on=action.original_due_on,
        status=action.status.value,
        rag=action.rag.value if action.rag else None,
        owner_name=owner.name if owner else "",
        owner_job_title=owner.job_title if owner else "",
        lead_agency=action.lead_agency or "",
        success_criteria=action.success_criteria or "",
        position=action.position,
        archived_at=_utc(action.archived_at),
        updates=tuple(_update_record(u) for u in updates),
        due_on_changes=_changes(events.get((action.id, "due_on"), [])),
        original_due_on_changes=_changes(events.get((action.id, "original_due_on"), [])),
        status_changes=_changes(events.get((action.id, "status"), [])),
        rag_changes=_changes(events.get((action.id, "rag"), [])),
        title_changes=_changes(events.get((action.id, "title"), [])),
        success_criteria_changes=_changes(events.get((action.id, "success_criteria"), [])),
    )


def _deadline_records(inspection_id: int) -> tuple[DeadlineRecord, ...]:
    deadlines = list(
        db.session.scalars(
            select(StatutoryDeadline)
            .where(StatutoryDeadline.inspection_id == inspection_id)
            .order_by(StatutoryDeadline.due_on.is_(None), StatutoryDeadline.due_on, StatutoryDeadline.id)
        )
    )
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == StatutoryDeadline.__tablename__,
            AuditEvent.field == "due_on",
            AuditEvent.entity_id.in_([d.id for d in deadlines] or [0]),
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    by_deadline: dict[int, list[AuditEvent]] = {}
    for event in events:
        by_deadline.setdefault(event.entity_id, []).append(event)
    return tuple(
        DeadlineRecord(
            d.title,
            d.due_on,
            d.met_on,
            d.rule_source or "",
            _changes(by_deadline.get(d.id, [])),
            anchor_name=ANCHOR_NAMES.get(d.anchor, "") if d.anchor else "",
        )
        for d in deadlines
    )


def load_plan_history(inspection: Inspection) -> PlanHistory:
    """The inspection's recommendations, actions, updates, audited changes and deadlines as plain records."""
    recommendations = list(
        db.session.scalars(
            select(Recommendation)
            .where(Recommendation.inspection_id == inspection.id)
            .order_by(Recommendation.position, Recommendation.id)
        )
    )
    actions = list(
        db.session.scalars(
            select(Action).options(selectinload(Action.owner)).where(Action.inspection_id == inspection.id)
        )
    )
    updates: dict[int, list[ProgressUpdate]] = {}
    update_query = (
        select(ProgressUpdate)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(Action.inspection_id == inspection.id)
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    for update in db.session.scalars(update_query):
        updates.setdefault(update.action_id, []).append(update)
    events = _action_events(inspection.id)
    judgements = db.session.execute(
        select(Judgement.area, Judgement.grade)
        .where(Judgement.inspection_id == inspection.id)
        .order_by(Judgement.position, Judgement.id)
    )
    return PlanHistory(
        authority=inspection.authority,
        inspection_title=inspection.title,
        published_on=inspection.published_on,
        recommendations=tuple(
            RecommendationRecord(
                id=r.id,
                number=r.shown_number,
                timescale=r.timescale.value,
                timescale_label=r.timescale.label,
                text=r.text,
                addressee=r.addressee or "",
                theme=r.theme or "",
                position=r.position,
            )
            for r in recommendations
        ),
        actions=tuple(_action_record(a, updates.get(a.id, []), events) for a in actions),
        deadlines=_deadline_records(inspection.id),
        judgements=tuple((area, grade) for area, grade in judgements),
    )
