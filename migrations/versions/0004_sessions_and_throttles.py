"""Sessions on the server, throttle counters and plan import previews; the account lock goes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 03:46:58.987449

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttle_counters",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counters")),
    )
    op.create_table(
        "plan_import_previews",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_plan_import_previews_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_plan_import_previews_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_import_previews")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_plan_import_previews_token_hash")),
    )
    with op.batch_alter_table("plan_import_previews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_import_previews_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_import_previews_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_sessions",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    # Throttling replaces the account lock. Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): a batch copy of
    # the table would lose the expression index on lower(email), which SQLite cannot reflect.
    op.drop_column("users", "locked_until")
    op.drop_column("users", "failed_login_count")


def downgrade():
    op.add_column("users", sa.Column("failed_login_count", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")

    with op.batch_alter_table("plan_import_previews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_import_previews_user_id"))
        batch_op.drop_index(batch_op.f("ix_plan_import_previews_inspection_id"))
    op.drop_table("plan_import_previews")
    op.drop_table("throttle_counters")
