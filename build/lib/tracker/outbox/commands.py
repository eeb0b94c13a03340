"""`flask outbox send` and `flask outbox list`: the sender by hand, and what is in the queue."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.models import EmailState

cli = AppGroup("outbox", help="The outgoing email queue.")

STATES = [state.value for state in EmailState]
# `flask outbox send` exits with this when it could not reach the mail server: nothing was sent, all stays queued.
EXIT_UNREACHABLE = 1


@cli.command("send")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many (default OUTBOX_BATCH_SIZE).")
@click.option("--dry-run", is_flag=True, help="List what is due; send nothing.")
def send_command(limit: int | None, dry_run: bool) -> None:
    """Send the emails that are due now, as the scheduler does every minute. Exits 1 if the mail server (or the
    OAuth token endpoint) cannot be reached; everything stays queued."""
    from tracker import clock
    from tracker.outbox.sender import send_due_emails
    from tracker.outbox.services import due_count, list_due_emails

    if dry_run:
        now = clock.now()
        click.echo(f"{due_count(now)} email(s) due now; nothing was sent.")
        for email in list_due_emails(now, limit=limit or 20):
            click.echo(f"{email.id:>6}  attempt {email.attempts + 1}  {email.recipient:<32} {email.subject}")
        return
    report = send_due_emails(limit=limit)
    click.echo(report.summary())
    if report.error:  # scripts and monitoring see it: the mail server (or its token endpoint) could not be reached
        raise SystemExit(EXIT_UNREACHABLE)


@cli.command("list")
@click.option("--state", type=click.Choice(STATES), help="Only emails in this state.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
def list_command(state: str | None, limit: int) -> None:
    """The latest emails, newest first, with their state and any error."""
    from tracker import clock
    from tracker.domain.formatting import format_date_time
    from tracker.outbox.services import counts_by_state, list_emails

    counts = counts_by_state()
    click.echo(", ".join(f"{s.value} {counts[s]}" for s in EmailState))
    for email in list_emails(state=EmailState(state) if state else None, limit=limit):
        line = (
            f"{email.id:>6}  {format_date_time(clock.local(email.created_at)):<34} {email.state.value:<8} "
            f"{email.attempts} {email.recipient:<32} {email.subject}"
        )
        click.echo(line)
        if email.last_error and email.state != EmailState.SENT:
            click.echo(f"        error: {email.last_error}")
