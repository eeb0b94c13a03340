"""An inspection's progress updates without joining its actions: progress_updates.inspection_id

The dashboard shows an inspection's ten newest progress updates. Found through the actions, PostgreSQL read every
update of every action of the inspection and sorted them to keep ten (about 1 ms at 100 actions of ten updates, and
growing with the plan's history). Each update now carries its action's inspection (an action never moves to another
inspection), written with it and backfilled here, and an index on (inspection_id, created_at, id) gives the newest
ten directly.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("progress_updates") as batch_op:
        batch_op.add_column(sa.Column("inspection_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE progress_updates SET inspection_id = "
        "(SELECT actions.inspection_id FROM actions WHERE actions.id = progress_updates.action_id)"
    )
    with op.batch_alter_table("progress_updates") as batch_op:
        batch_op.alter_column("inspection_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_progress_updates_inspection_id_inspections"),
            "inspections",
            ["inspection_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index("ix_progress_updates_inspection_created", ["inspection_id", "created_at", "id"])


def downgrade():
    with op.batch_alter_table("progress_updates") as batch_op:
        batch_op.drop_index("ix_progress_updates_inspection_created")
        batch_op.drop_constraint(batch_op.f("fk_progress_updates_inspection_id_inspections"), type_="foreignkey")
        batch_op.drop_column("inspection_id")
