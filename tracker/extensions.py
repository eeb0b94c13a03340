"""Flask extensions, created unbound and initialised in create_app."""

from __future__ import annotations

import sqlite3
from typing import Any, cast

from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import CursorResult, Executable, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from tracker.models.base import Base

FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Keep Alembic autogenerate away from tables it does not own (STACK-NOTES: APScheduler)."""
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    table = getattr(obj, "table", None)
    return not (type_ == "index" and table is not None and table.name in FOREIGN_TABLES)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys (ON DELETE CASCADE) only when asked, per connection; WAL lets
    the scheduler and the web server read while the other writes."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()


def execute_change(statement: Executable) -> CursorResult[Any]:
    """Run an UPDATE, DELETE or INSERT in the session; its result says how many rows it changed (rowcount).
    Session.execute is annotated as returning a plain Result, which has no rowcount: for these it is a CursorResult."""
    return cast(CursorResult[Any], db.session.execute(statement))


def init_migrations(app: Flask, directory: str) -> None:
    """`flask db …` (Flask-Migrate). Alembic is imported only here: a web worker, which never migrates, is spared
    its 11 MB (config MIGRATION_COMMANDS, off under gunicorn)."""
    from flask_migrate import Migrate

    Migrate(compare_type=True, render_as_batch=True, include_object=include_object).init_app(app, db, directory)


def dialect_insert(entity: Any, dialect: str | None = None) -> postgresql.Insert | sqlite.Insert:
    """An INSERT of `entity` in the dialect of the session's database (or of `dialect`, named), for the ON CONFLICT
    clauses PostgreSQL and SQLite share: DO NOTHING, and DO UPDATE with `excluded`."""
    if (dialect or db.session.get_bind().dialect.name) == "postgresql":
        return postgresql.insert(entity)
    return sqlite.insert(entity)
