"""The scheduled jobs, as plain functions taking the clock from their caller.

The scheduler (`tracker.scheduler`) calls them at their times with its `now`; `flask reminders …`
(`tracker.jobs.commands`) calls the same functions by hand, for `--date` or the clock's today. Each
reminder job records a JobRun (`tracker.jobs.runs`) for its day in the same transaction as the emails
it queues, so a job that dies mid-run is redone on restart and a finished one is never redone: after
downtime the scheduler runs today's jobs once (catch-up), and days that were missed are not sent
late, because today's digest already lists everything still owed.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask import current_app

from tracker import clock, throttling, transactions
from tracker.actions.services.plan_import import purge_old_import_previews
from tracker.auth import sessions
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.digest import week_start
from tracker.domain.working_days import is_working_day
from tracker.extensions import db
from tracker.jobs import runs
from tracker.outbox.sender import SendReport, send_due_emails
from tracker.reminders import alerts, digests, links, summaries
from tracker.reminders.update_requests import queue_update_requests

logger = logging.getLogger(__name__)

DAILY_DIGEST = digests.DIGEST_JOB
STATUTORY_ALERTS = "statutory_alerts"
UPDATE_REQUESTS = "update_requests"
PROGRAMME_SUMMARY = "programme_summary"


@dataclass
class JobResult:
    job: str
    run_on: date
    outcome: str
    counts: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        figures = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in self.counts.items())
        return f"{self.job.replace('_', ' ')} for {self.run_on.isoformat()}: {self.outcome}" + (
            f" ({figures})" if figures else ""
        )


# The garbage collector's thresholds while a job works, as a web worker's (gunicorn.conf.py): a young collection every
# 20,000 new objects rather than 700, so that a day's digests make no full collection.
JOB_GC_THRESHOLD = (20_000, 10, 10)


class _BatchCollection:
    """The garbage collector's settings while any job works (`batch_garbage_collection`): the scheduler's threads may
    run two jobs at once, so the first to start sets them and the last to finish puts them back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._working = 0
        self._thresholds: tuple[int, ...] = ()
        self._froze = False

    def start(self) -> None:
        with self._lock:
            if not self._working:
                self._thresholds = gc.get_threshold()
                self._froze = not gc.get_freeze_count()
                if self._froze:
                    gc.freeze()
                gc.set_threshold(*JOB_GC_THRESHOLD)
            self._working += 1

    def finish(self) -> None:
        with self._lock:
            self._working -= 1
            if not self._working:
                gc.set_threshold(*self._thresholds)
                if self._froze:
                    gc.unfreeze()


_BATCH_COLLECTION = _BatchCollection()


@contextlib.contextmanager
def batch_garbage_collection() -> Iterator[None]:
    """The garbage collector set for a job that makes many objects, for as long as it works (issue 17).

    Queuing the day's digests for 5,000 people made 754 young collections and six full ones, each full one going
    through every object of the loaded app and of the job again (0.9 s of 5 s of CPU, and a larger share the more
    people). While the job works, the objects the process already had (the app, its modules and caches) are frozen
    out of the collector's sight, as gunicorn.conf.py does for a web worker, unless something froze them already
    (a web worker), and young collections are rarer; the job's own garbage is still collected. Both are put back
    as they were when the last job working finishes."""
    _BATCH_COLLECTION.start()
    try:
        yield
    finally:
        _BATCH_COLLECTION.finish()


def _run_once(
    job: str, run_on: date, now: datetime, work: Callable[[bool], dict[str, Any]], *, dry_run: bool
) -> JobResult:
    """Do `work` once for (`job`, `run_on`), its JobRun and its emails in one transaction."""
    if dry_run:
        previous = runs.find_run(job, run_on)
        counts = work(True)
        db.session.rollback()
        return JobResult(job, run_on, "dry run, already ran" if previous else "dry run", counts)
    try:
        if not runs.claim_run(job, run_on, now):
            db.session.rollback()
            previous = runs.find_run(job, run_on)
            return JobResult(job, run_on, "already ran", dict(previous.counts) if previous else {})
        with batch_garbage_collection():
            counts = work(False)
        # The clock again: when the run finished is a moment of its own (a long run shows in `flask scheduler status`).
        runs.finish_run(job, run_on, counts, clock.now())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    logger.info("Job %s for %s: %s", job, run_on, counts)
    return JobResult(job, run_on, "done", counts)


def daily_digests(today: date, now: datetime, *, dry_run: bool = False) -> JobResult:
    """Each person's digest for `today` (working days only); its update links are issued at `now`."""
    if not is_working_day(today, BANK_HOLIDAYS):
        return JobResult(DAILY_DIGEST, today, "not a working day")

    def work(dry: bool) -> dict[str, Any]:
        first_run = digests.first_digest_run_of_week(today)
        planned = digests.plan_digests(today, first_run_of_week=first_run)
        return digests.queue_digests(planned, today, now, dry_run=dry).as_dict()

    return _run_once(DAILY_DIGEST, today, now, work, dry_run=dry_run)


def statutory_alerts(today: date, now: datetime, *, dry_run: bool = False) -> JobResult:
    """Alerts 10, 5 and 1 working days before each open statutory deadline."""
    if not is_working_day(today, BANK_HOLIDAYS):
        return JobResult(STATUTORY_ALERTS, today, "not a working day")

    def work(dry: bool) -> dict[str, Any]:
        return alerts.queue_statutory_alerts(today, now, dry_run=dry).as_dict()

    return _run_once(STATUTORY_ALERTS, today, now, work, dry_run=dry_run)


def update_requests(today: date, now: datetime, *, dry_run: bool = False) -> JobResult:
    """Requests to update before each meeting UPDATE_REQUEST_WORKING_DAYS away."""
    if not is_working_day(today, BANK_HOLIDAYS):
        return JobResult(UPDATE_REQUESTS, today, "not a working day")

    def work(dry: bool) -> dict[str, Any]:
        return queue_update_requests(today, now, dry_run=dry).as_dict()

    return _run_once(UPDATE_REQUESTS, today, now, work, dry_run=dry_run)


def programme_summaries(today: date, now: datetime, *, dry_run: bool = False) -> JobResult:
    """The weekly summary to programme managers: at the week's first run, recorded against its Monday."""
    if not is_working_day(today, BANK_HOLIDAYS):
        return JobResult(PROGRAMME_SUMMARY, today, "not a working day")

    def work(dry: bool) -> dict[str, Any]:
        return summaries.queue_programme_summaries(today, now, dry_run=dry).as_dict()

    return _run_once(PROGRAMME_SUMMARY, week_start(today), now, work, dry_run=dry_run)


def run_reminders(today: date, now: datetime, *, dry_run: bool = False) -> list[JobResult]:
    """Everything the scheduler does at DIGEST_TIME on `today`."""
    return [
        daily_digests(today, now, dry_run=dry_run),
        statutory_alerts(today, now, dry_run=dry_run),
        update_requests(today, now, dry_run=dry_run),
        programme_summaries(today, now, dry_run=dry_run),
    ]


def digest_time() -> time:
    hours, minutes = current_app.config["DIGEST_TIME"].split(":")
    return time(int(hours), int(minutes))


def reminders_due_on(now: datetime) -> date | None:
    """The council's today if it is a working day and DIGEST_TIME has passed there, else None."""
    local = clock.local(now)
    if not is_working_day(local.date(), BANK_HOLIDAYS) or local.time() < digest_time():
        return None
    return local.date()


def run_due(now: datetime) -> list[JobResult]:
    """Run today's reminder jobs if they are due and have not run: the 07:30 job and its catch-up."""
    today = reminders_due_on(now)
    if today is None:
        return []
    keys = [
        (DAILY_DIGEST, today),
        (STATUTORY_ALERTS, today),
        (UPDATE_REQUESTS, today),
        (PROGRAMME_SUMMARY, week_start(today)),
    ]
    done = runs.existing_runs(keys)
    db.session.rollback()
    if len(done) == len(keys):
        return []
    return run_reminders(today, now)


def send_outbox() -> SendReport:
    """The outbox sender, every minute. It reads the clock as it goes: each email is claimed, sent and settled
    at its own moment."""
    return send_due_emails()


def housekeeping(now: datetime) -> dict[str, int]:
    """Forget what is no longer needed: update links that expired months ago, sessions idle past the limit, throttle
    counters no rule remembers and plan import previews a month old."""
    with transactions.unit_of_work():
        return {
            "links": links.purge_old_links(now),
            "sessions": sessions.purge_idle(now),
            "throttle_counters": throttling.purge(now),
            "import_previews": purge_old_import_previews(now),
        }
