"""Council accounts: users.directory_id (unique) and auth_source, user_sessions.id_token

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 05:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE … ADD COLUMN and a unique index: a batch copy of users would lose the expression index on
    # lower(email), which SQLite cannot reflect.
    op.add_column("users", sa.Column("directory_id", sa.String(length=128), nullable=True))
    op.add_column(
        "users",
        sa.Column(
            "auth_source",
            sa.Enum("password", "directory", name="authsource", native_enum=False, length=32),
            nullable=False,
            server_default="password",
        ),
    )
    op.create_index("uq_users_directory_id", "users", ["directory_id"], unique=True)
    op.add_column("user_sessions", sa.Column("id_token", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("user_sessions", "id_token")
    op.drop_index("uq_users_directory_id", table_name="users")
    op.drop_column("users", "auth_source")
    op.drop_column("users", "directory_id")
