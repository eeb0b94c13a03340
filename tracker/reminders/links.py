"""Update links in reminder emails: open one action's progress form without a password.

A link is signed (it names the action, the owner and the key of the email it came in, so a forged or altered one
is refused before the database is asked), single-use, expiring (ACTION_LINK_DAYS), scoped to that action and that
owner (reassigning the action or deactivating the person stops it), and revocable. The links of one email share a
key, of which only a SHA-256 hash is stored, with the actions its links open (ActionLinkToken); a link used is a row
of its own (ActionLinkUse). Opening the link does not spend it: mail scanners open links, so only submitting the
form does.
"""

from __future__ import annotations

import hmac
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, cast
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Integer, String, Table, Text, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from tracker import clock
from tracker.actions.services.progress import record_progress
from tracker.audit.services import record_change
from tracker.domain.formatting import format_date
from tracker.domain.tokens import hash_token
from tracker.extensions import db, dialect_insert, execute_change
from tracker.models import Action, ActionLinkToken, ActionLinkUse, ProgressUpdate, User
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
class EmailLink:
    """One update link: the key of the email it came in, the action it opens, and when it was used, if it was."""

    key: ActionLinkToken
    action: Action
    used_at: datetime | None
    token_hash: str  # the link's own hash (the key's is key.token_hash): what a link's openings are counted by

    @property
    def user(self) -> User:
        return self.key.user

    @property
    def user_id(self) -> int:
        return self.key.user_id

    @property
    def action_id(self) -> int:
        return self.action.id


@dataclass(frozen=True)
class LinkCheck:
    link: EmailLink | None
    problem: LinkProblem | None = None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


class LinkTokens:
    """Signs links as `_serializer().dumps([action id, owner id, key])` does, with one signer for them all, and
    without trying to compress each payload: URLSafeSerializer zlib-compresses a payload when that makes it shorter,
    which a link's 40-odd bytes with a random key practically never are (the attempt was half the cost of issuing a
    link; issue 17). `loads` reads either form.

    The signer's key is derived once (Signer.sign derives it again for every token), the HMAC made in one call, and
    the payload's JSON written directly (the serializer's json.dumps with its compact separators makes an encoder
    each time): together two thirds of the cost of signing thousands of links a morning.
    """

    def __init__(self) -> None:
        signer = _serializer().make_signer(SALT)
        self._key = signer.derive_key()
        self._separator = signer.sep
        self._digest = signer.digest_method().name  # "sha1", itsdangerous's default

    def link(self, action_id: int, user_id: int, key: str) -> str:
        """The token of the link to `action_id` for `user_id`, signed with `key`: as secrets.token_urlsafe makes
        one, so nothing in it that JSON would escape."""
        value = urlsafe_b64encode(f'[{int(action_id)},{int(user_id)},"{key}"]'.encode("ascii")).rstrip(b"=")
        signature = urlsafe_b64encode(hmac.digest(self._key, value, self._digest)).rstrip(b"=")
        return (value + self._separator + signature).decode("ascii")


def link_expires_on(issued_on: date) -> date:
    """The last day a link in an email for `issued_on` works, as the email says: ACTION_LINK_DAYS later."""
    return issued_on + timedelta(days=current_app.config["ACTION_LINK_DAYS"])


def link_expires_at(issued_on: date) -> datetime:
    """The end of `link_expires_on` in the council's time zone (midnight after it), as UTC."""
    midnight_after = datetime.combine(link_expires_on(issued_on) + timedelta(days=1), time(0))
    return midnight_after.replace(tzinfo=ZoneInfo(current_app.config["TRACKER_TIMEZONE"])).astimezone(UTC)


def issue_links(pairs: Iterable[tuple[int, int]], issued_on: date, now: datetime) -> dict[tuple[int, int], str]:
    """A link for each (action id, owner id), the owner's links all signed with one new key, stored with one
    statement; returns the links' tokens.

    The links are for emails about `issued_on` (a job's run date, which `--date` may set) and work
    until the end of `link_expires_on(issued_on)`, the day the email names. A run sends each owner one email (a
    digest), or one for each meeting of the day (update requests); each link opens only the action it names.
    """
    signer = LinkTokens()
    keys: dict[int, str] = {}
    opens: dict[int, list[int]] = {}
    tokens: dict[tuple[int, int], str] = {}
    for action_id, user_id in pairs:
        if (action_id, user_id) not in tokens:
            if user_id not in keys:
                keys[user_id], opens[user_id] = secrets.token_urlsafe(16), []
            tokens[(action_id, user_id)] = signer.link(action_id, user_id, keys[user_id])
            opens[user_id].append(action_id)
    if tokens:
        store_keys(keys, opens, now, link_expires_at(issued_on))
    return tokens


def store_keys(keys: Mapping[int, str], opens: Mapping[int, list[int]], now: datetime, expires_at: datetime) -> None:
    """Store the hash of each owner's key with the actions its links open, in one statement.

    On PostgreSQL it is one INSERT … SELECT from unnest() of three arrays: a digest run issues hundreds of keys,
    and an executemany of them cost the client and the server a statement each (issue 17).
    """
    table = LINK_TOKENS
    user_ids = list(keys)
    hashes = [hash_token(keys[user_id]) for user_id in user_ids]
    action_ids = [",".join(map(str, sorted(opens[user_id]))) for user_id in user_ids]
    if db.session.get_bind().dialect.name == "postgresql":
        rows = (
            func.unnest(
                bindparam("user_ids", user_ids, type_=ARRAY(Integer)),
                bindparam("token_hashes", hashes, type_=ARRAY(String)),
                bindparam("action_ids", action_ids, type_=ARRAY(Text)),
            )
            .table_valued("user_id", "token_hash", "action_ids")
            .render_derived(name="keys")
        )
        columns = ["user_id", "token_hash", "action_ids", "created_at", "expires_at"]
        created_at = bindparam("created_at", now, type_=table.c.created_at.type)
        expires = bindparam("expires_at", expires_at, type_=table.c.expires_at.type)
        rows_with_times = select(rows.c.user_id, rows.c.token_hash, rows.c.action_ids, created_at, expires)
        db.session.execute(insert(table).from_select(columns, rows_with_times))
        return
    db.session.execute(
        insert(table),
        [
            {"user_id": user_id, "token_hash": token_hash, "action_ids": opened, "created_at": now,
             "expires_at": expires_at}
            for user_id, token_hash, opened in zip(user_ids, hashes, action_ids, strict=True)
        ],
    )  # fmt: skip


def check_link(token: str, now: datetime) -> LinkCheck:
    """The link if it may be used now, otherwise why not.

    The key is found by its hash; a link sent before migration 0015 was a key of its own, stored as the hash of the
    whole token, so either hash finds it."""
    try:
        action_id, user_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return LinkCheck(None, LinkProblem.UNKNOWN)
    if not isinstance(action_id, int) or not isinstance(key, str):
        return LinkCheck(None, LinkProblem.UNKNOWN)
    token_hash = hash_token(token)
    query = select(ActionLinkToken).where(ActionLinkToken.token_hash.in_([hash_token(key), token_hash]))
    found = db.session.scalars(query).first()
    if found is None or found.user_id != user_id or not found.opens(action_id):
        return LinkCheck(None, LinkProblem.UNKNOWN)
    action = db.session.get(Action, action_id)
    if action is None:
        return LinkCheck(None, LinkProblem.UNKNOWN)
    used_at = db.session.scalar(
        select(ActionLinkUse.used_at).where(ActionLinkUse.link_id == found.id, ActionLinkUse.action_id == action_id)
    )
    link = EmailLink(found, action, used_at, token_hash)
    return LinkCheck(link, _problem(link, now))


def _problem(link: EmailLink, now: datetime) -> LinkProblem | None:
    if link.used_at is not None:
        return LinkProblem.USED
    if link.key.revoked_at is not None or not can_own_actions(link.user):
        return LinkProblem.REVOKED
    if clock.as_utc(link.key.expires_at) <= now:
        return LinkProblem.EXPIRED
    action = link.action
    if action.owner_id != link.user_id:
        return LinkProblem.REASSIGNED
    if not action.is_open or action.archived_at is not None:
        return LinkProblem.CLOSED
    return None


def spend_link(link: EmailLink, now: datetime) -> bool:
    """Record the link used, once: False when another request spent it first (the row the unique constraint on
    its key and action allows once)."""
    values = {"link_id": link.key.id, "action_id": link.action.id, "used_at": now}
    statement = dialect_insert(ActionLinkUse).values(values).on_conflict_do_nothing().returning(ActionLinkUse.id)
    if db.session.scalar(statement) is None:
        return False
    record_change(
        actor=link.user,
        entity=link.action,
        field="email_link",
        old=f"sent {format_date(clock.local(link.key.created_at))}",
        new="used to record progress without signing in",
        inspection_id=link.action.inspection_id,
        note="From the link in a reminder email",
    )
    return True


class LinkAlreadyUsed(Exception):
    """Another request spent the link first (a double-clicked submit)."""


def record_progress_from_link(link: EmailLink, data: Mapping[str, Any], now: datetime) -> ProgressUpdate:
    """Spend the link and record the owner's progress, marked as coming from an email link.

    Raises LinkAlreadyUsed, or the action services' ActionConflict / InvalidProgress; the caller
    rolls back, so the link is only spent when the progress is recorded.
    """
    if not spend_link(link, now):
        raise LinkAlreadyUsed
    return record_progress(link.action, link.user, data, via_email_link=True)


def revoke_links_for_user(user: User, *, actor: User, now: datetime) -> int:
    """Stop every unused link sent to `user`; recorded in the history."""
    count = active_link_count(user, now)
    statement = (
        update(ActionLinkToken)
        .where(ActionLinkToken.user_id == user.id, ActionLinkToken.revoked_at.is_(None))
        .where(ActionLinkToken.expires_at > now)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    execute_change(statement)
    if count:
        record_change(actor=actor, entity=user, field="email_links", old=f"{count} active", new="revoked")
    return count


def active_link_count(user: User, now: datetime) -> int:
    """How many of the links sent to `user` still work: those of their live keys, less the ones used."""
    live = (
        select(ActionLinkToken.id, ActionLinkToken.action_ids)
        .where(ActionLinkToken.user_id == user.id, ActionLinkToken.revoked_at.is_(None))
        .where(ActionLinkToken.expires_at > now)
    )
    keys = db.session.execute(live).all()
    if not keys:
        return 0
    used = select(func.count()).where(ActionLinkUse.link_id.in_([key.id for key in keys]))
    return sum(len(key.action_ids.split(",")) for key in keys) - (db.session.scalar(used) or 0)


def purge_old_links(now: datetime, *, keep_days: int = 90) -> int:
    """Delete the keys of links that expired long ago, with their uses; the history keeps every use."""
    statement = delete(ActionLinkToken).where(ActionLinkToken.expires_at < now - timedelta(days=keep_days))
    return execute_change(statement.execution_options(synchronize_session=False)).rowcount or 0
