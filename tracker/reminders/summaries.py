"""The weekly programme summary: at the week's first run, each active programme manager gets counts by
timescale and RAG, the week's changes, the overdue list and the statutory deadlines in the next
SUMMARY_DEADLINE_WORKING_DAYS for each inspection they run. Flushes, never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from tracker import clock
from tracker.clock import BANK_HOLIDAYS
from tracker.domain import change_sentences as sentences
from tracker.domain import digest as rules
from tracker.domain import programme_summary as weekly
from tracker.extensions import db
from tracker.models import (
    Action,
    AuditEvent,
    ChecklistItem,
    Inspection,
    PlanStatus,
    ProgressUpdate,
    StatutoryDeadline,
    Timescale,
    User,
)
from tracker.outbox.queueing import NewEmail, QueueCounts, queue_once
from tracker.reminders.facts import action_facts, actions_query, load_people, start_of_day
from tracker.reminders.links import UrlBuilder

# Audit fields that move with every progress update and say nothing a reader needs.
QUIET_FIELDS = frozenset({"last_progress_at", "version", "updated_at", "position", "email_link"})


def summary_key(summary: weekly.ProgrammeSummary) -> str:
    return f"summary:{summary.person.user_id}:{summary.week_of.isoformat()}"


def _managed_inspections() -> list[Inspection]:
    query = (
        select(Inspection)
        .options(selectinload(Inspection.managers))
        .where(Inspection.closed_at.is_(None), Inspection.plan_status != PlanStatus.CLOSED)
        .order_by(Inspection.id)
    )
    return [inspection for inspection in db.session.scalars(query) if inspection.managers]


def _week_changes(inspection_ids: list[int], since: datetime, until: datetime) -> dict[int, list[weekly.ChangeFacts]]:
    """Progress updates and changes in the week, per inspection, as sentences (two queries)."""
    changes: dict[int, list[weekly.ChangeFacts]] = defaultdict(list)
    updates = (
        select(ProgressUpdate.created_at, ProgressUpdate.status, ProgressUpdate.rag, Action.inspection_id,
               Action.reference, User.name, ProgressUpdate.via_email_link, ProgressUpdate.requested_due_on)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .outerjoin(User, User.id == ProgressUpdate.author_id)
        .where(Action.inspection_id.in_(inspection_ids), ProgressUpdate.created_at >= since,
               ProgressUpdate.created_at < until)
    )  # fmt: skip
    for row in db.session.execute(updates):
        what = sentences.describe_progress(
            row.name or "", row.reference, status=row.status.value, rag=row.rag.value,
            via_email_link=row.via_email_link, requested_due_on=row.requested_due_on,
        )  # fmt: skip
        changes[row.inspection_id].append(weekly.ChangeFacts(clock.as_utc(row.created_at), row.inspection_id, what))
    for occurred_at, inspection_id, actor, history_row in _history_rows(inspection_ids, since, until):
        described = sentences.describe_row(history_row)
        if described is not None:
            what = described
            changes[inspection_id].append(
                weekly.ChangeFacts(clock.as_utc(occurred_at), inspection_id, what, actor, history_row.action_reference)
            )
    return changes


def _history_rows(
    inspection_ids: list[int], since: datetime, until: datetime
) -> Iterator[tuple[datetime, int, str, sentences.HistoryRow]]:
    """The week's history rows, each with what names its subject: an action's reference (the action's own, or
    the one a progress update is about), a deadline's title, a checklist line (one query)."""
    requested = aliased(Action, name="requested_action")

    def about(model: Any) -> Any:
        return (AuditEvent.entity_type == model.__tablename__) & (model.id == AuditEvent.entity_id)

    events = (
        select(AuditEvent.occurred_at, AuditEvent.inspection_id, AuditEvent.entity_type, AuditEvent.field,
               AuditEvent.old_value, AuditEvent.new_value, AuditEvent.note, User.name,
               func.coalesce(Action.reference, requested.reference, "").label("reference"),
               func.coalesce(StatutoryDeadline.title, ChecklistItem.label, "").label("subject"))
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Action, about(Action))
        .outerjoin(ProgressUpdate, about(ProgressUpdate))
        .outerjoin(requested, requested.id == ProgressUpdate.action_id)
        .outerjoin(StatutoryDeadline, about(StatutoryDeadline))
        .outerjoin(ChecklistItem, about(ChecklistItem))
        .where(AuditEvent.inspection_id.in_(inspection_ids), AuditEvent.occurred_at >= since,
               AuditEvent.occurred_at < until, AuditEvent.field.not_in(QUIET_FIELDS))
    )  # fmt: skip
    for row in db.session.execute(events):
        history_row = sentences.HistoryRow(
            entity_type=row.entity_type, field=row.field, old=row.old_value, new=row.new_value,
            note=row.note or "", action_reference=row.reference, subject=row.subject,
        )  # fmt: skip
        yield row.occurred_at, row.inspection_id, row.name or "", history_row


def _deadlines_of(inspection_ids: list[int]) -> dict[int, list[weekly.DeadlineFacts]]:
    deadlines: dict[int, list[weekly.DeadlineFacts]] = defaultdict(list)
    for row in db.session.execute(
        select(StatutoryDeadline.id, StatutoryDeadline.inspection_id, StatutoryDeadline.title,
               StatutoryDeadline.due_on, StatutoryDeadline.met_on)
        .where(StatutoryDeadline.inspection_id.in_(inspection_ids), StatutoryDeadline.due_on.is_not(None))
    ):  # fmt: skip
        if row.due_on is not None:  # the query leaves undated ones out; this tells the type checker so
            deadlines[row.inspection_id].append(
                weekly.DeadlineFacts(row.id, row.inspection_id, row.title, row.due_on, row.met_on)
            )
    return deadlines


def plan_programme_summaries(today: date) -> list[weekly.ProgrammeSummary]:
    """One summary per active programme manager, covering each inspection they run (fixed queries)."""
    inspections = _managed_inspections()
    if not inspections:
        return []
    ids = [inspection.id for inspection in inspections]
    people = load_people()
    actions: dict[int, list[rules.ActionFacts]] = defaultdict(list)
    for action in action_facts(db.session.execute(actions_query().where(Action.inspection_id.in_(ids))), people):
        actions[action.inspection_id].append(action)
    deadlines = _deadlines_of(ids)
    changes = _week_changes(ids, start_of_day(today - timedelta(days=7)), start_of_day(today))
    horizon = current_app.config["SUMMARY_DEADLINE_WORKING_DAYS"]
    timescales = [timescale.label for timescale in Timescale]
    summaries: dict[int, list[weekly.InspectionSummary]] = defaultdict(list)
    for inspection in inspections:
        summary = weekly.summarise_inspection(
            inspection_id=inspection.id,
            title=f"{inspection.authority}: {inspection.title}",
            actions=actions[inspection.id],
            changes=changes[inspection.id],
            deadlines=deadlines[inspection.id],
            timescales=timescales,
            today=today,
            holidays=BANK_HOLIDAYS,
            deadline_horizon_working_days=horizon,
        )
        for manager in inspection.managers:
            summaries[manager.id].append(summary)
    week_of = rules.week_start(today)
    return [
        weekly.ProgrammeSummary(people[user_id], week_of, tuple(items))
        for user_id, items in sorted(summaries.items())
        if people[user_id].active
    ]


def queue_programme_summaries(
    today: date, now: datetime, *, dry_run: bool = False
) -> QueueCounts[weekly.ProgrammeSummary]:
    """Queue each programme manager's summary for the week, skipping any already queued."""

    def write(new: Sequence[weekly.ProgrammeSummary]) -> list[NewEmail]:
        url = UrlBuilder()
        horizon = current_app.config["SUMMARY_DEADLINE_WORKING_DAYS"]
        return [_summary_email(summary, today, horizon, url) for summary in new]

    summaries = plan_programme_summaries(today)
    counts = queue_once("programme_summary", summaries, key=summary_key, write=write, now=now, dry_run=dry_run)
    counts.details = {"inspections": len({i.inspection_id for s in counts.new for i in s.inspections})}
    return counts


def _summary_email(summary: weekly.ProgrammeSummary, today: date, horizon: int, url: UrlBuilder) -> NewEmail:
    context = {
        "summary": summary,
        "today": today,
        "deadline_horizon": horizon,
        "inspection_urls": {
            i.inspection_id: url("inspections.view_inspection", inspection_id=i.inspection_id)
            for i in summary.inspections
        },
    }
    return NewEmail(summary_key(summary), summary.person.email, summary.subject, context)
