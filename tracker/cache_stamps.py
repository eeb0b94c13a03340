"""Reads a worker may keep between requests, and the stamps that say when they are stale, in every worker at once.

A topic names what a cached read depends on: the tables, and for an UPDATE the columns, whose changes make it
stale. As each statement passes, one that writes what a topic covers is noted on its connection (any INSERT or
DELETE on the tables, an UPDATE that sets one of the columns: SQL written by hand included). When the session
commits, each noted topic gets a new random stamp (cache_stamps), written as the transaction's last statement, so
that the change and its stamp are stored together or not at all; the stamp's row is locked only from there to the
COMMIT, when the transaction waits for nothing else, so it cannot close a deadlock.

A worker reads the stamp, then the data, and keeps the data under the stamp it read first: data newer than its
stamp is read again one request later, never the other way round. A stamp is random rather than counted so that a
database emptied and filled again (the tests do it after each test; a restore) never repeats one that a worker has
kept. A topic with no stamp row (the migration writes one; emptying the table removes it) is read every time. What
is kept is read again after MAX_AGE_SECONDS too, for a change made outside the app (SQL typed in psql). Writes go
through the session (tracker.transactions): a transaction on a connection of its own is not stamped (only the
sessions' last-seen times are written that way).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from tracker.extensions import db, dialect_insert
from tracker.models import CacheStamp

T = TypeVar("T")
MAX_AGE_SECONDS = 300
NOTED = "cache_stamps.noted"  # the key, in a connection's info, of the topics its transaction has changed


@dataclass(frozen=True)
class Topic:
    """`tables` maps each table to the columns whose UPDATE makes the reads stale (an empty tuple: only an INSERT
    or a DELETE does)."""

    name: str
    tables: Mapping[str, tuple[str, ...]]
    stamp_query: Any = field(init=False, repr=False, compare=False)
    _assigned: Mapping[str, re.Pattern[str] | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stamp_query", select(CacheStamp.stamp).where(CacheStamp.topic == self.name))
        # Per table, "column =" for any of its columns in a SET clause (None: no UPDATE matters).
        assigned = {
            table: re.compile(rf'(?<![\w.])"?(?:{"|".join(columns)})"?\s*=') if columns else None
            for table, columns in self.tables.items()
        }
        object.__setattr__(self, "_assigned", assigned)

    def is_changed_by(self, statement: str) -> bool:
        for match in _WRITE.finditer(statement):
            table = match.group("table").lower()
            if table not in self.tables:
                continue
            if match.group("verb").upper() != "UPDATE":
                return True
            assigned = self._assigned[table]
            if assigned is not None and assigned.search(_assignments(statement, match.end())):
                return True
        return False


# INSERT INTO t, DELETE FROM t, UPDATE t SET: wherever they are in a statement (a WITH clause may come first).
_WRITE = re.compile(r'\b(?P<verb>INSERT\s+INTO|DELETE\s+FROM|UPDATE)\s+"?(?P<table>\w+)"?', re.IGNORECASE)
_END_OF_SET = re.compile(r"\b(?:WHERE|RETURNING|FROM)\b", re.IGNORECASE)


def _assignments(statement: str, start: int) -> str:
    """The SET clause of the UPDATE whose table ends at `start` (to its WHERE, RETURNING or FROM, or the end)."""
    end = _END_OF_SET.search(statement, start)
    return statement[start : end.start() if end else len(statement)]


# The owners of live actions (and their names), the inspections (and their titles and order) and the lead agencies
# that All actions offers as filters. Deleting a recommendation or a person changes actions through their foreign
# keys (ON DELETE CASCADE, SET NULL), which no statement of ours names.
ACTION_FILTERS = Topic(
    "action_filters",
    {
        "actions": ("owner_id", "lead_agency", "archived_at"),
        "recommendations": (),
        "inspections": ("title", "published_on"),
        "users": ("name",),
    },
)
TOPICS = (ACTION_FILTERS,)


@dataclass(frozen=True)
class _Kept(Generic[T]):
    stamp: str
    value: T
    read_at: float


_kept: dict[str, _Kept[Any]] = {}


def cached(topic: Topic, read: Callable[[], T]) -> T:
    """`read()`, or what this worker kept of it while `topic`'s stamp is the same. What `read` returns is shared by
    every request of the worker: it must not be changed (tuples, frozen dataclasses)."""
    stamp = db.session.scalar(topic.stamp_query)
    kept = _kept.get(topic.name)
    now = time.monotonic()
    if stamp is not None and kept is not None and kept.stamp == stamp and now - kept.read_at < MAX_AGE_SECONDS:
        return kept.value
    value = read()
    if stamp is not None:
        _kept[topic.name] = _Kept(stamp, value, now)
    return value


def register() -> None:
    """Note writes as they pass on every engine, and stamp what the session's transaction changed as it commits."""
    if not event.contains(Engine, "before_cursor_execute", _note_writes):
        event.listen(Engine, "before_cursor_execute", _note_writes)
        event.listen(Engine, "commit", _forget_noted)
        event.listen(Engine, "rollback", _forget_noted)
        event.listen(Session, "before_commit", _stamp_changed_topics)


def _note_writes(
    connection: Connection, _cursor: Any, statement: str, _parameters: Any, _context: Any, _executemany: bool
) -> None:
    if not may_write(statement):
        return
    for topic in TOPICS:
        if topic.is_changed_by(statement):
            connection.info.setdefault(NOTED, set()).add(topic.name)


# Reads start with SELECT (a WITH may wrap a write): anything else is looked at.
_MAY_WRITE = re.compile(r"\s*+(?!SELECT\b)", re.IGNORECASE)


def may_write(statement: str) -> bool:
    """Whether a statement may change something: anything but a SELECT (prepared_statements asks too)."""
    return _MAY_WRITE.match(statement) is not None


def _forget_noted(connection: Connection) -> None:
    connection.info.pop(NOTED, None)


def _stamp_changed_topics(session: Session) -> None:
    session.flush()  # what is still pending is written now, so its statements are noted before the stamps
    if not session.in_transaction():
        return
    connection = session.connection()
    for name in sorted(connection.info.pop(NOTED, ())):
        connection.execute(_new_stamp(connection.dialect.name, name))


def _new_stamp(dialect: str, topic: str) -> Any:
    statement = dialect_insert(CacheStamp, dialect).values(topic=topic, stamp=secrets.token_hex(16))
    return statement.on_conflict_do_update(index_elements=[CacheStamp.topic], set_={"stamp": statement.excluded.stamp})
