"""One transaction boundary: where a request, a command or a job commits, and where it rolls back.

A request that changes something (POST and the other unsafe methods) commits once, after its view has answered
without an error (a status under 400); a view that answers with an error leaves nothing behind, and an exception
leaves nothing behind either (the session is rolled back when the request ends). Views and services never call
`db.session.commit()`: they change the session and return. GET and HEAD never commit. (On PostgreSQL the database
transaction of a request that only read is ended with COMMIT rather than ROLLBACK, the same for the database, so that
the statements psycopg prepared stay prepared: tracker/prepared_statements.py.)

Two deliberate exceptions are named here so they can be found:

- `commit_now`: a change that must be stored whatever happens next in the request. Throttle counters are the
  example: an attempt is counted and committed before the password is checked, so parallel attempts cannot pass
  the limit, and the count must stay when the answer is a refusal.
- `keep_changes`: a view that answers with an error status but whose changes are meant to be kept (the import
  review page keeps what was typed when it cannot be saved yet).

`discard_changes` starts again from what is stored, for a page that reports a conflict and shows the record as it
is now. Commands are decorated with `committed`; jobs run in `unit_of_work`.
tests/integration/test_transactions.py holds every module to this.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from flask import Flask, Response, g, request

from tracker.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

P = ParamSpec("P")
R = TypeVar("R")


def register(app: Flask) -> None:
    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if request.method in SAFE_METHODS:
            return response  # nothing to keep: the session is rolled back when the request ends
        if response.status_code < 400 or g.get("keep_changes"):
            db.session.commit()
        # Otherwise nothing is kept: the session is removed, and so rolled back, when the request's app context
        # ends (Flask-SQLAlchemy's teardown), exceptions included.
        return response


def commit_now() -> None:
    """Store what the request has changed so far, now, whatever the rest of the request does (see above)."""
    db.session.commit()


def keep_changes() -> None:
    """Commit this request's changes even though its answer is an error status (see above)."""
    g.keep_changes = True


def discard_changes() -> None:
    """Forget this request's changes and read again what is stored (a conflict page shows the record as it is)."""
    db.session.rollback()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A command's or a job's transaction: committed when the block ends, rolled back if it raises."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def committed(command: Callable[P, R]) -> Callable[P, R]:
    """A command's transaction (put it next to the function, under click's decorators): committed when the command
    returns, rolled back if it raises (a refusal or a mistake leaves nothing half done)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return command(*args, **kwargs)

    return run
