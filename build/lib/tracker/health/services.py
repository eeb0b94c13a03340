"""What /healthz reports: database reachable, scheduler heartbeat age, outbox backlog."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from tracker.clock import as_utc
from tracker.extensions import db
from tracker.models import EmailState, OutboxEmail, SchedulerLease

logger = logging.getLogger(__name__)
SCHEDULER_LEASE = "scheduler"


def health_report(now: datetime) -> tuple[dict[str, Any], bool]:
    """The health document and whether the service is healthy (the database answers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        logger.warning("Health check: database unreachable: %s", type(error).__name__)
        return {"status": "unavailable", "database": {"reachable": False}}, False
    lease = db.session.get(SchedulerLease, SCHEDULER_LEASE)
    backlog = dict(
        db.session.execute(
            select(OutboxEmail.state, func.count())
            .where(OutboxEmail.state.in_([EmailState.QUEUED, EmailState.SENDING, EmailState.FAILED]))
            .group_by(OutboxEmail.state)
        ).all()
    )
    report = {
        "status": "ok",
        "database": {"reachable": True},
        "scheduler": {
            "heartbeat_age_seconds": round((now - as_utc(lease.heartbeat_at)).total_seconds(), 1) if lease else None,
        },
        "outbox": {
            "queued": backlog.get(EmailState.QUEUED, 0) + backlog.get(EmailState.SENDING, 0),
            "failed": backlog.get(EmailState.FAILED, 0),
        },
    }
    return report, True
