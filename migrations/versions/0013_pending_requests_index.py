"""A partial index of the requests for a revised due date waiting for a decision

The dashboard and a programme manager's home look for the pending requests of an inspection's actions. Without an
index of them, PostgreSQL read every progress update of every action of the inspection to find none or a few
(about half a millisecond of each dashboard at 100 actions of ten updates); the partial index holds only the
pending ones.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PENDING = sa.text("request_state = 'pending'")


def upgrade():
    op.create_index(
        "ix_progress_updates_pending",
        "progress_updates",
        ["action_id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade():
    op.drop_index("ix_progress_updates_pending", table_name="progress_updates")
