"""Which statements make All actions' filter choices stale (tracker.cache_stamps.ACTION_FILTERS): what SQLAlchemy
writes for the ORM and for Core statements, on both databases, and SQL written by hand."""

from __future__ import annotations

import pytest

from tracker.cache_stamps import ACTION_FILTERS

STALE = [
    "INSERT INTO actions (recommendation_id, inspection_id, reference) VALUES (%(recommendation_id)s, ...)",
    "DELETE FROM actions WHERE actions.id = %(id_1)s::INTEGER",
    "UPDATE actions SET owner_id=%(owner_id)s::INTEGER, updated_at=%(updated_at)s WHERE actions.id = %(actions_id)s",
    "UPDATE actions SET updated_at=?, lead_agency=? WHERE actions.id = ? AND actions.version = ?",
    'UPDATE "actions" SET "archived_at" = now() WHERE id IN (1, 2)',
    "update actions set owner_id = null where owner_id = 7",
    "WITH moved AS (SELECT id FROM actions) UPDATE actions SET owner_id=3 FROM moved WHERE actions.id = moved.id",
    "UPDATE inspections SET title=%(title)s WHERE inspections.id = %(inspections_id)s",
    "UPDATE inspections SET published_on=? WHERE inspections.id = ?",
    "INSERT INTO inspections (title) VALUES ('x')",
    "UPDATE users SET name=%(name)s WHERE users.id = %(users_id)s::INTEGER",
    "DELETE FROM users WHERE users.id = 5",  # their actions' owner_id is set to NULL by the foreign key
    "DELETE FROM recommendations WHERE recommendations.id = 5",  # their actions go with them
]
UNCHANGED = [
    "SELECT actions.owner_id FROM actions WHERE actions.owner_id = 1",
    "  SELECT * FROM actions FOR UPDATE",
    "UPDATE actions SET status=%(status)s, rag=%(rag)s, last_progress_at=%(last_progress_at)s WHERE actions.id = 1",
    "UPDATE actions SET version=?, updated_at=? WHERE actions.id = ? AND actions.owner_id = ?",
    "UPDATE users SET job_title=%(job_title)s, display_name=%(display_name)s WHERE users.name = 'x'",
    "UPDATE inspections SET summary=? WHERE inspections.title = ?",
    "INSERT INTO progress_updates (action_id, narrative) VALUES (1, 'owner_id=2')",
    "UPDATE outbox_emails SET state='sent' WHERE id IN (SELECT id FROM actions)",
    "INSERT INTO cache_stamps (topic, stamp) VALUES (?, ?) ON CONFLICT (topic) DO UPDATE SET stamp = excluded.stamp",
]


@pytest.mark.parametrize("statement", STALE)
def test_writes_to_what_the_filters_show_make_them_stale(statement: str) -> None:
    assert ACTION_FILTERS.is_changed_by(statement)


@pytest.mark.parametrize("statement", UNCHANGED)
def test_other_statements_leave_them_as_they_are(statement: str) -> None:
    assert not ACTION_FILTERS.is_changed_by(statement)
