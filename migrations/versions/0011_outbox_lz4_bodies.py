"""The outbox's bodies compressed with lz4 rather than pglz on PostgreSQL, where the server has it

A digest's two bodies are about 12 kB, which PostgreSQL compresses as it stores them (TOAST). With pglz, storing
500 digests took about 0.16-0.22 s of the server's time; with lz4 about 0.06-0.07 s, and reading them back to send
is quicker too (issue 17). The setting applies to values stored from now on; SQLite has no such thing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BODIES = ("text_body", "html_body")


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    offered = bind.execute(sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"))
    if method not in (offered.scalar() or []):  # a server built without lz4
        return
    for column in BODIES:
        op.execute(f"ALTER TABLE outbox_emails ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade():
    _set_compression("lz4")


def downgrade():
    _set_compression("pglz")
