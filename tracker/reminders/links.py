"""Update links in reminder emails: open one action's progress form without a password.

A link is signed (it names the action and the owner, so a forged or altered one is refused
before the database is asked), single-use, expiring (ACTION_LINK_DAYS), scoped to that action
and that owner (reassigning the action or deactivating the person stops it), and revocable.
Only a SHA-256 hash of the token is stored. Opening the link does not spend it: mail scanners
open links, so only submitting the form does.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, cast
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, Serializer, URLSafeSerializer
from itsdangerous.encoding import base64_encode
from sqlalchemy import Integer, String, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from tracker import clock
from tracker.actions.services.progress import record_progress
from tracker.audit.services import record_change
from tracker.domain.formatting import format_date
from tracker.domain.tokens import hash_token
from tracker.extensions import db, execute_change
from tracker.models import ActionLinkToken, ProgressUpdate, User
from tracker.outbox.urls import UrlBuilder as UrlBuilder
from tracker.permissions import can_own_actions

SALT = "action-update-link"
# The model's table, typed (the declarative __table__ is typed as a FromClause).
LINK_TOKENS = cast(Table, ActionLinkToken.__table__)


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REASSIGNED = "reassigned"
    CLOSED = "closed"


@dataclass(frozen=True)
class LinkCheck:
    link: ActionLinkToken | None
    problem: LinkProblem | None = None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


class LinkTokens:
    """Signs link tokens as `_serializer().dumps` does, with one signer for them all, and without trying to compress
    each payload: URLSafeSerializer zlib-compresses a payload when that makes it shorter, which a link's 40-odd
    bytes with a random nonce practically never are (the attempt was half the cost of issuing a link; issue 17).
    `loads` reads either form.

    The signer's key is derived once (Signer.sign derives it again for every token) and the HMAC made in one call:
    a third of the cost of signing thousands of links a morning.
    """

    def __init__(self) -> None:
        self._serializer = _serializer()
        signer = self._serializer.make_signer(SALT)
        self._key = signer.derive_key()
        self._separator = signer.sep
        self._digest = signer.digest_method().name  # "sha1", itsdangerous's default

    def dumps(self, payload: list[object]) -> str:
        value = base64_encode(Serializer.dump_payload(self._serializer, payload))
        signature = base64_encode(hmac.digest(self._key, value, self._digest))
        return (value + self._separator + signature).decode("ascii")


def link_expires_on(issued_on: date) -> date:
    """The last day a link in an email for `issued_on` works, as the email says: ACTION_LINK_DAYS later."""
    return issued_on + timedelta(days=current_app.config["ACTION_LINK_DAYS"])


def link_expires_at(issued_on: date) -> datetime:
    """The end of `link_expires_on` in the council's time zone (midnight after it), as UTC."""
    midnight_after = datetime.combine(link_expires_on(issued_on) + timedelta(days=1), time(0))
    return midnight_after.replace(tzinfo=ZoneInfo(current_app.config["TRACKER_TIMEZONE"])).astimezone(UTC)


def issue_links(pairs: Iterable[tuple[int, int]], issued_on: date, now: datetime) -> dict[tuple[int, int], str]:
    """A new token for each (action id, owner id), stored with one statement; returns the tokens.

    The links are for emails about `issued_on` (a job's run date, which `--date` may set) and work
    until the end of `link_expires_on(issued_on)`, the day the email names.
    """
    signer = LinkTokens()
    tokens: dict[tuple[int, int], str] = {}
    for action_id, user_id in pairs:
        if (action_id, user_id) not in tokens:
            tokens[(action_id, user_id)] = signer.dumps([action_id, user_id, secrets.token_urlsafe(16)])
    if tokens:
        store_links(tokens, now, link_expires_at(issued_on))
    return tokens


def store_links(tokens: Mapping[tuple[int, int], str], now: datetime, expires_at: datetime) -> None:
    """Store the hash of each (action id, owner id)'s token, in one statement.

    On PostgreSQL it is one INSERT … SELECT from unnest() of three arrays: a digest run issues thousands of links,
    and an executemany of them cost the client and the server a statement each (issue 17).
    """
    table = LINK_TOKENS
    hashes = [hash_token(token) for token in tokens.values()]
    if db.session.get_bind().dialect.name == "postgresql":
        rows = (
            func.unnest(
                bindparam("action_ids", [action_id for action_id, _ in tokens], type_=ARRAY(Integer)),
                bindparam("user_ids", [user_id for _, user_id in tokens], type_=ARRAY(Integer)),
                bindparam("token_hashes", hashes, type_=ARRAY(String)),
            )
            .table_valued("action_id", "user_id", "token_hash")
            .render_derived(name="links")
        )
        columns = ["action_id", "user_id", "token_hash", "created_at", "expires_at"]
        created_at = bindparam("created_at", now, type_=table.c.created_at.type)
        expires = bindparam("expires_at", expires_at, type_=table.c.expires_at.type)
        rows_with_times = select(rows.c.action_id, rows.c.user_id, rows.c.token_hash, created_at, expires)
        db.session.execute(insert(table).from_select(columns, rows_with_times))
        return
    db.session.execute(
        insert(table),
        [
            {"action_id": action_id, "user_id": user_id, "token_hash": token_hash, "created_at": now,
             "expires_at": expires_at}
            for (action_id, user_id), token_hash in zip(tokens, hashes, strict=True)
        ],
    )  # fmt: skip


def check_link(token: str, now: datetime) -> LinkCheck:
    """The link's row if it may be used now, otherwise why not."""
    try:
        action_id, user_id, _nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return LinkCheck(None, LinkProblem.UNKNOWN)
    link = db.session.scalars(select(ActionLinkToken).where(ActionLinkToken.token_hash == hash_token(token))).first()
    if link is None or link.action_id != action_id or link.user_id != user_id:
        return LinkCheck(None, LinkProblem.UNKNOWN)
    return LinkCheck(link, _problem(link, now))


def _problem(link: ActionLinkToken, now: datetime) -> LinkProblem | None:
    if link.used_at is not None:
        return LinkProblem.USED
    if link.revoked_at is not None or not can_own_actions(link.user):
        return LinkProblem.REVOKED
    if clock.as_utc(link.expires_at) <= now:
        return LinkProblem.EXPIRED
    action = link.action
    if action.owner_id != link.user_id:
        return LinkProblem.REASSIGNED
    if not action.is_open or action.archived_at is not None:
        return LinkProblem.CLOSED
    return None


def spend_link(link: ActionLinkToken, now: datetime) -> bool:
    """Mark the link used, once: False when another request spent it first."""
    statement = (
        update(ActionLinkToken)
        .where(ActionLinkToken.id == link.id, ActionLinkToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if execute_change(statement).rowcount != 1:
        return False
    record_change(
        actor=link.user,
        entity=link.action,
        field="email_link",
        old=f"sent {format_date(clock.local(link.created_at))}",
        new="used to record progress without signing in",
        inspection_id=link.action.inspection_id,
        note="From the link in a reminder email",
    )
    return True


class LinkAlreadyUsed(Exception):
    """Another request spent the link first (a double-clicked submit)."""


def record_progress_from_link(link: ActionLinkToken, data: Mapping[str, Any], now: datetime) -> ProgressUpdate:
    """Spend the link and record the owner's progress, marked as coming from an email link.

    Raises LinkAlreadyUsed, or the action services' ActionConflict / InvalidProgress; the caller
    rolls back, so the link is only spent when the progress is recorded.
    """
    if not spend_link(link, now):
        raise LinkAlreadyUsed
    return record_progress(link.action, link.user, data, via_email_link=True)


def revoke_links_for_user(user: User, *, actor: User, now: datetime) -> int:
    """Stop every unused link sent to `user`; recorded in the history."""
    statement = (
        update(ActionLinkToken)
        .where(ActionLinkToken.user_id == user.id, ActionLinkToken.used_at.is_(None))
        .where(ActionLinkToken.revoked_at.is_(None), ActionLinkToken.expires_at > now)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    count = execute_change(statement).rowcount or 0
    if count:
        record_change(actor=actor, entity=user, field="email_links", old=f"{count} active", new="revoked")
    return count


def active_link_count(user: User, now: datetime) -> int:
    query = select(func.count()).where(
        ActionLinkToken.user_id == user.id,
        ActionLinkToken.used_at.is_(None),
        ActionLinkToken.revoked_at.is_(None),
        ActionLinkToken.expires_at > now,
    )
    return db.session.scalar(query) or 0


def purge_old_links(now: datetime, *, keep_days: int = 90) -> int:
    """Delete links that expired long ago; the history keeps every use."""
    statement = delete(ActionLinkToken).where(ActionLinkToken.expires_at < now - timedelta(days=keep_days))
    return execute_change(statement.execution_options(synchronize_session=False)).rowcount or 0
