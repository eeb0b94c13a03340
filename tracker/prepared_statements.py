"""Statements prepared on PostgreSQL stay prepared from one request to the next.

psycopg prepares a statement on the server once a connection has run it five times (its prepare_threshold), and
PostgreSQL can then run it without planning it again. But psycopg forgets every statement it has prepared at a
ROLLBACK (DEALLOCATE ALL: a failed transaction may have lost them), and a request that only reads ends its
transaction with a rollback (the session is removed when the request ends; transactions.py). So no statement was
ever run prepared: each of the dashboard's six queries was planned again at every request, which took PostgreSQL
about as long as running them (pg_stat_statements, issue 17).

A transaction that has only read is ended with COMMIT instead. For the database the two are the same when
nothing was written: there is nothing to keep or undo, and the locks a SELECT takes are released by either. A
transaction that ran anything but a SELECT (cache_stamps' test of a statement), or that failed, is rolled back as
before. SQLite has no prepared statements to keep and is left alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from tracker.cache_stamps import may_write

WROTE = "prepared_statements.wrote"  # the key, in a connection's info, set when its transaction may have written


def register() -> None:
    """Note, on every engine, which transactions may have written, and end those that only read with COMMIT."""
    if not event.contains(Engine, "rollback", _commit_if_only_read):
        event.listen(Engine, "begin", _forget)
        event.listen(Engine, "before_cursor_execute", _note_writes)
        event.listen(Engine, "rollback", _commit_if_only_read)


def _forget(connection: Connection) -> None:
    connection.info.pop(WROTE, None)


def _note_writes(
    connection: Connection, _cursor: Any, statement: str, _parameters: Any, _context: Any, _executemany: bool
) -> None:
    if may_write(statement):
        connection.info[WROTE] = True


def _commit_if_only_read(connection: Connection) -> None:
    """Runs just before SQLAlchemy rolls the transaction back: if it only read, COMMIT it first, and the rollback
    that follows has nothing left to do (psycopg skips it, and keeps its prepared statements)."""
    if connection.info.pop(WROTE, False) or connection.dialect.name != "postgresql":
        return
    import psycopg  # only PostgreSQL gets here; a SQLite deployment need not load it
    from psycopg.pq import TransactionStatus

    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None or dbapi_connection.info.transaction_status != TransactionStatus.INTRANS:
        return  # no transaction, or a failed one: only a rollback ends it
    try:
        dbapi_connection.commit()
    except psycopg.Error:
        return  # the connection failed: the rollback that follows finds it so, and SQLAlchemy deals with it
