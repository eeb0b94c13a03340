"""Statutory alerts: each inspection's programme managers are told 10, 5 and 1 working days before each open
statutory deadline (a missed alert is sent late once, with the real count). Flushes, never commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.clock import BANK_HOLIDAYS
from tracker.domain import digest as rules
from tracker.domain.working_days import working_days_between
from tracker.extensions import db
from tracker.models import Inspection, PlanStatus, StatutoryDeadline, User
from tracker.outbox.queueing import NewEmail, QueueCounts, queue_once
from tracker.reminders.links import UrlBuilder


@dataclass(frozen=True)
class Alert:
    deadline: StatutoryDeadline
    due_on: date
    threshold: int
    manager: User

    @property
    def dedupe_key(self) -> str:
        return f"statutory:{self.deadline.id}:{self.due_on.isoformat()}:{self.threshold}:{self.manager.id}"


def _open_deadlines() -> list[StatutoryDeadline]:
    query = (
        select(StatutoryDeadline)
        .join(Inspection, Inspection.id == StatutoryDeadline.inspection_id)
        .options(selectinload(StatutoryDeadline.inspection).selectinload(Inspection.managers))
        .where(
            StatutoryDeadline.met_on.is_(None),
            StatutoryDeadline.due_on.is_not(None),
            Inspection.closed_at.is_(None),
            Inspection.plan_status != PlanStatus.CLOSED,
        )
        .order_by(StatutoryDeadline.due_on, StatutoryDeadline.id)
    )
    return list(db.session.scalars(query))


def plan_statutory_alerts(today: date) -> list[Alert]:
    """The alerts due `today`: one per active programme manager of each deadline at an alert threshold."""
    alerts = []
    for deadline in _open_deadlines():
        if deadline.due_on is None:
            continue
        threshold = rules.statutory_alert_threshold(today, deadline.due_on, BANK_HOLIDAYS)
        if threshold is None:
            continue
        alerts += [
            Alert(deadline, deadline.due_on, threshold, manager)
            for manager in deadline.inspection.managers
            if manager.active
        ]
    return alerts


def queue_statutory_alerts(today: date, now: datetime, *, dry_run: bool = False) -> QueueCounts[Alert]:
    """Alert the inspection's programme managers 10, 5 and 1 working days before each open deadline."""

    def write(new: Sequence[Alert]) -> list[NewEmail]:
        url = UrlBuilder()
        return [_alert_email(alert, today, url) for alert in new]

    alerts = plan_statutory_alerts(today)
    return queue_once("statutory_alert", alerts, key=lambda a: a.dedupe_key, write=write, now=now, dry_run=dry_run)


def _alert_email(alert: Alert, today: date, url: UrlBuilder) -> NewEmail:
    deadline = alert.deadline
    left = working_days_between(today, alert.due_on, BANK_HOLIDAYS)
    context = {
        "person": alert.manager,
        "deadline": deadline,
        "inspection": deadline.inspection,
        "working_days_left": left,
        "threshold": alert.threshold,
        "inspection_url": url("inspections.view_inspection", inspection_id=deadline.inspection_id),
    }
    subject = f"Statutory deadline in {left} working day{'' if left == 1 else 's'}: {deadline.title}"
    return NewEmail(alert.dedupe_key, alert.manager.email, subject, context)
