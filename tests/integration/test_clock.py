"""One clock: a request reads it once, and the rows it writes are stamped by the same clock (tracker/clock.py)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Flask

import config
from tracker import clock, create_app
from tracker.extensions import db
from tracker.models import AuditEvent


def _probe_app(database_url: str) -> Flask:
    probe = create_app(config.TestingConfig)
    probe.config["SQLALCHEMY_DATABASE_URI"] = database_url

    @probe.route("/probe/now")
    def twice() -> dict[str, str]:
        first = clock.now()
        time.sleep(0.02)
        return {"first": first.isoformat(), "second": clock.now().isoformat()}

    return probe


def test_a_request_reads_the_clock_once_and_the_next_request_reads_it_again(app: Flask, database_url: str) -> None:
    client = _probe_app(database_url).test_client()
    one, two = client.get("/probe/now").json, client.get("/probe/now").json
    assert one is not None and two is not None
    assert one["first"] == one["second"]
    assert two["first"] > one["first"]


def test_a_set_clock_wins_and_column_defaults_read_it(app: Flask, db_session) -> None:
    moment = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    app.config["TRACKER_NOW"] = moment
    try:
        event = AuditEvent(entity_type="inspections", entity_id=1, field="title", old_value="", new_value="x")
        db.session.add(event)
        db.session.flush()
        assert clock.as_utc(event.occurred_at) == moment
    finally:
        app.config.pop("TRACKER_NOW")
