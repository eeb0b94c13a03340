"""Partial indexes for the All actions list: open actions by due date, owners and lead agencies of live actions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 00:43:48.037064

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LIVE = "archived_at IS NULL"
OPEN_LIVE = "archived_at IS NULL AND status IN ('not_started', 'in_progress')"


def upgrade():
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_actions_open_due",
            ["due_on", "id"],
            unique=False,
            postgresql_where=sa.text(OPEN_LIVE),
            sqlite_where=sa.text(OPEN_LIVE),
        )
        batch_op.create_index(
            "ix_actions_live_owner",
            ["owner_id"],
            unique=False,
            postgresql_where=sa.text(LIVE),
            sqlite_where=sa.text(LIVE),
        )
        batch_op.create_index(
            "ix_actions_live_agency",
            ["lead_agency"],
            unique=False,
            postgresql_where=sa.text(LIVE),
            sqlite_where=sa.text(LIVE),
        )


def downgrade():
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_live_agency")
        batch_op.drop_index("ix_actions_live_owner")
        batch_op.drop_index("ix_actions_open_due")
