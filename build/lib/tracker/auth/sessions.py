"""Server-side session records: a session cookie works only while its row exists and has not been idle too long.

The cookie (Flask's signed session) carries a random token; the database keeps its SHA-256 in
`user_sessions`. Signing out deletes the row, so a copy of the cookie stops working too; so do signing out
everywhere, a new password and deactivation, which delete all the person's rows. A session unused for
PERMANENT_SESSION_LIFETIME (8 hours) is refused and later purged.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app, session
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError

from tracker import clock
from tracker.domain.tokens import hash_token
from tracker.extensions import db, execute_change
from tracker.models import User, UserSession

logger = logging.getLogger(__name__)

SESSION_KEY = "sid"  # the key in the signed session cookie that holds the session token
# How stale last_seen_at may get before a request moves it on: one write a minute per session, not one a request.
TOUCH_EVERY = timedelta(minutes=1)


def idle_limit() -> timedelta:
    return current_app.permanent_session_lifetime


def begin(user: User, *, id_token: str | None = None) -> str:
    """Record a new session for `user` (the caller commits); returns the token for the cookie. A council sign-in
    keeps its id token with the session, for the provider's sign-out."""
    now = clock.now()
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(user_id=user.id, token_hash=hash_token(token), created_at=now, last_seen_at=now, id_token=id_token)
    )
    purge_idle(now, user=user)
    return token


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the person whose live session the cookie's token names, if they are active."""
    token = session.get(SESSION_KEY)
    if not token or not isinstance(token, str) or not user_id.isdigit():
        return None
    query = (
        select(User, UserSession.id, UserSession.last_seen_at)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == hash_token(token))
    )
    row = db.session.execute(query).first()
    if row is None or row.User.id != int(user_id) or not row.User.active:
        return None
    now, last_seen = clock.now(), clock.as_utc(row.last_seen_at)
    if now - last_seen >= idle_limit():
        return None
    if now - last_seen >= TOUCH_EVERY:
        _touch(row.id, now)
    return row.User


def _touch(session_id: int, now: datetime) -> None:
    """Move last_seen_at on in a transaction of its own: the request may never commit (a page view)."""
    statement = update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
    try:
        with db.engine.begin() as connection:
            connection.execute(statement)
    except OperationalError:
        # Busy (SQLite's write lock): the next request a minute on tries again; the session is not at risk.
        logger.warning("Could not record that session %s was used", session_id)


def end_current() -> str | None:
    """Delete the row of the session this request's cookie names (signing out); returns its id token, if the session
    began with a council sign-in."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    statement = delete(UserSession).where(UserSession.token_hash == hash_token(token)).returning(UserSession.id_token)
    return db.session.execute(statement.execution_options(synchronize_session=False)).scalar()


def end_all(user: User) -> int:
    """Delete every session of `user`: every browser, and every copy of a cookie, is signed out."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    return execute_change(statement.execution_options(synchronize_session=False)).rowcount or 0


def count_live(user: User) -> int:
    """How many browsers `user` is signed in on now."""
    cutoff = clock.now() - idle_limit()
    query = select(func.count()).where(UserSession.user_id == user.id, UserSession.last_seen_at > cutoff)
    return db.session.scalar(query) or 0


def purge_idle(now: datetime, *, user: User | None = None) -> int:
    """Delete sessions idle past the limit (all of them, or `user`'s)."""
    statement = delete(UserSession).where(UserSession.last_seen_at <= now - idle_limit())
    if user is not None:
        statement = statement.where(UserSession.user_id == user.id)
    return execute_change(statement.execution_options(synchronize_session=False)).rowcount or 0
