"""Operating the service: /healthz, request ids in logs, backup and restore."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import create_engine, select

from tests.conftest import security_events
from tracker import clock
from tracker.backup.services import table_counts
from tracker.demo.services import load_demo
from tracker.extensions import db
from tracker.models import EmailState, OutboxEmail, SchedulerLease


def test_healthz_reports_database_scheduler_and_outbox_without_secrets(app, client, db_session, now) -> None:
    db_session.add(SchedulerLease(name="scheduler", holder="host:1", heartbeat_at=now - timedelta(seconds=42),
                                  expires_at=now + timedelta(seconds=60)))  # fmt: skip
    db_session.add_all(
        [
            OutboxEmail(recipient="a@x.gov.uk", subject="s", text_body="t", dedupe_key="k1"),
            OutboxEmail(recipient="a@x.gov.uk", subject="s", text_body="t", dedupe_key="k2", state=EmailState.FAILED),
            OutboxEmail(recipient="a@x.gov.uk", subject="s", text_body="t", dedupe_key="k3", state=EmailState.SENT),
        ]
    )
    db_session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": {"reachable": True},
        "scheduler": {"heartbeat_age_seconds": 42.0},
        "outbox": {"queued": 1, "failed": 1},
    }
    body = response.get_data(as_text=True)
    assert app.config["SECRET_KEY"] not in body
    assert "postgresql://" not in body and "sqlite://" not in body


def test_healthz_says_when_the_scheduler_has_never_run(client, db_session) -> None:
    assert client.get("/healthz").json["scheduler"] == {"heartbeat_age_seconds": None}


def test_every_response_carries_a_request_id_that_the_log_line_repeats(client, db_session, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="tracker.access"):
        response = client.get("/sign-in", headers={"X-Request-ID": "abc123def456"})
    assert response.headers["X-Request-ID"] == "abc123def456"
    line = next(r for r in caplog.records if r.name == "tracker.access")
    assert line.getMessage().startswith("GET /sign-in 200")
    generated = client.get("/sign-in", headers={"X-Request-ID": "<script>not an id</script>"}).headers["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()


def test_backup_restored_into_a_fresh_database_has_the_same_rows(
    app, db_session, scratch_database_url, tmp_path, now, caplog
):
    caplog.set_level(logging.INFO, logger="tracker.security")
    load_demo(clock.today())
    db_session.commit()
    source_url = app.config["SQLALCHEMY_DATABASE_URI"]
    runner = app.test_cli_runner()
    backup_file = tmp_path / "tracker.backup"
    created = runner.invoke(args=["backup", "create", "-o", str(backup_file)])
    assert created.exit_code == 0, created.output
    assert backup_file.stat().st_size > 10_000
    [logged] = security_events(caplog, "backup_made")
    assert (logged["path"], logged["bytes"]) == (str(backup_file), backup_file.stat().st_size)
    assert logged["via"] == "command_line"

    restored = runner.invoke(args=["backup", "restore", str(backup_file), "--database-url", scratch_database_url])
    assert restored.exit_code == 0, restored.output
    assert table_counts(scratch_database_url) == table_counts(source_url)

    sample = select(OutboxEmail.__table__.c.id)  # a table that exists in both; content sample below
    engine = create_engine(scratch_database_url)
    try:
        with engine.connect() as connection:
            connection.execute(sample)
            titles = connection.execute(db.text("SELECT reference, title FROM actions ORDER BY id")).all()
            narratives = connection.execute(db.text("SELECT narrative FROM progress_updates ORDER BY id")).all()
    finally:
        engine.dispose()
    with db.engine.connect() as connection:
        assert titles == connection.execute(db.text("SELECT reference, title FROM actions ORDER BY id")).all()
        assert narratives == connection.execute(db.text("SELECT narrative FROM progress_updates ORDER BY id")).all()

    again = runner.invoke(args=["backup", "restore", str(backup_file), "--database-url", scratch_database_url])
    assert again.exit_code != 0
    assert "not empty" in again.output


def test_with_the_database_down_pages_show_the_styled_500_and_healthz_says_so(tmp_path) -> None:
    import config
    from tracker import create_app

    class Unreachable(config.TestingConfig):
        PROPAGATE_EXCEPTIONS = False

        def __init__(self) -> None:
            super().__init__()
            self.SQLALCHEMY_DATABASE_URI = "postgresql://nobody@127.0.0.1:1/tracker"
            self.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}

    app = create_app(Unreachable)
    client = app.test_client()
    form = BeautifulSoup(client.get("/sign-in").get_data(as_text=True), "html.parser")
    token = form.select_one("input[name=csrf_token]")["value"]
    response = client.post(
        "/sign-in",
        data={"csrf_token": token, "email": "a@b.gov.uk", "password": "x" * 12},
        headers={"X-Request-ID": "proxy-made-id-42"},
    )
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert 'quote the reference <strong class="app-reference">proxy-made-id-42</strong>' in page
    assert "govuk-template" in page
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json == {"status": "unavailable", "database": {"reachable": False}}


def test_a_logged_error_with_its_traceback_is_one_line() -> None:
    from tracker.logs import TEXT_FORMAT, OneLineFormatter

    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        record = logging.LogRecord("tracker", logging.ERROR, __file__, 1, "Unhandled error", None, sys.exc_info())
    record.request_id = "abc123def456"
    line = OneLineFormatter(TEXT_FORMAT).format(record)
    assert "\n" not in line
    assert "request_id=abc123def456 Unhandled error | Traceback" in line
    assert "ValueError: first line | second line" in line
