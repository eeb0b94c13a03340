"""Commands for administrators and scripts: `flask users …`, `flask demo …`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from tracker import clock
from tracker.extensions import db

users_cli = AppGroup("users", help="Manage people who can sign in.")
demo_cli = AppGroup("demo", help="The demonstration data.")


def _checked_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from tracker.auth.services import name_problem

    problem = name_problem(value)
    if problem:
        raise click.ClickException(problem)
    return value.strip()


def _checked_email(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from tracker.auth.services import email_format_problem

    problem = email_format_problem(value.strip())
    if problem:
        raise click.ClickException(problem)
    return value.strip()


@users_cli.command("create-admin")
@click.option("--name", prompt="Full name", callback=_checked_name)
@click.option("--email", prompt="Email address", callback=_checked_email)
@click.password_option("--password", prompt="Password")
def create_admin_command(name: str, email: str, password: str) -> None:
    """Create an administrator who can then invite everyone else."""
    from tracker.admin.services import email_in_use
    from tracker.auth.services import create_admin, password_problem

    if email_in_use(email):
        raise click.ClickException(f"Someone already has an account with {email}")
    problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(problem)
    user = create_admin(name=name, email=email, password=password)
    db.session.commit()
    click.echo(f"Created administrator {user.name} <{user.email}>")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database has nobody in it yet.")
def load_demo_command(if_empty: bool) -> None:
    """Load the Leicester 2008 JAR demo and its people (does nothing if it is already loaded)."""
    from tracker.demo.data import DEMO_PASSWORD, PEOPLE
    from tracker.demo.services import database_is_empty, is_loaded, load_demo

    if if_empty and not is_loaded() and not database_is_empty():
        click.echo("The database already has data: the demo was not loaded.")
        return
    result = load_demo(clock.today())
    db.session.commit()
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


def register_commands(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
