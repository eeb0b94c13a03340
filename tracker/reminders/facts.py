"""The facts the reminder rules decide from (`tracker.domain.digest`): people, and actions as plain records.

Each loader is a fixed number of queries, whatever the number of people or actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, func, or_, select

from tracker import clock
from tracker.clock import BANK_HOLIDAYS
from tracker.domain import digest as rules
from tracker.domain.working_days import add_working_days
from tracker.extensions import db
from tracker.models import (
    Action,
    EmailState,
    Inspection,
    Notice,
    OutboxEmail,
    PlanStatus,
    Recommendation,
    User,
    is_open,
)
from tracker.permissions import ROLES_THAT_OWN_ACTIONS

# Reminders about progress start when a plan leaves draft and stop when it is closed.
LIVE_PLAN_STATUSES = (PlanStatus.CONSULTATION, PlanStatus.PUBLISHED)


def digest_settings() -> rules.DigestSettings:
    config = current_app.config
    return rules.DigestSettings(
        due_soon_working_days=config["DUE_SOON_WORKING_DAYS"],
        escalation_working_days=config["ESCALATION_WORKING_DAYS"],
        stale_update_weeks=config["STALE_UPDATE_WEEKS"],
    )


def local_date(value: datetime | None) -> date | None:
    """The council's calendar day of an instant."""
    return clock.local(value).date() if value is not None else None


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day` in the council's time zone, as UTC."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(current_app.config["TRACKER_TIMEZONE"])).astimezone(UTC)


def load_people() -> dict[int, rules.Person]:
    query = select(
        User.id, User.name, User.email, User.active, User.role, User.digest_preference, User.line_manager_id
    ).order_by(User.id)
    return {
        row.id: rules.Person(
            user_id=row.id,
            name=row.name,
            email=row.email,
            active=row.active,
            digest_preference=row.digest_preference.value,
            line_manager_id=row.line_manager_id,
            can_record_progress=row.active and row.role in ROLES_THAT_OWN_ACTIONS,
        )
        for row in db.session.execute(query)
    }


def load_waiting_notices(*, user_ids: Sequence[int] = ()) -> list[rules.NoticeFacts]:
    """Notices waiting for a digest: never told, or told only in a digest still queued (one that a mail outage
    held back, which today's digest replaces) (one query)."""
    held_back = select(OutboxEmail.dedupe_key).where(
        OutboxEmail.state == EmailState.QUEUED, OutboxEmail.dedupe_key.startswith("digest:")
    )
    query = (
        select(Notice.id, Notice.user_id, Notice.kind, Notice.text, Notice.action_id)
        .where(or_(Notice.digest_key.is_(None), Notice.digest_key.in_(held_back)))
        .order_by(Notice.id)
    )
    if user_ids:
        query = query.where(Notice.user_id.in_(list(user_ids)))
    return [
        rules.NoticeFacts(row.id, row.user_id, row.kind.value, row.text, row.action_id)
        for row in db.session.execute(query)
    ]


def actions_query() -> Select[*tuple[Any, ...]]:
    """Unarchived actions with the columns `action_facts` reads."""
    return (
        select(
            Action.id,
            Action.reference,
            Action.title,
            Action.inspection_id,
            Inspection.title.label("inspection_title"),
            Action.owner_id,
            Action.due_on,
            Action.status,
            Action.rag,
            Recommendation.timescale,
            Action.last_progress_at,
            Action.created_at,
        )
        .join(Inspection, Inspection.id == Action.inspection_id)
        .join(Recommendation, Recommendation.id == Action.recommendation_id)
        .where(Action.archived_at.is_(None))
    )


def action_facts(rows: Iterable[Any], people: dict[int, rules.Person]) -> list[rules.ActionFacts]:
    """The rows of `actions_query` as the rules' records."""
    zone = clock.zone()  # looked up once, not per row
    facts = []
    for row in rows:
        owner = people.get(row.owner_id) if row.owner_id is not None else None
        facts.append(
            rules.ActionFacts(
                action_id=row.id,
                reference=row.reference,
                title=row.title,
                inspection_id=row.inspection_id,
                inspection_title=row.inspection_title,
                owner_id=row.owner_id,
                due_on=row.due_on,
                status=row.status.value,
                rag=row.rag.value if row.rag else None,
                timescale=row.timescale.label,
                last_progress_on=clock.local(row.last_progress_at or row.created_at, zone).date(),
                owner_name=owner.name if owner else "",
                progress_recorded=row.last_progress_at is not None,
            )
        )
    return facts


def load_reminder_actions(
    today: date, settings: rules.DigestSettings, people: dict[int, rules.Person], *, owner_ids: Sequence[int] = ()
) -> list[rules.ActionFacts]:
    """Open, owned actions in live plans that are overdue, due soon or may need an update (one query)."""
    due_soon_limit = add_working_days(today, settings.due_soon_working_days, BANK_HOLIDAYS, counting="after")
    # A day's slack either side of the time zone; the domain decides exactly.
    stale_cutoff = start_of_day(today - timedelta(weeks=settings.stale_update_weeks) + timedelta(days=2))
    query = actions_query().where(
        is_open(),
        Action.owner_id.is_not(None),
        Inspection.plan_status.in_(LIVE_PLAN_STATUSES),
        Inspection.closed_at.is_(None),
        or_(Action.due_on <= due_soon_limit, func.coalesce(Action.last_progress_at, Action.created_at) < stale_cutoff),
    )
    if owner_ids:
        query = query.where(Action.owner_id.in_(list(owner_ids)))
    return action_facts(db.session.execute(query), people)
