"""Personal access tokens for the read-only API, and their per-minute request counters."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, IdMixin, utcnow
from tracker.models.user import User

READ_SCOPE = "read"


class ApiToken(IdMixin, Base):
    """A token an administrator issued for reporting tools. It acts as `user` and sees what they see; only the
    SHA-256 of the token is kept (the token is shown once), with its first characters to recognise it by."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    # Every token reads and nothing else: the API has no other scope (README, The API).
    scope: Mapped[str] = mapped_column(String(20), default=READ_SCOPE)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Moved on at most once a minute, so reading the API is not a write per request.
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])


class ApiRequestCounter(Base):
    """Requests made with one token in the current one-minute window (tracker/api/auth.py). `key` is a SHA-256
    of the rule and the token's id, shaped like the sign-in throttle's counters so the two can share a table."""

    __tablename__ = "api_request_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_started_at: Mapped[datetime]
    attempts: Mapped[int]
