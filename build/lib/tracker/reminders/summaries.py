"""The weekly programme summary: at the week's first run, each active programme manager gets counts by
timescale and RAG, the week's changes, the overdue list and the statutory deadlines in the next
SUMMARY_DEADLINE_WORKING_DAYS for each inspection they run. Flushes, never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import clock
from tracker.clock import BANK_HOLIDAYS
from tracker.domain import digest as rules
from tracker.extensions import db
from tracker.models import (
    Action,
    AuditEvent,
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


def summary_key(summary: rules.ProgrammeSummary) -> str:
    return f"summary:{summary.person.user_id}:{summary.week_of.isoformat()}"


def _managed_inspections() -> list[Inspection]:
    query = (
        select(Inspection)
        .options(selectinload(Inspection.managers))
        .where(Inspection.closed_at.is_(None), Inspection.plan_status != PlanStatus.CLOSED)
        .order_by(Inspection.id)
    )
    return [inspection for inspection in db.session.scalars(query) if inspection.managers]


def _week_changes(inspection_ids: list[int], since: datetime, until: datetime) -> dict[int, list[rules.ChangeFacts]]:
    """Progress updates and changed fields in the week, per inspection (two queries)."""
    changes: dict[int, list[rules.ChangeFacts]] = defaultdict(list)
    updates = (
        select(ProgressUpdate.created_at, ProgressUpdate.status, ProgressUpdate.rag, Action.inspection_id,
               Action.reference, User.name, ProgressUpdate.via_email_link)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .outerjoin(User, User.id == ProgressUpdate.author_id)
        .where(Action.inspection_id.in_(inspection_ids), ProgressUpdate.created_at >= since,
               ProgressUpdate.created_at < until)
    )  # fmt: skip
    for row in db.session.execute(updates):
        what = f"Progress update: {row.status.label}, {row.rag.label}" + (
            " (from an email link)" if row.via_email_link else ""
        )
        changes[row.inspection_id].append(
            rules.ChangeFacts(clock.as_utc(row.created_at), row.inspection_id, what, row.name or "", row.reference)
        )
    events = (
        select(AuditEvent.occurred_at, AuditEvent.inspection_id, AuditEvent.entity_type, AuditEvent.entity_id,
               AuditEvent.field, AuditEvent.old_value, AuditEvent.new_value, User.name, Action.reference)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Action, (AuditEvent.entity_type == Action.__tablename__) & (Action.id == AuditEvent.entity_id))
        .where(AuditEvent.inspection_id.in_(inspection_ids), AuditEvent.occurred_at >= since,
               AuditEvent.occurred_at < until, AuditEvent.field.not_in(QUIET_FIELDS))
    )  # fmt: skip
    for event in db.session.execute(events):
        what = rules.describe_change(event.field, event.old_value, event.new_value)
        changes[event.inspection_id].append(
            rules.ChangeFacts(
                clock.as_utc(event.occurred_at), event.inspection_id, what, event.name or "", event.reference or ""
            )
        )
    return changes


def _deadlines_of(inspection_ids: list[int]) -> dict[int, list[rules.DeadlineFacts]]:
    deadlines: dict[int, list[rules.DeadlineFacts]] = defaultdict(list)
    for row in db.session.execute(
        select(StatutoryDeadline.id, StatutoryDeadline.inspection_id, StatutoryDeadline.title,
               StatutoryDeadline.due_on, StatutoryDeadline.met_on)
        .where(StatutoryDeadline.inspection_id.in_(inspection_ids), StatutoryDeadline.due_on.is_not(None))
    ):  # fmt: skip
        if row.due_on is not None:  # the query leaves undated ones out; this tells the type checker so
            deadlines[row.inspection_id].append(
                rules.DeadlineFacts(row.id, row.inspection_id, row.title, row.due_on, row.met_on)
            )
    return deadlines


def plan_programme_summaries(today: date) -> list[rules.ProgrammeSummary]:
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
    summaries: dict[int, list[rules.InspectionSummary]] = defaultdict(list)
    for inspection in inspections:
        summary = rules.summarise_inspection(
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
        rules.ProgrammeSummary(people[user_id], week_of, tuple(items))
        for user_id, items in sorted(summaries.items())
        if people[user_id].active
    ]


def queue_programme_summaries(
    today: date, now: datetime, *, dry_run: bool = False
) -> QueueCounts[rules.ProgrammeSummary]:
    """Queue each programme manager's summary for the week, skipping any already queued."""

    def write(new: Sequence[rules.ProgrammeSummary]) -> list[NewEmail]:
        url = UrlBuilder()
        horizon = current_app.config["SUMMARY_DEADLINE_WORKING_DAYS"]
        return [_summary_email(summary, today, horizon, url) for summary in new]

    summaries = plan_programme_summaries(today)
    counts = queue_once("programme_summary", summaries, key=summary_key, write=write, now=now, dry_run=dry_run)
    counts.details = {"inspections": len({i.inspection_id for s in counts.new for i in s.inspections})}
    return counts


def _summary_email(summary: rules.ProgrammeSummary, today: date, horizon: int, url: UrlBuilder) -> NewEmail:
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
