"""The scheduler lease: a row that says which scheduler process is active, renewed as its heartbeat.

Acquiring and renewing is one conditional UPDATE (this holder, or an expired lease), or an
INSERT that does nothing if a row appeared meanwhile: atomic on SQLite (one writer at a time)
and on PostgreSQL (the row lock makes a second UPDATE re-check the condition). So at most one
process holds an unexpired lease, and the others wait as standby.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, or_, update

from tracker.clock import as_utc
from tracker.extensions import db, dialect_insert, execute_change
from tracker.models import SchedulerLease

LEASE_NAME = "scheduler"


@dataclass(frozen=True)
class LeaseHolder:
    holder: str
    acquired_at: datetime
    heartbeat_at: datetime
    expires_at: datetime


def acquire_or_renew(holder: str, now: datetime, lease_seconds: float, *, name: str = LEASE_NAME) -> bool:
    """Take or extend the lease for `holder`; False when another holder's lease has not expired. Commits."""
    expires_at = now + timedelta(seconds=lease_seconds)
    statement = (
        update(SchedulerLease)
        .where(SchedulerLease.name == name, or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now))
        .values(
            holder=holder,
            heartbeat_at=now,
            expires_at=expires_at,
            acquired_at=case((SchedulerLease.holder == holder, SchedulerLease.acquired_at), else_=now),
        )
        .execution_options(synchronize_session=False)
    )
    held = execute_change(statement).rowcount == 1
    if not held:
        created = (
            dialect_insert(SchedulerLease)
            .values(name=name, holder=holder, acquired_at=now, heartbeat_at=now, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(SchedulerLease.name)
        )
        held = db.session.execute(created).first() is not None
    db.session.commit()
    return held


def release(holder: str, now: datetime, *, name: str = LEASE_NAME) -> bool:
    """Let a standby take over at once; the heartbeat time stays for /healthz. Commits."""
    statement = (
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    released = execute_change(statement).rowcount == 1
    db.session.commit()
    return released


def current_holder(*, name: str = LEASE_NAME) -> LeaseHolder | None:
    lease = db.session.get(SchedulerLease, name, populate_existing=True)
    if lease is None:
        return None
    return LeaseHolder(lease.holder, as_utc(lease.acquired_at), as_utc(lease.heartbeat_at), as_utc(lease.expires_at))
