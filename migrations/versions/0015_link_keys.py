"""Update links: one key per reminder email, its links signed with it, and each link's use recorded

A reminder email's update links were stored a row each, with foreign keys to the action and the person: storing the
2,808 links of 500 people's digests cost PostgreSQL about 100 ms, most of it checking those keys (a row lock on each
action). Now an email's links share one row, the key they are signed with (its hash, the person, the actions they
open), and a link's use is a row of action_link_uses, unique for the key and the action. Links sent before this
upgrade go on working: each becomes a key that opens its one action, and the uses recorded move across.

The downgrade keeps the keys that open one action as the links they were; a key for several actions cannot be
written as a link each, so the links of emails sent after the upgrade stop working.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "action_link_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["action_link_tokens.id"],
            name=op.f("fk_action_link_uses_link_id_action_link_tokens"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_link_uses_action_id_actions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_link_uses")),
        sa.UniqueConstraint("link_id", "action_id", name=op.f("uq_action_link_uses_link_id")),
    )
    op.create_index(op.f("ix_action_link_uses_action_id"), "action_link_uses", ["action_id"], unique=False)
    op.execute(
        "INSERT INTO action_link_uses (link_id, action_id, used_at) "
        "SELECT id, action_id, used_at FROM action_link_tokens WHERE used_at IS NOT NULL"
    )
    with op.batch_alter_table("action_link_tokens") as batch_op:
        batch_op.add_column(sa.Column("action_ids", sa.Text(), nullable=True))
    op.execute("UPDATE action_link_tokens SET action_ids = CAST(action_id AS VARCHAR)")
    with op.batch_alter_table("action_link_tokens") as batch_op:
        batch_op.alter_column("action_ids", existing_type=sa.Text(), nullable=False)
        batch_op.drop_index(batch_op.f("ix_action_link_tokens_action_id"))
        batch_op.drop_constraint(batch_op.f("fk_action_link_tokens_action_id_actions"), type_="foreignkey")
        batch_op.drop_column("action_id")
        batch_op.drop_column("used_at")


def downgrade():
    with op.batch_alter_table("action_link_tokens") as batch_op:
        batch_op.add_column(sa.Column("action_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("used_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("DELETE FROM action_link_tokens WHERE action_ids LIKE '%,%'")
    op.execute("UPDATE action_link_tokens SET action_id = CAST(action_ids AS INTEGER)")
    op.execute(
        "UPDATE action_link_tokens SET used_at = (SELECT action_link_uses.used_at FROM action_link_uses "
        "WHERE action_link_uses.link_id = action_link_tokens.id)"
    )
    with op.batch_alter_table("action_link_tokens") as batch_op:
        batch_op.alter_column("action_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_action_link_tokens_action_id_actions"), "actions", ["action_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(batch_op.f("ix_action_link_tokens_action_id"), ["action_id"], unique=False)
        batch_op.drop_column("action_ids")
    op.drop_index(op.f("ix_action_link_uses_action_id"), table_name="action_link_uses")
    op.drop_table("action_link_uses")
