"""The outbox's queue index in the order the sender claims: (state, send_after, id), replacing (state, send_after)

Each claim takes the next ten queued emails by send_after, then id. With the index on (state, send_after) alone,
PostgreSQL read and sorted every queued row for each claim (about 3 ms with 5,000 digests queued, so the day's
delivery grew with the square of the number of people); with id in the index it reads the ten rows it takes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:30:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_outbox_emails_state_send_after_id", "outbox_emails", ["state", "send_after", "id"])
    op.drop_index("ix_outbox_emails_state_send_after", table_name="outbox_emails")


def downgrade():
    op.create_index("ix_outbox_emails_state_send_after", "outbox_emails", ["state", "send_after"])
    op.drop_index("ix_outbox_emails_state_send_after_id", table_name="outbox_emails")
