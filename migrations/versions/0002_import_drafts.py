"""Import drafts: an inspection report under review, kept until it is saved

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 23:41:36.457194

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_drafts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source_filename", sa.String(length=300), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_import_drafts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_drafts")),
    )
    with op.batch_alter_table("import_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_drafts_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("import_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_drafts_user_id"))

    op.drop_table("import_drafts")
