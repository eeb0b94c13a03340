"""Signing in, invitations and password resets."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, insert, select, update
from werkzeug.security import check_password_hash

from tracker import clock, throttling
from tracker.auth import sessions
from tracker.auth.passwords import is_common
from tracker.domain.throttle import Decision, Rule
from tracker.extensions import db, execute_change
from tracker.models import Role, TokenPurpose, User, UserToken
from tracker.outbox.queueing import queue_email

MIN_PASSWORD_LENGTH = 12
NAME_MAX_LENGTH = 200
NAME_LENGTH_MESSAGE = f"Full name must be {NAME_MAX_LENGTH} characters or fewer"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    query = select(User).where(func.lower(User.email) == normalise_email(email))
    return db.session.scalars(query).first()


# A scrypt hash (werkzeug's parameters, as set_password makes them) of a random password nobody kept. Checking a
# password against it costs what checking a real one does, so an unknown address, a deactivated person and an
# invited person who has not chosen a password take as long to refuse as a wrong password.
_STAND_IN_HASH = (
    "scrypt:32768:8:1$408eHwDN8axi3qwf$354f39666b2a74422619c3a177ed57aa56b324efb0e55561f4d00fff7af1f0d6"
    "fa83adea1428b5f6ffad4704020f74f387c39aac770c9b4efd93492673693459"
)


@dataclass(frozen=True)
class PasswordCheck:
    """The outcome of checking a typed address and password: `user` when they sign in, otherwise why not (for the
    security log only: the person is told the same whatever the reason)."""

    user: User | None
    account: User | None = None
    reason: str = ""


def authenticate(email: str, password: str) -> PasswordCheck:
    """The active person with this address and password, or why not; the same work either way."""
    user = find_user_by_email(email)
    stored = user.password_hash if user is not None and user.active and user.password_hash else None
    matches = check_password_hash(stored or _STAND_IN_HASH, password)
    if stored is not None and matches:
        return PasswordCheck(user, user)
    if user is None:
        reason = "unknown_email"
    elif not user.active:
        reason = "deactivated"
    else:
        reason = "no_password_yet" if not user.password_hash else "wrong_password"
    return PasswordCheck(None, user, reason)


# Sign-in throttling ---------------------------------------------------------------------------------------

KNOWN_BROWSER_COOKIE = "known_browser"
KNOWN_BROWSER_DAYS = 365


@dataclass(frozen=True)
class SignInAttempt:
    """Who is trying (the typed address, or the browser that signed in with it before) and from where, and
    whether the throttles let them; `problem` says why not."""

    email: str
    address: str
    rule: Rule
    subject: str
    decision: Decision
    problem: str = ""

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


def _browser_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-browser")


def known_browser_cookie(email: str) -> str:
    """The cookie value that marks this browser as one that signed in with `email`."""
    return _browser_serializer().dumps({"email": normalise_email(email), "nonce": secrets.token_urlsafe(16)})


def _known_browser(cookie: str, email: str) -> str | None:
    """The browser's own name (its nonce) when its cookie says it signed in with `email` before."""
    try:
        payload = _browser_serializer().loads(cookie, max_age=KNOWN_BROWSER_DAYS * 86400)
    except BadData:
        return None
    if not isinstance(payload, dict) or payload.get("email") != normalise_email(email):
        return None
    nonce = payload.get("nonce")
    return nonce if isinstance(nonce, str) else None


def begin_sign_in(email: str, address: str, *, browser_cookie: str = "") -> SignInAttempt:
    """Count the attempt against the client address, then the typed address (or the known browser), before the
    password is checked; the caller commits at once. The same for addresses with and without accounts."""
    email = normalise_email(email)
    decision = throttling.attempt(throttling.SIGN_IN_ADDRESS, address)
    if not decision.allowed:
        problem = (
            f"Too many attempts to sign in from your network. Wait {throttling.wait_for(decision)}, then try again"
        )
        return SignInAttempt(email, address, throttling.SIGN_IN_ADDRESS, address, decision, problem)
    browser = _known_browser(browser_cookie, email) if browser_cookie else None
    rule, subject = (throttling.SIGN_IN_BROWSER, browser) if browser else (throttling.SIGN_IN_ACCOUNT, email)
    decision = throttling.attempt(rule, subject)
    problem = (
        ""
        if decision.allowed
        else f"Too many attempts to sign in with this email address. Wait {throttling.wait_for(decision)}, "
        "then try again, or reset your password"
    )
    return SignInAttempt(email, address, rule, subject, decision, problem)


def signed_in(user: User, attempt: SignInAttempt) -> None:
    """A right password does not count against the client address, and the count it was made under (the
    address's, or the known browser's) starts again."""
    throttling.refund(throttling.SIGN_IN_ADDRESS, attempt.address)
    throttling.clear(attempt.rule, attempt.subject)
    user.last_login_at = clock.now()


def sign_in_delay(user: User) -> tuple[datetime, int] | None:
    """Until when sign-in with the person's address must wait, and after how many attempts, if it must."""
    return throttling.waiting_until(throttling.SIGN_IN_ACCOUNT, normalise_email(user.email))


def clear_sign_in_delay(user: User) -> None:
    throttling.clear(throttling.SIGN_IN_ACCOUNT, normalise_email(user.email))


def count_delayed(emails: Iterable[str]) -> int:
    """How many of these addresses have sign-in delayed now."""
    waiting = throttling.keys_waiting()
    if not waiting:
        return 0
    return sum(
        throttling.counter_key(throttling.SIGN_IN_ACCOUNT, normalise_email(email)) in waiting for email in emails
    )


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


def name_problem(name: str) -> str | None:
    """Why a person's full name cannot be used, or None (the same rules as the invite form)."""
    if not name.strip():
        return "Enter a name"
    if len(name.strip()) > NAME_MAX_LENGTH:
        return NAME_LENGTH_MESSAGE
    return None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cancel_tokens(user: User | None, purpose: TokenPurpose | None = None) -> None:
    """Stop the person's unused links working (those for `purpose`, or all of them). With no person it changes
    nothing, at the cost of the same statement (a reset for an address without an account)."""
    statement = update(UserToken).where(
        UserToken.user_id == (user.id if user is not None else None), UserToken.used_at.is_(None)
    )
    if purpose is not None:
        statement = statement.where(UserToken.purpose == purpose)
    db.session.execute(statement.values(used_at=clock.now()).execution_options(synchronize_session=False))


def issue_token(user: User, purpose: TokenPurpose, lifetime: timedelta) -> str:
    """Create a single-use token; earlier unused tokens for the same purpose stop working."""
    now = clock.now()
    cancel_tokens(user, purpose)
    token = secrets.token_urlsafe(32)
    db.session.execute(
        insert(UserToken).values(
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


def use_token(row: UserToken, password: str) -> User | None:
    """Spend the token, once, and set the password: every other session ends and sign-in is no longer delayed.

    The token is spent by one conditional update that only one request can win: None when another request
    (the same link sent twice at once) spent it first, or it expired meanwhile; the caller rolls back.
    """
    now = clock.now()
    spend = (
        update(UserToken)
        .where(UserToken.id == row.id, UserToken.used_at.is_(None), UserToken.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if execute_change(spend).rowcount != 1:
        return None
    user = row.user
    user.set_password(password)
    sessions.end_all(user)
    clear_sign_in_delay(user)
    return user


def _absolute_url(endpoint: str, **values: object) -> str:
    """The address under BASE_URL, with or without a request (`flask users invite` has none)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def invite_user(
    *,
    invited_by: User | None,
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


def begin_invitation(email: str, address: str) -> tuple[Decision, str]:
    """Count an invitation email to `email` sent from `address` (the caller commits at once), and why it is
    refused, if it is (past INVITATION_ADDRESS or INVITATION_RECIPIENT)."""
    decision = throttling.attempt(throttling.INVITATION_ADDRESS, address)
    if not decision.allowed:
        return decision, "Too many invitations have been sent from your network."
    decision = throttling.attempt(throttling.INVITATION_RECIPIENT, normalise_email(email))
    return decision, "" if decision.allowed else "Too many invitations have been sent to this address."


def invitation_problem(decision: Decision, reason: str) -> str:
    return f"{reason} Wait {throttling.wait_for(decision)}, then try again"


def send_invitation(user: User, *, invited_by: User | None) -> None:
    """Email a set-password link; `invited_by` is None when the command line invites."""
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


def begin_password_reset(email: str, address: str) -> tuple[Decision, str]:
    """Count a request for a reset email from `address` for `email`, and why it is refused, if it is. The same
    for addresses with and without accounts."""
    decision = throttling.attempt(throttling.RESET_EMAIL_ADDRESS, address)
    if not decision.allowed:
        return decision, (
            f"Too many reset links have been asked for from your network. Wait {throttling.wait_for(decision)}, "
            "then try again"
        )
    decision = throttling.attempt(throttling.RESET_EMAIL_RECIPIENT, normalise_email(email))
    if not decision.allowed:
        return decision, (
            "A reset link has been asked for too many times for this email address. Use the link in the latest "
            f"email, or wait {throttling.wait_for(decision)} and try again"
        )
    return decision, ""


def send_password_reset(email: str) -> User | None:
    """Email a reset link when the address belongs to an active account (returned, for the log); say nothing
    either way.

    An address with no active account costs nearly the same work: the same statement to cancel earlier links (it
    matches none), a token made and the email rendered for a stand-in, but nothing is stored or sent, so the time
    taken does not tell the two apart (bench/sign_in_timing.py measures it).
    """
    user = find_user_by_email(email)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    subject = f"Reset your password for the {current_app.config['SERVICE_NAME']}"
    if user is None or not user.active:
        cancel_tokens(None, TokenPurpose.PASSWORD_RESET)
        token = secrets.token_urlsafe(32)
        stand_in = User(name="", email=normalise_email(email))
        context = {"user": stand_in, "link": _absolute_url("auth.reset_password", token=token), "hours": hours}
        render_template("emails/password_reset.txt", subject=subject, **context)
        render_template("emails/password_reset.html", subject=subject, **context)
        return None
    token = issue_token(user, TokenPurpose.PASSWORD_RESET, timedelta(hours=hours))
    queue_email(
        recipient=user.email,
        subject=subject,
        template="password_reset",
        dedupe_key=f"password-reset:{user.id}:{_hash_token(token)[:16]}",
        user=user,
        link=_absolute_url("auth.reset_password", token=token),
        hours=hours,
    )
    return user


def create_admin(*, name: str, email: str, password: str) -> User:
    user = User(name=name, email=email, role=Role.ADMIN, job_title="Administrator")
    user.set_password(password)
    db.session.add(user)
    return user
