"""`flask reminders …`: each scheduled reminder job by hand, for any day, with a dry run; and a digest's preview.

The clock is read here, once per command, and passed to the job (`--date` sets the day, not the instant). Unlike
the other commands modules this one imports its work at the top: importing it imports `tracker.jobs` anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import click
from flask.cli import AppGroup

from tracker import clock, jobs
from tracker.auth.services import find_user_by_email
from tracker.reminders.digests import preview_digest

cli = AppGroup("reminders", help="Reminder emails: digests, alerts, update requests and summaries.")


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter("Date must be a real date, like 2026-11-24") from None


def _options(command: Callable) -> Callable:
    command = click.option("--dry-run", is_flag=True, help="Say what would be queued; change nothing.")(command)
    return click.option(
        "--date", "day", callback=_day, metavar="YYYY-MM-DD", help="The day to run for (default: today)."
    )(command)


def _clock(day: date | None) -> tuple[date, datetime]:
    """The day to run for (`--date`, or the council's today) and the instant it runs at."""
    now = clock.now()
    return day or clock.local(now).date(), now


def _report(results: list) -> None:
    for result in results:
        click.echo(result.line())


@cli.command("run")
@_options
def run_command(day: date | None, dry_run: bool) -> None:
    """Everything the scheduler does at DIGEST_TIME: digests, statutory alerts, update requests, summary."""
    _report(jobs.run_reminders(*_clock(day), dry_run=dry_run))


@cli.command("digests")
@_options
def digests_command(day: date | None, dry_run: bool) -> None:
    """The daily digests, with escalations to line managers."""
    _report([jobs.daily_digests(*_clock(day), dry_run=dry_run)])


@cli.command("statutory-alerts")
@_options
def statutory_alerts_command(day: date | None, dry_run: bool) -> None:
    """Alerts 10, 5 and 1 working days before open statutory deadlines."""
    _report([jobs.statutory_alerts(*_clock(day), dry_run=dry_run)])


@cli.command("update-requests")
@_options
def update_requests_command(day: date | None, dry_run: bool) -> None:
    """Requests to update actions before a meeting."""
    _report([jobs.update_requests(*_clock(day), dry_run=dry_run)])


@cli.command("programme-summary")
@_options
def programme_summary_command(day: date | None, dry_run: bool) -> None:
    """The weekly programme summary to programme managers."""
    _report([jobs.programme_summaries(*_clock(day), dry_run=dry_run)])


@cli.command("preview")
@click.option("--user", "email", required=True, metavar="EMAIL", help="Whose digest.")
@click.option("--date", "day", callback=_day, metavar="YYYY-MM-DD", help="The day (default: today).")
@click.option("--html", is_flag=True, help="Print the HTML part instead of the plain text.")
def preview_command(email: str, day: date | None, html: bool) -> None:
    """Print someone's digest for a day, as it would be sent (no links are issued, nothing is queued)."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Nobody has the email address {email}")
    today, _now = _clock(day)
    preview = preview_digest(user, today)
    if preview.email is None:
        click.echo(
            f"No digest for {user.email} on {today.isoformat()}: nothing is overdue, due soon or needs an update."
        )
        return
    if not preview.would_send:
        click.echo(f"(Not sent on {today.isoformat()}: {preview.not_sent_because}. It would say:)\n")
    click.echo(f"To: {preview.email.recipient}\nSubject: {preview.email.subject}\n")
    click.echo(preview.email.html_body if html else preview.email.text_body)
