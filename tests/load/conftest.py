"""Fixtures for the load and fault tests: gunicorn for real, against the suite's database."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.load.support import Server, gunicorn


@pytest.fixture
def load_seconds() -> float:
    """How long the concurrent-update test runs: LOAD_TEST_SECONDS, 20 by default."""
    return float(os.environ.get("LOAD_TEST_SECONDS") or 20)


@pytest.fixture
def start_server(database_url: str, db_session, tmp_path: Path) -> Iterator[Callable[..., Server]]:  # noqa: ANN001
    """Start gunicorn on the test database, committing what the test created; it stops before the database
    is emptied."""
    with ExitStack() as stack:

        def start(workers: int) -> Server:
            db_session.commit()  # and so the test's own session holds no lock while the server writes
            return stack.enter_context(gunicorn(database_url, tmp_path, workers=workers))

        yield start
