"""Cache stamps: one row per topic of cached reads, changed by every transaction that changes what it covers

All actions' filter choices (the owners of live actions, the inspections, the lead agencies) were read with three
queries on every request; each worker now keeps them while the topic's stamp is unchanged (tracker.cache_stamps,
issue 17). Each topic starts with a stamp of its own.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 16:20:00.000000

"""

import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


TOPICS = ("action_filters",)


def upgrade():
    table = op.create_table(
        "cache_stamps",
        sa.Column("topic", sa.String(length=50), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_cache_stamps")),
    )
    op.bulk_insert(table, [{"topic": topic, "stamp": secrets.token_hex(16)} for topic in TOPICS])


def downgrade():
    op.drop_table("cache_stamps")
