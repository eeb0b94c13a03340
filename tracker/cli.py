"""`flask demo …` (the people commands, `flask users …`, are in tracker/admin/commands.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from tracker import clock, transactions

demo_cli = AppGroup("demo", help="The demonstration data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database has nobody in it yet.")
@transactions.committed
def load_demo_command(if_empty: bool) -> None:
    """Load the Leicester 2008 JAR demo and its people (does nothing if it is already loaded)."""
    from tracker.demo.data import DEMO_PASSWORD, PEOPLE
    from tracker.demo.services import database_is_empty, is_loaded, load_demo

    if if_empty and not is_loaded() and not database_is_empty():
        click.echo("The database already has data: the demo was not loaded.")
        return
    result = load_demo(clock.today())
    if result.created:
        click.echo(
            f"Loaded the demo: {result.people} people, {result.recommendations} recommendations, "
            f"{result.actions} actions, {result.updates} progress updates."
        )
    else:
        click.echo("The demo is already loaded: nothing changed.")
    click.echo("Demo sign-ins (password for each: " + DEMO_PASSWORD + "):")
    for person in PEOPLE:
        if person.email.split("@")[0] in {"admin", "programme.manager", "service.manager", "viewer"}:
            click.echo(f"  {person.email:<32} {person.role.replace('_', ' ')}")


class FeatureCommands(AppGroup):
    """`app.cli` with the features' command groups (tracker/<feature>/commands.py) imported when a command is
    first looked up or listed, not when the app is built: a web worker never runs one, and they bring in the
    email, import and backup code (issue 17, start-up). `flask …` and the test CLI runner look commands up through
    get_command and list_commands, so they see every group as before."""

    def __init__(self, name: str, load: Callable[[], Iterable[click.Command]], **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self._load: Callable[[], Iterable[click.Command]] | None = load

    def _loaded(self) -> None:
        if self._load is not None:
            load, self._load = self._load, None
            for group in load():
                self.add_command(group)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._loaded()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._loaded()
        return super().list_commands(ctx)


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_cli)
