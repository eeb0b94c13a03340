"""Telling people what is theirs to do: users.notice_preference, and notices waiting for a digest

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:02:03.186794

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("assigned", "due_date_requested", "due_date_decided", name="noticekind", native_enum=False,
                    length=32),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest_key", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_notices_action_id_actions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notices_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(op.f("ix_notices_action_id"), "notices", ["action_id"], unique=False)
    op.create_index("ix_notices_user_digest", "notices", ["user_id", "digest_key"], unique=False)
    # Plain ALTER TABLE … ADD COLUMN: a batch copy of users would lose the expression index on lower(email).
    op.add_column(
        "users",
        sa.Column(
            "notice_preference",
            sa.Enum("immediate", "digest", name="noticepreference", native_enum=False, length=32),
            nullable=False,
            server_default="immediate",
        ),
    )


def downgrade():
    op.drop_column("users", "notice_preference")
    op.drop_index("ix_notices_user_digest", table_name="notices")
    op.drop_index(op.f("ix_notices_action_id"), table_name="notices")
    op.drop_table("notices")
