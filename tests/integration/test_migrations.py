"""One Alembic chain: it upgrades and downgrades cleanly and matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

import config
from tracker import create_app
from tracker.extensions import db, include_object

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@pytest.fixture
def scratch_app(scratch_database_url: str):  # noqa: ANN201
    class Config(config.TestingConfig):
        def __init__(self) -> None:
            super().__init__()
            self.SQLALCHEMY_DATABASE_URI = scratch_database_url

    application = create_app(Config)
    with application.app_context():
        yield application
        db.engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_leaves_the_schema_matching_the_models(scratch_app, scratch_database_url) -> None:
    upgrade()
    assert _tables(scratch_database_url) == set(db.metadata.tables)
    downgrade(revision="base")
    assert _tables(scratch_database_url) == set()
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(context, db.metadata) == []


def test_the_chain_has_one_head() -> None:
    from alembic.script import ScriptDirectory

    alembic_config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    alembic_config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(alembic_config).get_heads()) == 1


def test_outbox_bodies_are_stored_with_lz4_on_postgresql(db_session) -> None:
    """Issue 17: lz4 stores a day's digests in a third of pglz's time. SQLite has no per-column compression: there
    the migration changes nothing and the outbox is as the models say."""
    from sqlalchemy import text

    bind = db_session.get_bind()
    if bind.dialect.name == "postgresql":
        query = text(
            "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'outbox_emails'::regclass "
            "AND attname IN ('text_body', 'html_body')"
        )
        assert dict(db_session.execute(query).all()) == {"text_body": "l", "html_body": "l"}
    else:
        assert {c["name"] for c in inspect(bind).get_columns("outbox_emails")} == set(
            db.metadata.tables["outbox_emails"].columns.keys()
        )


def test_the_upgrade_files_each_progress_update_under_its_actions_inspection(scratch_app) -> None:
    """Migration 0014 adds progress_updates.inspection_id (the dashboard's newest updates are read by it) and
    fills it in from each update's action, in two inspections; the partial index of pending requests survives
    SQLite's copy of the table."""
    from sqlalchemy import text

    from tests.factories import ActionFactory

    upgrade(revision="0013")
    actions = [ActionFactory(), ActionFactory()]
    db.session.commit()
    expected = {action.id: action.inspection_id for action in actions}
    first, second = expected
    assert len(set(expected.values())) == 2
    insert_update = text(
        "INSERT INTO progress_updates (action_id, created_at, status, rag, narrative, evidence_links, "
        "via_email_link, request_reason, request_state, decision_note) "
        "VALUES (:action_id, :created_at, 'in_progress', 'green', '', '', :no, '', :state, '')"
    )
    for action_id, state in ((first, None), (second, "pending"), (second, None)):
        db.session.execute(
            insert_update, {"action_id": action_id, "created_at": "2026-12-01 09:00:00", "no": False, "state": state}
        )
    db.session.commit()
    db.session.remove()

    upgrade()

    rows = db.session.execute(text("SELECT action_id, inspection_id FROM progress_updates ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(action_id, expected[action_id]) for action_id in (first, second, second)]
    indexes = {index["name"] for index in inspect(db.engine).get_indexes("progress_updates")}
    assert {"ix_progress_updates_pending", "ix_progress_updates_inspection_created"} <= indexes


def test_links_sent_before_the_upgrade_to_one_key_per_email_go_on_working(scratch_app) -> None:
    """Migration 0015 makes each stored link a key that opens its one action, and moves a used link's use to
    action_link_uses: an unused link sent before the upgrade still opens its action's form, a used one is still
    used. The downgrade puts both back as they were."""
    from datetime import timedelta

    from itsdangerous import URLSafeSerializer
    from sqlalchemy import text

    from tests.factories import ActionFactory
    from tracker import clock
    from tracker.domain.tokens import hash_token
    from tracker.reminders.links import SALT, LinkProblem, check_link

    upgrade(revision="0014")
    unused, used = ActionFactory(), ActionFactory()
    db.session.commit()
    unused_id, used_id = unused.id, used.id
    serializer = URLSafeSerializer(scratch_app.config["SECRET_KEY"], salt=SALT)
    now = clock.now()
    tokens = {}
    for action, used_at in ((unused, None), (used, now - timedelta(hours=1))):
        tokens[action.id] = serializer.dumps([action.id, action.owner_id, f"nonce-{action.id}"])
        db.session.execute(
            text(
                "INSERT INTO action_link_tokens (action_id, user_id, token_hash, created_at, expires_at, used_at) "
                "VALUES (:action_id, :user_id, :token_hash, :created_at, :expires_at, :used_at)"
            ),
            {"action_id": action.id, "user_id": action.owner_id, "token_hash": hash_token(tokens[action.id]),
             "created_at": now - timedelta(days=1), "expires_at": now + timedelta(days=13), "used_at": used_at},
        )  # fmt: skip
    db.session.commit()
    db.session.remove()

    upgrade()

    keys = db.session.execute(text("SELECT action_ids FROM action_link_tokens ORDER BY id")).scalars().all()
    assert keys == [str(unused_id), str(used_id)]
    uses = db.session.execute(text("SELECT action_id FROM action_link_uses")).scalars().all()
    assert uses == [used_id]
    still_good = check_link(tokens[unused_id], clock.now())
    assert still_good.problem is None and still_good.link is not None and still_good.link.action.id == unused_id
    assert check_link(tokens[used_id], clock.now()).problem == LinkProblem.USED
    db.session.remove()

    downgrade(revision="0014")

    rows = db.session.execute(text("SELECT action_id, used_at FROM action_link_tokens ORDER BY id")).all()
    assert [(action_id, used_at is not None) for action_id, used_at in rows] == [(unused_id, False), (used_id, True)]
