"""`flask users …`: people managed from the command line, for IT teams scripting joiners and leavers.

Exit codes scripts can rely on (README, Commands): 0 done (or nothing to do), 1 refused (an unknown role, a change
that would leave actions or inspections without an owner or the service without an administrator, an address that
already has an account), 2 a usage error (click's: a missing or unknown option), 3 no account with that address.
Each change is in the person's history with the command line as the actor, and is a security event in the log.
"""

from __future__ import annotations

import getpass
import json

import click
from flask.cli import AppGroup

from tracker import transactions
from tracker.models import Role, User

cli = AppGroup("users", help="Manage people who can sign in (exit codes: 0 done, 1 refused, 2 usage, 3 not found).")

EXIT_REFUSED = 1
EXIT_NOT_FOUND = 3
ROLE_NAMES = ", ".join(role.value for role in Role)


class Refused(click.ClickException):
    exit_code = EXIT_REFUSED


class NotFound(click.ClickException):
    exit_code = EXIT_NOT_FOUND


def _checked_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from tracker.auth.services import name_problem

    problem = name_problem(value)
    if problem:
        raise click.ClickException(problem)
    return value.strip()


def _checked_email(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from tracker.email_addresses import email_format_problem

    problem = email_format_problem(value.strip())
    if problem:
        raise click.ClickException(problem)
    return value.strip()


def _name_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """--name, checked like the invite form's (a usage error otherwise)."""
    from tracker.auth.services import name_problem

    if value is None:
        return None
    if problem := name_problem(value):
        raise click.BadParameter(problem)
    return value.strip()


def _email_argument(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """EMAIL, in the right format (a usage error otherwise)."""
    from tracker.email_addresses import email_format_problem

    if problem := email_format_problem(value.strip()):
        raise click.BadParameter(problem)
    return value.strip()


def _role(value: str) -> Role:
    try:
        return Role(value.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        raise Refused(f"{value!r} is not a role: use one of {ROLE_NAMES}") from None


def _person(email: str) -> User:
    from tracker.auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise NotFound(f"Nobody has an account with {email}")
    return user


def _note(command: str) -> str:
    """What the history says about who did it: the command line, and the operating-system user who ran it."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return f"By the command line (flask users {command}), run by {who}"


def _name_from_email(email: str) -> str:
    """ "ruth.allen@…" → "Ruth Allen", for an invitation without --name."""
    words = email.split("@")[0].replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(word.capitalize() for word in words) or email


@cli.command("create-admin")
@click.option("--name", prompt="Full name", callback=_checked_name)
@click.option("--email", prompt="Email address", callback=_checked_email)
@click.password_option("--password", prompt="Password")
@transactions.committed
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
    click.echo(f"Created administrator {user.name} <{user.email}>")


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of people, for scripts.")
def list_command(as_json: bool) -> None:
    """Everyone with an account: email, name, role, active, invited (no password yet), last sign-in."""
    from tracker.admin.services import people_for_export

    people = people_for_export()
    if as_json:
        click.echo(json.dumps(people, indent=2))
        return
    for person in people:
        state = "active" if person["active"] else "deactivated"
        if person["invited"]:
            state += ", invited"
        if person["sign_in_delayed_until"]:
            state += ", sign-in slowed down"
        click.echo(f"{person['email']:<40} {person['role']:<18} {state:<30} {person['name']}")
    click.echo(f"{len(people)} {'person' if len(people) == 1 else 'people'}")


@cli.command("invite")
@click.argument("email", callback=_email_argument)
@click.option("--role", "role_name", required=True, help=f"One of {ROLE_NAMES}.")
@click.option("--name", callback=_name_option, help="Full name (else from the address: ruth.allen → Ruth Allen).")
@click.option("--job-title", default="", help="Job title.")
@click.option("--organisation", default="", help="Organisation or agency.")
@transactions.committed
def invite_command(email: str, role_name: str, name: str | None, job_title: str, organisation: str) -> None:
    """Create an account for EMAIL and email them a link to set their password."""
    from tracker import security_log
    from tracker.admin.services import email_in_use
    from tracker.audit.services import record_change
    from tracker.auth.services import invite_user

    role = _role(role_name)
    if email_in_use(email):
        raise Refused(f"Someone already has an account with {email}")
    user = invite_user(
        invited_by=None,
        name=name or _name_from_email(email),
        email=email,
        role=role,
        job_title=job_title.strip(),
        organisation=organisation.strip(),
    )
    record_change(actor=None, entity=user, field="account", old=None, new=f"invited as {role.label.lower()}",
                  note=_note("invite"))  # fmt: skip
    security_log.event("invitation_sent", user_id=user.id, email=user.email, role=role.value)
    click.echo(f"Invited {user.name} <{user.email}> as {role.label.lower()}: the invitation is in the outbox")


@cli.command("set-role")
@click.argument("email", callback=_email_argument)
@click.argument("role_name", metavar="ROLE")
@transactions.committed
def set_role_command(email: str, role_name: str) -> None:
    """Give EMAIL's account the role ROLE (refused while they own what the new role may not)."""
    from tracker.admin.services import count_active_admins, handover_before_role_change, log_person_changes, set_role

    role = _role(role_name)
    user = _person(email)
    if user.role == role:
        click.echo(f"{user.email} is already a {role.label.lower()}: nothing changed")
        return
    if user.role == Role.ADMIN and user.active and count_active_admins() == 1:
        raise Refused(f"{user.email} is the only active administrator: make someone else one first")
    handover = handover_before_role_change(user, role)
    if handover:
        held = []
        if handover.open_action_count:
            held.append(f"owns {handover.open_action_count} open action(s)")
        if handover.inspections:
            held.append("runs " + ", ".join(i.title for i in handover.inspections))
        raise Refused(f"{user.email} {' and '.join(held)}: reassign them before making them a {role.label.lower()}")
    old_role = user.role
    set_role(user, role, actor=None, note=_note("set-role"))
    log_person_changes(user, ["role"], old_role=old_role)
    click.echo(f"{user.email} is now a {role.label.lower()} (was {old_role.label.lower()})")


@cli.command("deactivate")
@click.argument("email", callback=_email_argument)
@transactions.committed
def deactivate_command(email: str) -> None:
    """Stop EMAIL signing in at once: sessions end and emailed links stop working. Their actions stay theirs
    until reassigned (the command says how many)."""
    from tracker.admin.services import count_active_admins, count_open_actions_owned, deactivate, log_person_changes

    user = _person(email)
    if not user.active:
        click.echo(f"{user.email} is already deactivated: nothing changed")
        return
    if user.role == Role.ADMIN and count_active_admins() == 1:
        raise Refused(f"{user.email} is the only active administrator: make someone else one first")
    deactivate(user, actor=None, note=_note("deactivate"))
    log_person_changes(user, ["active"], old_role=user.role)
    click.echo(f"Deactivated {user.email}: signed out everywhere, their links no longer work")
    if owned := count_open_actions_owned(user):
        click.echo(f"{user.email} still owns {owned} open action(s): reassign them", err=True)


@cli.command("unlock")
@click.argument("email", callback=_email_argument)
@transactions.committed
def unlock_command(email: str) -> None:
    """Let EMAIL's next sign-in be checked at once, after wrong passwords slowed it down (as "Let them sign in
    now" on the person's page; limits on a network's address stay)."""
    from tracker import security_log
    from tracker.admin.services import clear_sign_in_delay

    user = _person(email)
    was_delayed = clear_sign_in_delay(user, actor=None, note=_note("unlock"))
    security_log.event("sign_in_delay_cleared", user_id=user.id, email=user.email, was_delayed=was_delayed)
    if was_delayed:
        click.echo(f"{user.email} can sign in straight away")
    else:
        click.echo(f"{user.email} was not being held up: nothing to clear")
