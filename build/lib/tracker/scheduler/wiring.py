"""build_scheduler(app): the APScheduler wiring, and nothing else.

Jobs are kept in memory and added at each start (the state that matters is in our own tables:
JobRun, the outbox and the lease). Times are wall-clock times in TRACKER_TIMEZONE, so 07:30
stays 07:30 in London across the clock changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from tracker import clock, jobs

REMINDERS_JOB = "reminders"
CATCH_UP_JOB = "reminders-catch-up"
OUTBOX_JOB = "outbox"
HOUSEKEEPING_JOB = "housekeeping"


def _in_app_context(app: Flask, job: Callable[..., Any], with_now: bool) -> None:
    with app.app_context():
        if with_now:
            job(clock.now())
        else:
            job()


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """A scheduler with the reminder, catch-up, outbox and housekeeping jobs (not started)."""
    zone = ZoneInfo(app.config["TRACKER_TIMEZONE"])
    hours, minutes = (int(part) for part in app.config["DIGEST_TIME"].split(":"))
    scheduler = BackgroundScheduler(
        timezone=zone,
        # One run at a time per job; a run missed while busy is folded into the next one.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )

    def add(job_id: str, function: Callable[..., Any], trigger: Any, *, with_now: bool = True) -> None:
        scheduler.add_job(_in_app_context, trigger, args=(app, function, with_now), id=job_id, name=job_id)

    add(REMINDERS_JOB, jobs.run_due, CronTrigger(day_of_week="mon-fri", hour=hours, minute=minutes, timezone=zone))
    # The catch-up: after a restart, a failed run or a database outage at DIGEST_TIME.
    add(CATCH_UP_JOB, jobs.run_due, IntervalTrigger(minutes=5, timezone=zone))
    add(OUTBOX_JOB, jobs.send_outbox, IntervalTrigger(minutes=1, timezone=zone), with_now=False)
    add(HOUSEKEEPING_JOB, jobs.housekeeping, CronTrigger(hour=3, minute=15, timezone=zone))
    return scheduler


def run_soon(scheduler: BackgroundScheduler, job_id: str) -> None:
    """Run a job's function once now, in the scheduler's threads, beside its regular runs."""
    job = scheduler.get_job(job_id)
    # No trigger: APScheduler runs the job once, straight away.
    scheduler.add_job(job.func, args=job.args, id=f"{job_id}-now", name=f"{job_id} (now)")
