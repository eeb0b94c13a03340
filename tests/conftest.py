"""Shared fixtures: one real database per run (SQLite file, or PostgreSQL via TEST_DATABASE_URL),
migrated with Alembic, emptied after every test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

import config

FIXTURES = Path(__file__).parent / "fixtures"
pytest_plugins = ["tests.oidc.fixtures"]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'tracker-test.sqlite'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from tracker import create_app

    os.environ["TEST_DATABASE_URL"] = database_url
    os.environ.setdefault("TRACKER_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))

    class Config(config.TestingConfig):
        pass

    application = create_app(Config)
    application.config["SQLALCHEMY_DATABASE_URI"] = database_url
    with application.app_context():
        upgrade()
    yield application


def _empty_database(application: Flask) -> None:
    from tracker.extensions import db

    with application.app_context():
        db.session.remove()
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def scratch_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'scratch.sqlite'}"
        return
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield database_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def app_context(app: Flask) -> Iterator[None]:
    """An application context whose database is emptied afterwards."""
    original = dict(app.config)
    with app.app_context():
        yield
    app.config.clear()
    app.config.update(original)
    _empty_database(app)


@pytest.fixture
def quick_read_limits(app: Flask, app_context: None) -> None:
    """Reading an upload stops after 2 s of CPU and 10 s on the clock, not 20 and 30: the same bounds, sooner."""
    app.config.update(FILE_READ_CPU_SECONDS=2, FILE_READ_SECONDS=10)


@pytest.fixture
def db_session(app_context: None):  # noqa: ANN201 - the scoped session type is private
    from tracker.extensions import db

    return db.session


@pytest.fixture
def now(app: Flask, app_context: None) -> datetime:
    """A fixed "now" (Tuesday 24 November 2026, 10:00 UTC) for tests that depend on the day."""
    moment = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    app.config["TRACKER_NOW"] = moment
    return moment


class FormClient(FlaskClient):
    """A test client that can fill in a form the way a browser would, CSRF token included.

    Each request runs in a thread of its own, so it gets its own application context, `g` and
    database session, as it would in a real server; the test's own session is expired afterwards
    so that it reads what the request wrote.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        from tracker.extensions import db

        # A streamed response (a download sent as it is written) is read to its end in the request's thread, as a
        # server does: left to the test's thread, its request context would end there, taking the test's session.
        kwargs.setdefault("buffered", True)
        with ThreadPoolExecutor(max_workers=1) as pool:
            response = pool.submit(super().open, *args, **kwargs).result()
        if has_app_context():
            db.session.expire_all()
        return response

    def csrf_token(self, page_url: str) -> str:
        page = self.get(page_url)
        field = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("input[name=csrf_token]")
        assert field is not None, f"no form with a CSRF token on {page_url} ({page.status_code})"
        return str(field["value"])

    def submit(self, url: str, data: dict[str, object] | None = None, *, page_url: str | None = None, **kwargs):  # noqa: ANN201
        payload = {"csrf_token": self.csrf_token(page_url or url), **(data or {})}
        return self.post(url, data=payload, **kwargs)


@pytest.fixture
def client(app: Flask, app_context: None) -> FlaskClient:
    app.test_client_class = FormClient
    return app.test_client()


def soup(response) -> BeautifulSoup:  # noqa: ANN001
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def sign_in(client: FormClient, user, password: str | None = None):  # noqa: ANN001, ANN201
    from tests.factories import PASSWORD

    response = client.submit("/sign-in", {"email": user.email, "password": password or PASSWORD})
    assert response.status_code == 302, soup(response).get_text(" ", strip=True)[:500]
    return response


def security_events(caplog, name: str | None = None) -> list[dict]:  # noqa: ANN001
    """The security events caplog caught (set its level with `caplog.set_level(logging.INFO)`), as dicts of their
    fields, `event` included; only those named `name` if given."""
    records = [vars(r) for r in caplog.records if r.name == "tracker.security"]
    return [r for r in records if name is None or r["event"] == name]
