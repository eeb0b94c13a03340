"""Personal access tokens for the API: issued and revoked by administrators, kept only as a SHA-256 hash.

A token is `iat_` and 43 characters of URL-safe randomness (256 bits), so a leaked one is recognisable by its
prefix (secret scanners, logs) and cannot be guessed; a high-entropy token needs no slow hash, so it is found by
its SHA-256 in one indexed lookup. It acts as one person and reads what they read; it stops working when it
expires, when it is revoked, and while its person is deactivated.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import clock
from tracker.audit.services import record_change
from tracker.domain.tokens import hash_token
from tracker.extensions import db
from tracker.models import ApiToken, User

TOKEN_PREFIX = "iat_"  # nosec B105 - the prefix every token starts with, not a secret
TOKEN_PATTERN = re.compile(r"^iat_[A-Za-z0-9_-]{43}$")
HINT_LENGTH = len(TOKEN_PREFIX) + 4
EXPIRY_DAYS = (30, 90, 365)
NAME_MAX_LENGTH = 100


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def issue_token(*, name: str, user: User, days: int, actor: User) -> tuple[ApiToken, str]:
    """A new token acting as `user` for `days` days; returns it and the token itself, which is never kept."""
    token = new_token()
    now = clock.now()
    api_token = ApiToken(
        name=name,
        user_id=user.id,
        token_hash=hash_token(token),
        hint=token[:HINT_LENGTH],
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(api_token)
    db.session.flush()
    record_change(
        actor=actor,
        entity=api_token,
        field="created",
        old=None,
        new=f"{name}, acting as {user.name} ({user.email}), expires {api_token.expires_at:%Y-%m-%d}",
    )
    return api_token, token


def revoke_token(api_token: ApiToken, *, actor: User) -> bool:
    """Stop the token at once; False if it was already revoked."""
    if api_token.revoked_at is not None:
        return False
    now = clock.now()
    record_change(actor=actor, entity=api_token, field="revoked_at", old=None, new=now)
    api_token.revoked_at = now
    api_token.revoked_by_id = actor.id
    return True


def get_token_or_404(token_id: int) -> ApiToken:
    api_token = db.session.get(ApiToken, token_id, options=[joinedload(ApiToken.user)])
    if api_token is None:
        abort(404)
    return api_token


def list_tokens() -> list[ApiToken]:
    """Every token, the newest first, with its person and who issued and revoked it."""
    query = (
        select(ApiToken)
        .options(joinedload(ApiToken.user), joinedload(ApiToken.created_by), joinedload(ApiToken.revoked_by))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def token_state(api_token: ApiToken, now: datetime) -> str:
    """Whether the token works ("Active"), or why not: "Revoked", "Expired" or "Person deactivated"."""
    if api_token.revoked_at is not None:
        return "Revoked"
    if clock.as_utc(api_token.expires_at) <= now:
        return "Expired"
    if not api_token.user.active:
        return "Person deactivated"
    return "Active"


def live_token_named(user_id: int, name: str) -> ApiToken | None:
    """A token of `user_id`'s with this name (case ignored) that still works or could again (not revoked or
    expired), so two tokens of one person are never confused in the list."""
    query = select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > clock.now()
    )
    return next((token for token in db.session.scalars(query) if token.name.casefold() == name.casefold()), None)


def people_tokens_can_act_as() -> list[User]:
    """Active people, by name: a token reads what its person reads."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name, User.id)))
