"""Who is calling the API: a personal access token in the Authorization header (never a cookie), counted
against the token's limit of requests a minute.

A request costs one read to find the token and its person, and one write to count it (one upsert on the
token's counter row, shared by every worker through the database). When the token was last used is moved on at
most once a minute, in the same transaction, so reading the API is not a write to the token per request.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy import case, select, update

from tracker import clock, transactions
from tracker.api.problems import ApiError, problem
from tracker.api_tokens.services import TOKEN_PATTERN, hash_token
from tracker.extensions import db, dialect_insert
from tracker.models import ApiRequestCounter, ApiToken, User
from tracker.models.api_token import READ_SCOPE
from tracker.permissions import ALL_ROLES

F = TypeVar("F", bound=Callable[..., Any])

RATE_RULE = "api-token"
RATE_WINDOW = timedelta(minutes=1)
LAST_USED_EVERY = timedelta(minutes=1)
PERMISSION = "api-token:" + READ_SCOPE


class NotAuthenticated(Exception):
    """No token, or one that does not work; the message says which, for whoever set up the report."""


@dataclass(frozen=True)
class Caller:
    token_id: int
    user_id: int
    last_used_at: datetime | None


_TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.user_id,
    ApiToken.scope,
    ApiToken.expires_at,
    ApiToken.revoked_at,
    ApiToken.last_used_at,
    User.active,
    User.role,
)


def authenticate(header: str, now: datetime) -> Caller:
    """The token in `header` ("Bearer iat_…") if it works now: not revoked or expired, and acting as someone who
    may sign in (active, in a role), since a token reads what its person reads."""
    if not header.strip():
        raise NotAuthenticated("Send a personal access token in the Authorization header: Bearer iat_…")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not TOKEN_PATTERN.match(token):
        raise NotAuthenticated("The Authorization header must be Bearer followed by a personal access token (iat_…)")
    query = (
        select(*_TOKEN_COLUMNS).join(User, ApiToken.user_id == User.id).where(ApiToken.token_hash == hash_token(token))
    )
    row = db.session.execute(query).first()
    if row is None:
        raise NotAuthenticated("This token is not known: check it was copied whole")
    if row.revoked_at is not None:
        raise NotAuthenticated("This token has been revoked: ask an administrator for a new one")
    if clock.as_utc(row.expires_at) <= now:
        raise NotAuthenticated(f"This token expired on {clock.as_utc(row.expires_at):%Y-%m-%d}: ask an administrator "
                               "for a new one")  # fmt: skip
    if not row.active or row.role not in ALL_ROLES:
        raise NotAuthenticated("The person this token acts as has been deactivated")
    if row.scope != READ_SCOPE:
        raise NotAuthenticated("This token cannot read the API")
    return Caller(row.id, row.user_id, clock.as_utc(row.last_used_at) if row.last_used_at else None)


def counter_key(token_id: int) -> str:
    return hashlib.sha256(f"{RATE_RULE}\n{token_id}".encode()).hexdigest()


def count_request(token_id: int, now: datetime) -> tuple[int, datetime]:
    """Count one request with the token in the current minute; returns the minute's count and when it began.

    One atomic upsert: the first request of a minute starts the count again at 1, so concurrent requests in
    several workers are all counted and none is lost."""
    window = now.replace(second=0, microsecond=0)
    statement = dialect_insert(ApiRequestCounter).values(
        key=counter_key(token_id), window_started_at=window, attempts=1
    )
    same_window = ApiRequestCounter.window_started_at == statement.excluded.window_started_at
    upsert = statement.on_conflict_do_update(
        index_elements=[ApiRequestCounter.key],
        set_={
            "attempts": case((same_window, ApiRequestCounter.attempts + 1), else_=1),
            "window_started_at": statement.excluded.window_started_at,
        },
    ).returning(ApiRequestCounter.attempts)
    return db.session.execute(upsert).scalar_one(), window


def record_use(caller: Caller, now: datetime) -> None:
    """Move the token's last use on, when it is a minute or more behind."""
    if caller.last_used_at is None or now - caller.last_used_at >= LAST_USED_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == caller.token_id).values(last_used_at=now))


def token_required(view: F) -> F:
    """A personal access token (read scope) in the Authorization header, within its requests a minute; the view
    finds the caller in `g.api_caller`. Errors are JSON problems: 401, 429, and the view's own ApiErrors."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        now = clock.now()
        try:
            caller = authenticate(request.headers.get("Authorization", ""), now)
        except NotAuthenticated as refusal:
            error = "" if "Authorization" not in request.headers else ', error="invalid_token"'
            return problem(401, str(refusal), {"WWW-Authenticate": f'Bearer realm="api"{error}'})
        count, window = count_request(caller.token_id, now)
        record_use(caller, now)
        transactions.commit_now()
        limit = current_app.config["API_REQUESTS_PER_MINUTE"]
        headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(max(0, limit - count))}
        if count > limit:
            wait = max(1, math.ceil((window + RATE_WINDOW - now).total_seconds()))
            detail = f"This token has made more than {limit} requests this minute: wait {wait} seconds"
            return problem(429, detail, {**headers, "Retry-After": str(wait)})
        g.api_caller = caller
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except ApiError as error:
            response = problem(error.status, error.detail)
        response.headers.update(headers)
        return response

    # The rule rides on the view as an attribute (the route-access test reads it); and `wraps` gives back a function
    # with the view's signature that mypy, without ParamSpec here, cannot see as F.
    wrapped.permission = PERMISSION  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]
