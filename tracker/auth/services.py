"""Signing in, invitations and password resets."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

import email_validator
from flask import current_app, url_for
from sqlalchemy import func, select

from tracker import clock
from tracker.auth.passwords import is_common
from tracker.extensions import db
from tracker.models import Role, TokenPurpose, User, UserToken
from tracker.outbox.services import queue_email

MIN_PASSWORD_LENGTH = 12
NAME_MAX_LENGTH = 200
NAME_LENGTH_MESSAGE = f"Full name must be {NAME_MAX_LENGTH} characters or fewer"
EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.com"


def load_user(session_id: str) -> User | None:
    """The session's person, unless they are deactivated or their password changed since it began."""
    user_id, _, fingerprint = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or not hmac.compare_digest(fingerprint, user.password_fingerprint):
        return None
    return user


def find_user_by_email(email: str) -> User | None:
    query = select(User).where(func.lower(User.email) == email.strip().lower())
    return db.session.scalars(query).first()


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked_minutes: int = 0


def authenticate(email: str, password: str) -> SignInResult:
    """Check the password; after repeated failures the account is locked for a while."""
    user = find_user_by_email(email)
    now = clock.now()
    if user is None or not user.active:
        # Spend the same time as a real check so response time does not reveal accounts.
        User(email="nobody@example.invalid", name="").check_password(password)
        return SignInResult(None)
    if user.locked_until and clock.as_utc(user.locked_until) > now:
        remaining = clock.as_utc(user.locked_until) - now
        return SignInResult(None, locked_minutes=max(1, math.ceil(remaining.total_seconds() / 60)))
    if not user.check_password(password):
        user.failed_login_count += 1
        if user.failed_login_count >= current_app.config["LOGIN_FAILURES_BEFORE_LOCK"]:
            minutes = current_app.config["LOGIN_LOCK_MINUTES"]
            user.locked_until = now + timedelta(minutes=minutes)
            user.failed_login_count = 0
            return SignInResult(None, locked_minutes=minutes)
        return SignInResult(None)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    return SignInResult(user)


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a password is not acceptable, or None: length over complexity, common ones refused."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    lowered = password.lower()
    if len(set(lowered)) < 4 or is_common(password):
        return "Password is too easy to guess: it is, or is built on, a commonly used password. Try three random words"
    if email and lowered == email.lower():
        return "Password must not be your email address"
    return None


def email_format_problem(email: str) -> str | None:
    """Why an email address is malformed, or None. The `test` domain is allowed: the demo log-ins use it."""
    try:
        email_validator.validate_email(email, check_deliverability=False, test_environment=True)
    except email_validator.EmailNotValidError:
        return EMAIL_FORMAT_MESSAGE
    return None


def name_problem(name: str) -> str | None:
    """Why a person's full name cannot be used, or None (the same rules as the invite form)."""
    if not name.strip():
        return "Enter a name"
    if len(name.strip()) > NAME_MAX_LENGTH:
        return NAME_LENGTH_MESSAGE
    return None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cancel_tokens(user: User, purpose: TokenPurpose | None = None) -> None:
    """Stop the person's unused links working (those for `purpose`, or all of them)."""
    query = select(UserToken).where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
    if purpose is not None:
        query = query.where(UserToken.purpose == purpose)
    now = clock.now()
    for old in db.session.scalars(query):
        old.used_at = now


def issue_token(user: User, purpose: TokenPurpose, lifetime: timedelta) -> str:
    """Create a single-use token; earlier unused tokens for the same purpose stop working."""
    now = clock.now()
    cancel_tokens(user, purpose)
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash_token(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def find_valid_token(token: str, purpose: TokenPurpose) -> UserToken | None:
    """The token's row if it exists, is for `purpose`, unused and unexpired."""
    row = db.session.scalars(select(UserToken).where(UserToken.token_hash == _hash_token(token))).first()
    if row is None or row.purpose != purpose or row.used_at is not None or not row.user.active:
        return None
    if clock.as_utc(row.expires_at) <= clock.now():
        return None
    return row


def use_token(row: UserToken, password: str) -> User:
    """Spend the token: set the password and unlock the account."""
    row.used_at = clock.now()
    user = row.user
    user.set_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    return user


def _absolute_url(endpoint: str, **values: object) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def invite_user(
    *,
    invited_by: User,
    name: str,
    email: str,
    role: Role,
    job_title: str = "",
    organisation: str = "",
    line_manager: User | None = None,
) -> User:
    """Create the account without a password and email a set-password link."""
    user = User(
        name=name,
        email=email,
        role=role,
        job_title=job_title,
        organisation=organisation,
        line_manager=line_manager,
    )
    db.session.add(user)
    db.session.flush()
    send_invitation(user, invited_by=invited_by)
    return user


def send_invitation(user: User, *, invited_by: User) -> None:
    days = current_app.config["INVITATION_DAYS"]
    token = issue_token(user, TokenPurpose.INVITATION, timedelta(days=days))
    queue_email(
        recipient=user.email,
        subject=f"You have been invited to the {current_app.config['SERVICE_NAME']}",
        template="invitation",
        dedupe_key=f"invitation:{user.id}:{_hash_token(token)[:16]}",
        user=user,
        invited_by=invited_by,
        link=_absolute_url("auth.set_password", token=token),
        days=days,
    )


def send_password_reset(email: str) -> None:
    """Email a reset link when the address belongs to an active account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    token = issue_token(user, TokenPurpose.PASSWORD_RESET, timedelta(hours=hours))
    queue_email(
        recipient=user.email,
        subject=f"Reset your password for the {current_app.config['SERVICE_NAME']}",
        template="password_reset",
        dedupe_key=f"password-reset:{user.id}:{_hash_token(token)[:16]}",
        user=user,
        link=_absolute_url("auth.reset_password", token=token),
        hours=hours,
    )


def create_admin(*, name: str, email: str, password: str) -> User:
    user = User(name=name, email=email, role=Role.ADMIN, job_title="Administrator")
    user.set_password(password)
    db.session.add(user)
    return user
