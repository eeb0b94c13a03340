"""Progress updates recorded from an edited spreadsheet: progress_updates.via_spreadsheet

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "progress_updates",
        sa.Column("via_spreadsheet", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    with op.batch_alter_table("progress_updates") as batch_op:
        batch_op.drop_column("via_spreadsheet")
