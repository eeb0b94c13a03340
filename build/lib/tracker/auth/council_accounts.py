"""Which tracker account a council sign-in is for, and the role the directory gives it.

An account is found by the directory's immutable id (Entra ID's `oid`, else `sub`), stored on the account at its
first council sign-in, never by email address alone. With no such account, the sign-in creates one (just in time),
or joins an existing one with the same address when that address is at one of the council's own domains and the
account was never joined before (README, Single sign-on, says why and what it risks). The role follows the
directory at every sign-in; a change is recorded in the history. A deactivated account stays refused.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from tracker import clock, security_log
from tracker.audit.services import record_change
from tracker.auth import services, sessions
from tracker.auth.sso import Answer, Settings, refused
from tracker.domain.directory import account_email, claim_values, directory_id, is_council_address, mapped_role
from tracker.email_addresses import email_format_problem
from tracker.extensions import db
from tracker.models import AuthSource, Role, TokenPurpose, User

FROM_DIRECTORY = "From the council's directory at sign-in"


def find_by_directory_id(identifier: str) -> User | None:
    return db.session.scalars(select(User).where(User.directory_id == identifier)).first()


def sign_in(answer: Answer, current: Settings) -> User:
    """The account to sign in to for this checked answer, its role brought up to date; the caller starts the session
    and commits. Raises SignInRefused (deactivated, no mapped role, no email address, address taken)."""
    identifier = directory_id(answer.claims)
    if identifier is None:
        raise refused("token")
    user = find_by_directory_id(identifier)
    if user is not None and not user.active:
        raise refused("deactivated")
    role_value = mapped_role(claim_values(answer.claims, current.role_claim), current.roles)
    if role_value is None:
        raise refused("no_role")
    role = Role(role_value)
    if user is None:
        user = _join_or_create(answer, identifier, role, current)
    if user.role != role:
        record_change(actor=None, entity=user, field="role", old=user.role, new=role, note=FROM_DIRECTORY)
        security_log.event("sso_role_changed", user_id=user.id, old_role=str(user.role), new_role=str(role))
        user.role = role
    user.last_login_at = clock.now()
    return user


def _join_or_create(answer: Answer, identifier: str, role: Role, current: Settings) -> User:
    email = account_email(answer.claims)
    if email is None or email_format_problem(email):
        raise refused("no_email")
    existing = services.find_user_by_email(email)
    if existing is None:
        return _create(answer, identifier, email, role)
    # Joined only when the directory is the authority for the address (the council's own domain) and no council
    # account has claimed this account before; a partner's address, or an account already joined, is never taken.
    if existing.directory_id is not None or not is_council_address(email, current.council_domains):
        raise refused("email_taken")
    if not existing.active:
        raise refused("deactivated")
    _join(existing, identifier)
    return existing


def _create(answer: Answer, identifier: str, email: str, role: Role) -> User:
    name = str(answer.claims.get("name") or "").strip()[: services.NAME_MAX_LENGTH] or email
    user = User(
        name=name,
        email=email,
        role=role,
        organisation=current_app.config["ORGANISATION_NAME"],
        directory_id=identifier,
        auth_source=AuthSource.DIRECTORY,
    )
    db.session.add(user)
    db.session.flush()
    record_change(
        actor=None, entity=user, field="account", old=None, new="created at first sign-in with a council account"
    )
    # The role it was created with is the directory's; recorded so the history shows where it came from.
    record_change(actor=None, entity=user, field="role", old=None, new=role, note=FROM_DIRECTORY)
    return user


def _join(user: User, identifier: str) -> None:
    """Join an account made before (by invitation) to the council account: from now on it signs in with that only.
    Its password and unused links stop working, and browsers signed in with the password are signed out."""
    record_change(
        actor=None,
        entity=user,
        field="sign_in",
        old=user.auth_source,
        new=AuthSource.DIRECTORY,
        note="Joined to a council account at its first sign-in (same address at the council's own domain)",
    )
    user.directory_id = identifier
    user.auth_source = AuthSource.DIRECTORY
    user.password_hash = None
    services.cancel_tokens(user, TokenPurpose.PASSWORD_RESET)
    services.cancel_tokens(user, TokenPurpose.INVITATION)
    sessions.end_all(user)
