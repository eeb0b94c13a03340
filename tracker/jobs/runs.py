"""Job runs: one row per job and day, written in the same transaction as the job's work.

A job that dies mid-run leaves no row (its transaction is rolled back), so it runs again on
restart; a job that finished has its row, so it never runs twice for the same day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, tuple_

from tracker.extensions import db, dialect_insert
from tracker.models import JobRun


def claim_run(job: str, run_on: date, now: datetime) -> bool:
    """Record that `job` is running for `run_on`; False if a run exists. Waits for a concurrent one."""
    statement = (
        dialect_insert(JobRun)
        .values(job=job, run_on=run_on, started_at=now, counts={})
        .on_conflict_do_nothing(index_elements=["job", "run_on"])
        .returning(JobRun.id)
    )
    # RETURNING, not rowcount: PostgreSQL drivers report -1 for an INSERT that returns rows.
    return db.session.execute(statement).first() is not None


def finish_run(job: str, run_on: date, counts: dict[str, Any], now: datetime) -> None:
    run = db.session.scalars(select(JobRun).where(JobRun.job == job, JobRun.run_on == run_on)).one()
    run.finished_at = now
    run.counts = counts
    db.session.flush()


def find_run(job: str, run_on: date) -> JobRun | None:
    return db.session.scalars(select(JobRun).where(JobRun.job == job, JobRun.run_on == run_on)).first()


def existing_runs(keys: Iterable[tuple[str, date]]) -> set[tuple[str, date]]:
    wanted = list(keys)
    if not wanted:
        return set()
    query = select(JobRun.job, JobRun.run_on).where(tuple_(JobRun.job, JobRun.run_on).in_(wanted))
    return {(row.job, row.run_on) for row in db.session.execute(query)}


def recent_runs(limit: int = 20) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    return list(db.session.scalars(query))
