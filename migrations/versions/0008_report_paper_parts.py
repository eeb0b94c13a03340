"""Progress reports: the decision box, the optional sections the author ticks and further appendices

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 09:01:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("progress_reports") as batch_op:
        batch_op.add_column(sa.Column("decision", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("optional_sections", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("appendices", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("progress_reports") as batch_op:
        batch_op.drop_column("appendices")
        batch_op.drop_column("optional_sections")
        batch_op.drop_column("decision")
