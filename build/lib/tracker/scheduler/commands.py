"""`flask scheduler run`: the one scheduler process; `flask scheduler status`: who holds it."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

cli = AppGroup("scheduler", help="The process that sends reminders and email on time.")


@cli.command("run")
def run_command() -> None:
    """Run the scheduler until stopped. A second one started against the same database waits as standby."""
    from tracker.logs import configure_from
    from tracker.scheduler.runner import SchedulerProcess

    configure_from(current_app)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("tracker.scheduler").setLevel(logging.INFO)
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger(__name__).info("Scheduler received %s: finishing", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    SchedulerProcess(current_app._get_current_object()).run(stop)  # type: ignore[attr-defined]


@cli.command("status")
def status_command() -> None:
    """Which process holds the scheduler lease, its last heartbeat, and the latest job runs."""
    from tracker import clock
    from tracker.domain.formatting import format_date_time
    from tracker.jobs.runs import recent_runs
    from tracker.scheduler.lease import current_holder

    now = clock.now()
    holder = current_holder()
    if holder is None:
        click.echo("No scheduler has run against this database.")
    else:
        age = (now - holder.heartbeat_at).total_seconds()
        state = "active" if holder.expires_at > now else "not running (lease expired)"
        click.echo(f"Scheduler {holder.holder}: {state}; last heartbeat {age:.0f} s ago")
    for run in recent_runs():
        finished = format_date_time(clock.local(run.finished_at)) if run.finished_at else "not finished"
        click.echo(f"  {run.job:<18} {run.run_on.isoformat()}  finished {finished}  {run.counts}")
