"""`flask deadlines calc`: the working-day arithmetic behind every statutory deadline, on the command line."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from tracker.clock import BANK_HOLIDAYS
from tracker.domain.deadline_rules import STATUTORY_RULES, DeadlineRule, rule_by_code
from tracker.domain.formatting import format_long_date
from tracker.domain.working_days import COUNTINGS, Counting, add_working_days, working_days_between

cli = AppGroup("deadlines", help="Statutory deadlines in working days (England and Wales).")

DEFAULT_HINT = "--counting after, or a rule name such as sif_written_statement, counts otherwise"
ANCHOR_WORDS = {"published_on": "the date the report was published", "received_on": "the date it was received"}


def counting_words(counting: Counting, start: datetime) -> str:
    """How the days were counted, as the inspection page says it."""
    if counting == "beginning_with":
        return f"beginning with {format_long_date(start.date())} (it is day 1)"
    return f"after {format_long_date(start.date())} (the next working day is day 1)"


def _basis(rule: DeadlineRule | None, counting: Counting, days: int, start: datetime, *, chosen: bool) -> str:
    said = f"{days} working days counted {counting_words(counting, start)}"
    if rule is not None:
        anchor = ANCHOR_WORDS[rule.anchor]
        return f"{said}, as the rule {rule.code} counts ({rule.title}, {rule.framework}: from {anchor})"
    if not chosen:
        return f"{said}. That is the default: {DEFAULT_HINT}"
    return said


@cli.command("calc")
@click.option("--from", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Anchor date.")
@click.option(
    "--working-days", "days", type=int, help="Length of the period in working days (a rule name brings its own)."
)
@click.option(
    "--counting",
    type=click.Choice([*COUNTINGS, *(rule.code for rule in STATUTORY_RULES)]),
    help="beginning_with (the default): the anchor day is day 1; after: the next working day is day 1; "
    "or a statutory rule's name (jar_action_plan, sif_written_statement …) to count as that rule does.",
)
def calc_command(start: datetime, days: int | None, counting: str | None) -> None:
    """Print the last day of a period of working days from an anchor date, as YYYY-MM-DD, and say how it was
    counted (on standard error, so that the date alone can be read by a script)."""
    rule = rule_by_code(counting) if counting else None
    how: Counting = rule.counting if rule else ("after" if counting == "after" else "beginning_with")
    days = days if days is not None else (rule.working_days if rule else None)
    if days is None:
        raise click.UsageError("Give --working-days, or a rule name in --counting that brings its own")
    try:
        due_on = add_working_days(start.date(), days, BANK_HOLIDAYS, counting=how)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--working-days") from None
    click.echo(due_on.isoformat())
    click.echo(f"{format_long_date(due_on)}: {_basis(rule, how, days, start, chosen=counting is not None)}.", err=True)


@cli.command("between")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("end", type=click.DateTime(formats=["%Y-%m-%d"]))
def between_command(start: datetime, end: datetime) -> None:
    """Print the working days after START up to and including END (negative when END is earlier)."""
    click.echo(working_days_between(start.date(), end.date(), BANK_HOLIDAYS))
