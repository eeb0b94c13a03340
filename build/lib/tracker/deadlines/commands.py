"""`flask deadlines calc`: the working-day arithmetic behind every statutory deadline, on the command line."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from tracker.clock import BANK_HOLIDAYS
from tracker.domain.working_days import COUNTINGS, Counting, add_working_days, working_days_between

cli = AppGroup("deadlines", help="Statutory deadlines in working days (England and Wales).")


@cli.command("calc")
@click.option("--from", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Anchor date.")
@click.option("--working-days", "days", required=True, type=int, help="Length of the period in working days.")
@click.option(
    "--counting",
    type=click.Choice(COUNTINGS),
    default="beginning_with",
    show_default=True,
    help="beginning_with: the anchor day is day 1; after: the next working day is day 1.",
)
def calc_command(start: datetime, days: int, counting: Counting) -> None:
    """Print the last day of a period of working days from an anchor date, as YYYY-MM-DD."""
    try:
        due_on = add_working_days(start.date(), days, BANK_HOLIDAYS, counting=counting)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--working-days") from None
    click.echo(due_on.isoformat())


@cli.command("between")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("end", type=click.DateTime(formats=["%Y-%m-%d"]))
def between_command(start: datetime, end: datetime) -> None:
    """Print the working days after START up to and including END (negative when END is earlier)."""
    click.echo(working_days_between(start.date(), end.date(), BANK_HOLIDAYS))
